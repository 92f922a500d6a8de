"""The body of a webhook: ids, the acceptance number, states, step names, codes and times.
Built from an allow-list: whatever else an outbox event carries (a reviewer's free-text reason,
anything added later) is not sent; never a name, an ID number, a mobile or a photo."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from flows.models import Application, OutboxEvent

# outbox payload key → key in the webhook's "data"
PASSED_ON = {
    "from": "from_state",
    "to": "state",
    "step": "step",
    "version": "step_version",
    "reopened": "reopened_steps",
    "exchanges": "exchanges",
    "serial": "certificate_serial",
    "not_after": "certificate_not_after",
    "document_id": "document_id",
    "document_code": "document_code",
    "signed_document_id": "signed_document_id",
    "signed_sha256": "signed_sha256",
}


def event_id_for(*, source: OutboxEvent, name: str) -> uuid.UUID:
    """The public event's id: the same for the same outbox event and name on every run."""
    return uuid.uuid5(source.id, name)


def _application(source: OutboxEvent) -> dict[str, Any] | None:
    """The application as the event left it (the transition's target state when the event is
    a transition: the row may have moved on by the time the payload is generated)."""
    application: Application | None = source.application
    if application is None:
        return None
    return {
        "id": application.pk,
        "acceptance_number": application.acceptance_number,
        "business_type": application.business_type,
        "state": source.payload.get("to", application.state),
        "returned_step": application.returned_step or None,
    }


def payload_build(*, source: OutboxEvent, name: str) -> str:
    """The JSON text sent (and signed) on every attempt, generated once."""
    data: dict[str, Any] = {
        key: source.payload[original]
        for original, key in PASSED_ON.items()
        if original in source.payload
    }
    body = {
        "id": str(event_id_for(source=source, name=name)),
        "event": name,
        "occurred_at": source.occurred_at,
        "application": _application(source),
        "data": data,
    }
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
