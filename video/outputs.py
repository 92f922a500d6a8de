"""The recordings of a business's witness calls, for the review console (registered with
flows.outputs in VideoConfig.ready). Staff only: an investor is not offered the recording."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from flows.models import Application
from flows.outputs import Audience, Output

from .models import WitnessSession


def recording_outputs(application: Application, audience: Audience) -> list[Output]:
    if audience != "staff":
        return []
    sessions = (
        WitnessSession.objects.filter(application=application, recording_chunks__isnull=False)
        .select_related("agent")
        .distinct()
        .order_by("started_at", "pk")
    )
    return [
        Output(
            title=_("视频见证录像（%(at)s）")
            % {"at": timezone.localtime(session.started_at).strftime("%Y-%m-%d %H:%M")},
            url=reverse("video:recording", args=[session.pk]),
            details=((_("见证坐席"), session.agent.get_username()),),
        )
        for session in sessions
    ]
