"""Run with the served project's environment (`python -m tests.load.queue_setup`, by
test_queue_load.py): the load clients' applications brought to the video witness (every step
before it recorded as done) and queued through the service, each with an investor session
(printed as JSON: cookie and acceptance number)."""

from __future__ import annotations

import json
import sys

import django


def _client(n: int):
    from clients.models import Client

    return Client.objects.get(client_no=f"7{n:07d}")


def queue_everyone(count: int) -> list[dict[str, str]]:
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from clients.auth import SESSION_KEY
    from flows.actors import Actor
    from flows.engine import flow_position
    from flows.models import Application, StepRecord
    from flows.services import application_start
    from video.services import witness_queue_join

    queued = []
    for n in range(count):
        client = _client(n)
        application = application_start(client=client)
        while (current := flow_position(application).current) and current.name != "witness":
            StepRecord.objects.update_or_create(
                application=application,
                kind=current.name,
                defaults={"completed_at": timezone.now(), "version": 1},
            )
            application = Application.objects.get(pk=application.pk)
        witness_queue_join(application=application, actor=Actor.investor(client))
        session = SessionStore()
        session[SESSION_KEY] = client.pk
        session.create()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        queued.append({"cookie": cookie, "number": application.acceptance_number})
    return queued


def main(args: list[str]) -> None:
    django.setup()
    print(json.dumps(queue_everyone(int(args[0]))))


if __name__ == "__main__":
    main(sys.argv[1:])
