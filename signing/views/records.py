"""Signed documents for the people entitled to them, and the verification page."""

from __future__ import annotations

import datetime

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import audit_record
from clients.auth import investor_required
from common.exceptions import BusinessError
from common.ratelimit import client_ip, rate_limit_exceeded
from flows.models import Application
from flows.selectors import investor_application
from staff.roles import Role
from staff.selectors import agent_branch_id, user_has_role

from ..models import SignedDocument
from ..pades import INVESTOR_FIELD, SEAL_FIELD
from ..services import signed_document_read
from ..verification import MAX_PDF_BYTES, SignatureReport, pdf_from_upload, pdf_verify

# Who among the staff may read any application's signed documents; witness agents may read
# those of their own branch's clients.
READERS = (Role.REVIEWER, Role.ADMINISTRATOR, Role.COMPLIANCE)
FIELD_LABELS = {
    INVESTOR_FIELD: gettext_lazy("投资者签名"),
    SEAL_FIELD: gettext_lazy("公司电子印章"),
}
# The public page runs cryptographic checks for anyone: so many per address per window.
VERIFY_LIMIT, VERIFY_WINDOW_SECONDS = 30, 600


# --- downloads ------------------------------------------------------------------------------
def signed_pdf_response(signed: SignedDocument) -> HttpResponse:
    """The decrypted PDF as an attachment nobody caches. A file that is missing or cannot be
    decrypted is not found, as for photos (and the error stays in the server's log)."""
    try:
        data = signed_document_read(signed=signed)
    except (OSError, ValueError) as error:
        raise Http404 from error
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, signed.filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def staff_may_read(user, application: Application) -> bool:
    if any(user_has_role(user, role) for role in READERS):
        return True
    branch_id = agent_branch_id(user)
    return (
        user_has_role(user, Role.WITNESS_AGENT)
        and branch_id is not None
        and application.client.branch_id == branch_id
    )


def signed_download_record(
    *, user, signed: SignedDocument, via: str, actor_label: str = ""
) -> None:
    """`actor_label` names an actor who is no staff account (an investor's token)."""
    audit_record(
        action="signed_document.download",
        actor=user,
        actor_label=actor_label,
        target=signed.application,
        data={
            "signed_document": signed.pk,
            "document": signed.document_id,
            "signed_sha256": signed.signed_sha256,
            "via": via,
        },
    )


@require_GET
@never_cache
@investor_required
def investor_signed_document(request, acceptance_number: str, pk: int):
    """The investor's own signed document; another investor's is simply not found."""
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    signed = get_object_or_404(
        SignedDocument.objects.select_related("application", "document"),
        pk=pk,
        application=application,
    )
    return signed_pdf_response(signed)


@require_GET
@never_cache
def staff_signed_document(request, acceptance_number: str, pk: int):
    """Reviewers, administrators and compliance read any application's signed documents, a
    witness agent those of their branch's clients. Whether an application exists is told only
    to staff who may read some; every download is on the audit log."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (
        any(user_has_role(user, role) for role in READERS)
        or user_has_role(user, Role.WITNESS_AGENT)
    ):
        raise PermissionDenied("no role may read signed documents")
    application = get_object_or_404(
        Application.objects.select_related("client"), acceptance_number=acceptance_number
    )
    if not staff_may_read(user, application):
        raise PermissionDenied("another branch's client")
    signed = get_object_or_404(
        SignedDocument.objects.select_related("application", "document"),
        pk=pk,
        application=application,
    )
    response = signed_pdf_response(signed)
    signed_download_record(user=user, signed=signed, via="console")
    return response


# --- verification ---------------------------------------------------------------------------
def _moment(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _shown(report: SignatureReport) -> dict:
    return {
        **report.as_dict(),
        "label": FIELD_LABELS.get(report.field, report.field),
        "signing_moment": _moment(report.signing_time),
        "timestamp_moment": _moment(report.timestamp_time),
    }


@require_http_methods(["GET", "POST"])
def verify_page(request):
    """Anyone holding a PDF may check its signatures here: no login."""
    context: dict = {"max_mb": MAX_PDF_BYTES // (1024 * 1024)}
    status = 200
    if request.method == "POST" and rate_limit_exceeded(
        scope="verify",
        who=client_ip(request),
        limit=VERIFY_LIMIT,
        window_seconds=VERIFY_WINDOW_SECONDS,
    ):
        context["error"] = _("验签次数过多，请十分钟后再试。")
        return render(request, "signing/verify.html", context, status=429)
    if request.method == "POST":
        try:
            reports = pdf_verify(pdf_from_upload(request.FILES.get("file")))
        except BusinessError as error:
            context["error"], status = error.message, 400
        else:
            context["signatures"] = [_shown(report) for report in reports]
            context["all_valid"] = all(report.ok for report in reports)
            context["filename"] = request.FILES["file"].name
    return render(request, "signing/verify.html", context, status=status)
