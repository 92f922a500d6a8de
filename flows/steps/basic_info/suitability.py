"""The suitability assessment taken inside the basic-information step when the client's class is
missing or expired: which questionnaire is asked, whether an assessment is due, and recording it.

The client row belongs to the clients app (a base app); flows only writes the two fields an
assessment decides, here, in one service, under the row lock."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from clients.models import Client
from common.exceptions import BusinessError
from common.locking import lock
from common.prepared import PreparedRead
from content.models import Questionnaire, QuestionnaireKind
from content.services import questionnaire_score

from ...models import Application, SuitabilityAssessment

CHINA = ZoneInfo("Asia/Shanghai")
DEFAULT_VALID_DAYS = 3 * 365


def china_today() -> datetime.date:
    return timezone.now().astimezone(CHINA).date()


def suitability_is_current(*, client: Client, today: datetime.date | None = None) -> bool:
    """A class on file whose expiry is today or later (China's calendar day)."""
    today = today or china_today()
    return bool(client.suitability_class) and (
        client.suitability_expires is not None and client.suitability_expires >= today
    )


@dataclass(frozen=True)
class QuestionnaireShown:
    """The questionnaire as investors see it: its live revision, never an unpublished draft."""

    questionnaire: Questionnaire
    revision_id: int
    content: Questionnaire  # the live revision's content

    @property
    def content_hash(self) -> str:
        return self.content.content_hash()


def suitability_questionnaire(
    *, configured: Questionnaire | int | None
) -> QuestionnaireShown | None:
    """The questionnaire of the step's options (or its id), or else the live one of kind
    "suitability"; read with its live revision."""
    questionnaire = None
    if configured is not None:
        pk = configured if isinstance(configured, int) else configured.pk
        found = _live_questionnaire(pk=pk)
        questionnaire = found[0] if found else None
    if questionnaire is None:
        questionnaire = (
            Questionnaire.objects.filter(
                kind=QuestionnaireKind.SUITABILITY, live=True, live_revision__isnull=False
            )
            .select_related(*_REVISIONS)
            .order_by("title", "pk")
            .first()
        )
    if questionnaire is None or questionnaire.live_revision_id is None:
        return None
    revision = questionnaire.live_revision
    # revision.as_object(), without reading the questionnaire again through the revision
    return QuestionnaireShown(
        questionnaire, revision.pk, questionnaire.with_content_json(revision.content)
    )


# read with the questionnaire: the one shown, and the latest (which with_content_json keeps)
_REVISIONS = ("live_revision", "latest_revision")

# on every basic information page: its SQL built once
_live_questionnaire = PreparedRead(
    lambda pk: Questionnaire.objects.filter(pk=pk, live=True).select_related(*_REVISIONS)[:1]
)


def suitability_assessment_record(
    *,
    application: Application,
    shown: QuestionnaireShown,
    answers: dict[int, Any],
) -> SuitabilityAssessment:
    """Score the answers, keep the proof, and put the class and its expiry on the client.

    Refused (BusinessError) for a partial or forged answer sheet, and when the client's class is
    already current: a second post of the same answers does not assess twice."""
    try:
        score, suitability_class = questionnaire_score(questionnaire=shown.content, answers=answers)
    except (ValueError, TypeError) as error:  # TypeError: a text answer where an index belongs
        raise BusinessError(
            _("请完整回答评估问卷的每一道必答题，并从选项中选择。"), code="invalid_answers"
        ) from error
    valid_days = getattr(settings, "SUITABILITY_VALID_DAYS", DEFAULT_VALID_DAYS)
    now = timezone.now()
    today = now.astimezone(CHINA).date()
    with transaction.atomic():
        client = lock(Client, pk=application.client_id)
        if suitability_is_current(client=client, today=today):
            raise BusinessError(_("您的适当性评估已完成。"), code="already_assessed")
        assessment = SuitabilityAssessment.objects.create(
            client=client,
            application=application,
            questionnaire=shown.questionnaire,
            revision_id=shown.revision_id,
            content_hash=shown.content_hash,
            answers={str(position): value for position, value in sorted(answers.items())},
            score=score,
            suitability_class=suitability_class,
            assessed_at=now,
            valid_until=today + datetime.timedelta(days=valid_days),
        )
        client.suitability_class = suitability_class
        client.suitability_expires = assessment.valid_until
        client.save(update_fields=["suitability_class", "suitability_expires"])
        audit_record(
            action="suitability.assess",
            actor_label=f"investor:{client.pk}",
            target=assessment,
            data={
                "application": application.acceptance_number,
                "class": suitability_class,
                "revision": shown.revision_id,
            },
        )
    return assessment
