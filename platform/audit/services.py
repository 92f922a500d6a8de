from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models, transaction

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64
SEAL_BATCH = 500


def audit_record(
    *,
    action: str,
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a staff user or None (an investor or the system: say which
    in `actor_label`, e.g. "investor:<client pk>"). It joins the hash chain when the current
    transaction commits (at once outside one): the chain's lock is never held inside a
    service's transaction, so auditing can neither deadlock nor serialise the services."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent.objects.create(
        actor=user,
        actor_label=actor_label or (user.get_username() if user else "system"),
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
    )
    transaction.on_commit(audit_seal)
    return event


def audit_personal_data_read(*, actor: Any, target: models.Model, what: str, via: str) -> None:
    """A member of staff was shown someone's personal data (`what`: e.g. "signed_document",
    "application_list"); `via`: the console, the API, the CMS."""
    audit_record(
        action="personal_data.read", actor=actor, target=target, data={"what": what, "via": via}
    )


def event_hash(event: AuditEvent, previous_hash: str) -> str:
    """SHA-256 over the previous hash and the event's content, in a canonical JSON form."""
    content = {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "reason": event.reason,
        "data": event.data,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


def audit_seal() -> int:
    """Chain every committed event not yet chained, oldest first; how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
            pending = list(
                AuditEvent.objects.filter(sequence__isnull=True).order_by("id")[:SEAL_BATCH]
            )
            for event in pending:
                event.sequence = head.sequence + 1
                event.previous_hash = head.hash
                event.hash = event_hash(event, head.hash)
                # the one write an audit row ever gets: its seal (the database checks it)
                models.QuerySet(AuditEvent).filter(pk=event.pk, sequence__isnull=True).update(
                    sequence=event.sequence, previous_hash=event.previous_hash, hash=event.hash
                )
                head.sequence, head.hash = event.sequence, event.hash
            if pending:
                head.save(update_fields=["sequence", "hash"])
        sealed += len(pending)
        if len(pending) < SEAL_BATCH:
            return sealed
