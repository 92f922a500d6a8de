"""Checking a signed PDF: for each signature, who signed, when (claimed, and by timestamp),
whether the signed bytes are intact, whether the certificate chains to the company root (with
the CRLs: revoked certificates are reported), what the signature covers and what changed after
it. Anything that is not a readable PDF is a BusinessError, not a crash.

Anyone may upload a PDF here (the public page, the API), so the file is read and validated in a
child process with a CPU, memory and wall-clock limit (`reading.py`): deep nesting, broken cross
references, a loop of objects or a signature that is not a dictionary end as "cannot read", never
as a traceback, a stuck worker or a grown server. More than MAX_SIGNATURES signature fields are
refused before any is validated (one signature referenced by a hundred fields cost 17–29 s)."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from common.exceptions import BusinessError

from . import pades
from .reading import ChildFailed, in_child

MAX_PDF_BYTES = 30 * 1024 * 1024
MAX_SIGNATURES = 10
VERIFY_SECONDS = 20  # CPU and wall clock, per PDF
VERIFY_MEMORY_BYTES = 768 * 1024 * 1024

COVERAGE = {
    "ENTIRE_FILE": gettext_lazy("整个文件"),
    "ENTIRE_REVISION": gettext_lazy("签署时的整个文件（其后有增量更新）"),
    "CONTIGUOUS_BLOCK_FROM_START": gettext_lazy("文件开头的一部分"),
    "UNCLEAR": gettext_lazy("无法确定"),
}
MODIFICATIONS = {
    "NONE": gettext_lazy("签署后没有任何改动"),
    "LTA_UPDATES": gettext_lazy("签署后仅追加了验证信息或时间戳"),
    "FORM_FILLING": gettext_lazy("签署后仅追加了签名或填写了表单"),
    "ANNOTATIONS": gettext_lazy("签署后添加了注释"),
    "OTHER": gettext_lazy("签署后文件被修改"),
}


@dataclass
class SignatureReport:
    field: str
    signer: str
    signer_dn: str
    serial: str
    signing_time: str | None
    timestamp_time: str | None
    timestamp_valid: bool
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    coverage: str
    coverage_label: str
    modification: str
    modification_label: str
    modified_after: bool
    summary: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The one verdict: the page and the API show this."""
        return (
            self.intact
            and self.valid
            and self.trusted
            and not self.revoked
            and not self.modified_after
            and not self.problems
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def pdf_size_check(size: int) -> None:
    if size > MAX_PDF_BYTES:
        raise BusinessError(
            _("文件超过 %(max_mb)s MB。") % {"max_mb": MAX_PDF_BYTES // (1024 * 1024)},
            code="too_large",
        )


def pdf_from_upload(upload) -> bytes:
    """An uploaded file's bytes, its size checked before it is read into memory."""
    if upload is None:
        return b""
    pdf_size_check(upload.size)
    return upload.read()


def _unreadable() -> BusinessError:
    return BusinessError(_("PDF 文件已损坏，无法读取。"), code="unreadable")


def pdf_verify(data: bytes) -> list[SignatureReport]:
    if not data:
        raise BusinessError(_("请上传 PDF 文件。"), code="empty")
    pdf_size_check(len(data))
    if not data.lstrip()[:5] == b"%PDF-":
        raise BusinessError(_("这不是 PDF 文件。"), code="not_pdf")
    materials = pades.validation_materials()
    try:
        found = in_child(
            _reports_as_dicts,
            data,
            materials,
            seconds=VERIFY_SECONDS,
            memory_bytes=VERIFY_MEMORY_BYTES,
        )
    except ChildFailed as failure:
        raise _unreadable() from failure
    return [SignatureReport(**report) for report in found]


def _reports_as_dicts(data: bytes, materials: dict[str, Any]) -> list[dict[str, Any]]:
    """In the child: read, count, validate; plain data back to the parent."""
    names = {f.name for f in fields(SignatureReport)}
    return [
        {k: v for k, v in asdict(report).items() if k in names}
        for report in _reports(data, materials)
    ]


def _reports(data: bytes, materials: dict[str, Any]) -> list[SignatureReport]:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        raise _unreadable() from error
    except RecursionError as error:  # nesting deeper than any real PDF
        raise _unreadable() from error
    if not signatures:
        raise BusinessError(_("该 PDF 没有数字签名。"), code="unsigned")
    if len(signatures) > MAX_SIGNATURES:
        raise BusinessError(
            _("该 PDF 的签名超过 %(max)d 个，无法验证。") % {"max": MAX_SIGNATURES},
            code="too_many_signatures",
        )
    return [pades.run(_report(signature, materials)) for signature in signatures]


async def _validate(signature, materials: dict[str, Any]):
    """Validate now; a certificate revoked since is judged at the time of the signature's
    trusted timestamp (point-in-time validation): a later revocation, such as the investor
    installing a new certificate, does not undo what was validly signed before it."""
    status = await async_validate_pdf_signature(signature, ValidationContext(**materials))
    timestamp = status.timestamp_validity
    if status.revoked and timestamp and timestamp.intact and timestamp.valid and timestamp.trusted:
        at_signing = await async_validate_pdf_signature(
            signature,
            ValidationContext(**materials, moment=timestamp.timestamp, retroactive_revinfo=True),
        )
        if not at_signing.revoked:
            return at_signing, True
    return status, False


async def _report(signature, materials: dict[str, Any]) -> SignatureReport:
    try:
        status, revoked_later = await _validate(signature, materials)
    except (SignatureValidationError, PdfError, ValueError) as error:
        return _broken(signature, str(error))
    except (KeyError, TypeError, IndexError, AttributeError, RecursionError) as error:
        # a signature dictionary that is not one (a number, a loop, a missing key)
        return _broken(signature, type(error).__name__)
    certificate = status.signing_cert
    names = certificate.subject.native
    timestamp = status.timestamp_validity
    coverage = status.coverage.name if status.coverage else "UNCLEAR"
    modification = status.modification_level.name if status.modification_level else "OTHER"
    modified_after = modification in ("ANNOTATIONS", "OTHER") or not status.docmdp_ok
    problems, notes = [], []
    if revoked_later:
        notes.append(_("签名证书在签署之后已被吊销（如重新安装证书），签署时有效"))
    if not status.intact:
        problems.append(_("签名覆盖的内容已被改动"))
    elif not status.valid:
        problems.append(_("签名值无效：不是该证书的私钥所签"))
    elif status.revoked:
        problems.append(_("签名证书已被吊销"))
    elif not status.trusted:
        problems.append(_("签名证书不是本公司 CA 签发，或无法验证"))
    if modified_after:
        problems.append(_("签署后文件被修改"))
    return SignatureReport(
        field=signature.field_name,
        signer=names.get("common_name", ""),
        signer_dn=certificate.subject.human_friendly,
        serial=f"{certificate.serial_number:x}",
        signing_time=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
        timestamp_time=timestamp.timestamp.isoformat() if timestamp else None,
        timestamp_valid=bool(
            timestamp and timestamp.intact and timestamp.valid and timestamp.trusted
        ),
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        revoked=bool(status.revoked),
        coverage=coverage,
        coverage_label=str(COVERAGE.get(coverage, coverage)),
        modification=modification,
        modification_label=str(MODIFICATIONS.get(modification, modification)),
        modified_after=modified_after,
        summary=status.summary(),
        problems=problems,
        notes=notes,
    )


def _broken(signature, reason: str) -> SignatureReport:
    return SignatureReport(
        field=signature.field_name,
        signer="",
        signer_dn="",
        serial="",
        signing_time=None,
        timestamp_time=None,
        timestamp_valid=False,
        intact=False,
        valid=False,
        trusted=False,
        revoked=False,
        coverage="UNCLEAR",
        coverage_label=str(COVERAGE["UNCLEAR"]),
        modification="OTHER",
        modification_label=str(MODIFICATIONS["OTHER"]),
        modified_after=True,
        summary="INVALID",
        problems=[_("签名无法验证：%(reason)s") % {"reason": reason[:200]}],
    )
