"""Exam score reports (成绩报告单) for a first financial or crude-oil futures account: 2 to 10
JPEG or PNG images of at most 10 MB each, recognised by their content (never by their name),
stored encrypted under random names. The same file uploaded twice is one report."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from common.prepared import PreparedRead
from content.models import Exchange
from photos.processing.decode import is_complete
from privacy import crypto

from ..models import Application, ScoreReport

MIN_REPORTS = 2
MAX_REPORTS = 10
MAX_BYTES = 10 * 1024 * 1024
_SIGNATURES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}
_CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


def count_message() -> str:
    return _("请上传 2 至 10 张成绩报告单。")


def reports_needed(
    client, exchanges: Iterable[Exchange], opened_categories: set[str] | None = None
) -> bool:
    """A first account of a category whose exchange asks for score reports. The categories of
    the client's accounts are read unless the caller has them."""
    opened = opened_categories
    if opened is None:
        opened = set(client.exchange_accounts.values_list("exchange__category", flat=True))
    return any(e.needs_score_reports and e.category not in opened for e in exchanges)


def image_content_type(data: bytes) -> str | None:
    """The image type ("image/jpeg" or "image/png") of the bytes, whatever the file is called."""
    declared = next((fmt for sig, fmt in _SIGNATURES.items() if data.startswith(sig)), None)
    if declared is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            actual = image.format
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return _CONTENT_TYPES.get(actual) if actual == declared else None


@dataclass(frozen=True)
class StoredReport:
    """An accepted upload, encrypted and written under a random name, not yet a report."""

    name: str
    content_type: str
    size: int
    sha256: str


@dataclass
class ReportUploads:
    stored: list[StoredReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def delete(self) -> None:
        for report in self.stored:
            default_storage.delete(report.name)


def score_reports_write(*, files: Iterable[Any]) -> ReportUploads:
    """Judge the uploaded reports and write the accepted ones, encrypted (before the
    application's lock: this is the slow part). All or none: with any refused file, nothing is
    kept and the reasons come back."""
    uploads = ReportUploads()
    accepted: list[tuple[bytes, str]] = []
    for upload in files:
        if (upload.size or 0) > MAX_BYTES:
            uploads.problems.append(
                _("成绩报告单“%(name)s”超过 10 MB，请压缩后重新上传。") % {"name": upload.name}
            )
            continue
        data = upload.read()
        content_type = image_content_type(data)
        if content_type is None:
            uploads.problems.append(
                _("成绩报告单“%(name)s”不是 JPEG 或 PNG 图片，请重新上传。") % {"name": upload.name}
            )
            continue
        if not is_complete(data):  # cut short: Image.verify() checks nothing for JPEG
            message = _("成绩报告单“%(name)s”不完整（可能上传中断），请重新上传。")
            uploads.problems.append(message % {"name": upload.name})
            continue
        accepted.append((data, content_type))
    if uploads.problems:
        return uploads
    for data, content_type in accepted:
        name = default_storage.save(
            f"score-reports/{secrets.token_hex(16)}.bin", ContentFile(crypto.encrypt(data))
        )
        uploads.stored.append(
            StoredReport(name, content_type, len(data), hashlib.sha256(data).hexdigest())
        )
    return uploads


def score_reports_add(*, application: Application, uploads: ReportUploads) -> list[str]:
    """Make reports of written uploads, with the application locked (the caller's transaction):
    the same file twice is one report; more than MAX_REPORTS in all adds none. Files not used
    are deleted once the transaction commits. Returns the reasons for adding none."""
    known = set(application.score_reports.values_list("sha256", flat=True))
    new: dict[str, StoredReport] = {}
    for report in uploads.stored:
        if report.sha256 not in known and report.sha256 not in new:
            new[report.sha256] = report
    problems = []
    if len(known) + len(new) > MAX_REPORTS:
        problems, new = [count_message()], {}
    for report in new.values():
        ScoreReport.objects.create(
            application=application,
            file=report.name,
            content_type=report.content_type,
            size=report.size,
            sha256=report.sha256,
        )
    unused = [report.name for report in uploads.stored if new.get(report.sha256) is not report]
    transaction.on_commit(lambda: _delete(unused))
    return problems


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def score_report_remove(*, application: Application, report_id: int) -> bool:
    report = ScoreReport.objects.filter(application=application, pk=report_id).first()
    if report is None:
        return False
    name = str(report.file.name)
    report.delete()
    transaction.on_commit(lambda: default_storage.delete(name))
    return True


def score_report_read(report: ScoreReport) -> bytes:
    """The image as uploaded, for a view that has checked who asks (the reviewer, the owner)."""
    with default_storage.open(str(report.file.name), "rb") as stored:
        return crypto.decrypt(stored.read())


def score_reports_of(application: Application) -> list[ScoreReport]:
    """The application's reports, oldest first (on every exchanges page: SQL built once)."""
    reports = _reports_of(application_id=application.pk)
    for report in reports:
        report.application = application
    return reports


_reports_of = PreparedRead(
    lambda application_id: ScoreReport.objects.filter(application_id=application_id)
)


def score_reports_evidence(application: Application) -> list[dict]:
    return [
        {
            "id": r.pk,
            "sha256": r.sha256,
            "content_type": r.content_type,
            "size": r.size,
            "uploaded_at": r.uploaded_at.isoformat(),
        }
        for r in application.score_reports.all()
    ]
