"""The signed documents of a business, as flows shows them on "my business" and the review
console (registered with flows.outputs in SigningConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from flows.models import Application
from flows.outputs import Audience, Output

from .models import RevocationReason, SignedDocument
from .selectors import signed_documents

URL_NAMES = {"investor": "signing:investor_signed", "staff": "signing:staff_signed"}


def _time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _label(name: str) -> str:
    return str(SignedDocument._meta.get_field(name).verbose_name)


def _details(signed: SignedDocument) -> tuple[tuple[str, str], ...]:
    return (
        (_label("revision_id"), str(signed.revision_id)),
        (_label("content_sha256"), signed.content_sha256),
        (_label("unsigned_sha256"), signed.unsigned_sha256),
        (_label("signed_sha256"), signed.signed_sha256),
        (_("证书序列号"), signed.certificate.serial),
        (_label("prepared_at"), _time(signed.prepared_at)),
        (_label("signed_at"), _time(signed.signed_at)),
        (_label("sealed_at"), _time(signed.sealed_at)),
    )


def _warnings(signed: SignedDocument, newest: bool) -> tuple[str, ...]:
    """A signature stays valid for when it was made; still, whoever reads it should know that its
    certificate was revoked since, and that a newer signature of the same document exists."""
    warnings = []
    certificate = signed.certificate
    if certificate.revoked_at is not None:
        why = (
            _("重新安装证书后作废")
            if certificate.revocation_reason == RevocationReason.SUPERSEDED
            else _("已吊销")
        )
        warnings.append(
            _("签署所用证书于 %(time)s %(why)s")
            % {"time": _time(certificate.revoked_at), "why": why}
        )
    if not newest:
        warnings.append(_("该文档已重新签署，此为旧版本"))
    return tuple(warnings)


def signed_outputs(application: Application, audience: Audience) -> list[Output]:
    """Every signature of the application: documents in the order first signed, and for a
    document signed again, the newest signature first."""
    records = list(signed_documents(application=application))  # oldest first
    first_signed: dict[int, int] = {}
    for index, signed in enumerate(records):
        first_signed.setdefault(signed.document_id, index)
    records.sort(key=lambda s: (first_signed[s.document_id], -s.signed_at.timestamp()))
    outputs, seen = [], set()
    for signed in records:
        newest = signed.document_id not in seen
        seen.add(signed.document_id)
        outputs.append(
            Output(
                title=signed.title,
                url=reverse(URL_NAMES[audience], args=[application.acceptance_number, signed.pk]),
                details=_details(signed),
                warnings=_warnings(signed, newest),
            )
        )
    return outputs
