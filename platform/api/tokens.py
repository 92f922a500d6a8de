"""Investor tokens: issued after the ID number + SMS code login (clients.services), presented as
`Authorization: Bearer <token>`, short-lived, revocable. Only the token's SHA-256 is stored."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from audit.services import audit_record
from clients.models import Client
from staff.models import IntegratorKey

from .models import InvestorToken

PREFIX = "inv_"


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, to the caller that logged in
    record: InvestorToken


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_ttl() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.API_INVESTOR_TOKEN_TTL_SECONDS)


def investor_token_issue(
    *, client: Client, issuer: IntegratorKey | None, now: datetime.datetime | None = None
) -> IssuedToken:
    now = now or timezone.now()
    token = PREFIX + secrets.token_urlsafe(32)
    record = InvestorToken.objects.create(
        client=client,
        token_hash=token_hash(token),
        issuer=issuer,
        created_at=now,
        expires_at=now + token_ttl(),
    )
    audit_record(
        action="api.investor_token_issued",
        actor_label=f"investor:{client.pk}",
        target=client,
        data={"token": record.pk, "issuer": issuer.prefix if issuer else ""},
    )
    return IssuedToken(token=token, record=record)


def investor_token_revoke(*, record: InvestorToken, now: datetime.datetime | None = None) -> None:
    if record.revoked_at is None:
        record.revoked_at = now or timezone.now()
        record.save(update_fields=["revoked_at"])
        audit_record(
            action="api.investor_token_revoked",
            actor_label=f"investor:{record.client_id}",
            target=record.client,
            data={"token": record.pk},
        )


def investor_token_usable(
    *, token: str, now: datetime.datetime | None = None
) -> tuple[InvestorToken | None, str]:
    """The token's record if it may be used now, else None and why ("unknown", "expired",
    "revoked")."""
    now = now or timezone.now()
    record = (
        InvestorToken.objects.select_related("client", "client__branch", "issuer")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if record is None:
        return None, "unknown"
    if record.revoked_at is not None or (record.issuer is not None and record.issuer.revoked):
        return None, "revoked"
    if record.expires_at <= now:
        return None, "expired"
    return record, ""


def investor_tokens_purge(*, now: datetime.datetime | None = None) -> int:
    """Drop tokens that expired more than a day ago (kept that long for the audit's sake)."""
    now = now or timezone.now()
    deleted, _ = InvestorToken.objects.filter(
        expires_at__lt=now - datetime.timedelta(days=1)
    ).delete()
    return deleted
