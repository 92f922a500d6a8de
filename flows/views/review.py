"""The review console (复核台): the queue of submitted applications with its filters, one screen
with the evidence of an application (through the step kinds' typed summaries and the outputs
capabilities register), and the decision. An adapter over flows.services.review and the
lifecycle; every POST is answered with a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.services import audit_personal_data_read
from common.exceptions import BusinessError
from photos.models import IdPhoto, IdPhotoSide
from photos.services import id_photo_read, signature_ink_read
from staff.decorators import role_required
from staff.roles import Role

from ..actors import Actor, ActorKind
from ..engine import flow_position
from ..models import Application, ApplicationState
from ..pages import flash_keep, flash_take
from ..selectors import application_history, applications_to_review, requested_exchange_codes
from ..services import step_summaries
from ..services.review import (
    requested_exchanges,
    review_approve,
    review_claim,
    review_claim_holder,
    review_reject,
    review_release,
)
from ..steps.photos import PhotosSummary
from .review_forms import RejectForm, ReviewFilterForm

QUEUE_LIMIT = 200


@never_cache
@role_required(Role.REVIEWER)
def review_console(request):
    form = ReviewFilterForm(request.GET or None)
    applications: list[Application] = []
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        flagged = {"yes": True, "no": False}.get(filters.get("flagged") or "")
        branch = filters.get("branch")
        queryset = applications_to_review(
            branch_id=branch.pk if branch else None,
            submitted_from=filters.get("submitted_from"),
            submitted_to=filters.get("submitted_to"),
            flagged=flagged,
        ).prefetch_related("step_records")
        exchange = filters.get("exchange")
        # The exchanges asked for are in each step's evidence: filtered while reading, oldest
        # first, until the page is full (never only among the first QUEUE_LIMIT submitted).
        for application in queryset.iterator(chunk_size=QUEUE_LIMIT):
            codes = requested_exchange_codes(application)
            if exchange is None or exchange.code in codes:
                application.exchange_codes = codes
                applications.append(application)
                if len(applications) == QUEUE_LIMIT:
                    break
    return render(
        request,
        "flows/review_console.html",
        {"applications": applications, "filter_form": form, "limit": QUEUE_LIMIT},
    )


def _application(acceptance_number: str) -> Application:
    application = (
        Application.objects.select_related("client", "client__branch")
        .filter(acceptance_number=acceptance_number)
        .first()
    )
    if application is None:
        raise Http404
    return application


def _flash_key(application: Application, form: str) -> str:
    return f"review/{application.acceptance_number}/{form}"


@never_cache
@role_required(Role.REVIEWER)
def review_application(request, acceptance_number: str):
    application = _application(acceptance_number)
    if application.state not in (
        ApplicationState.SUBMITTED,
        ApplicationState.APPROVED,
        ApplicationState.REJECTED,
    ):
        raise Http404
    audit_personal_data_read(
        actor=request.user, target=application, what="review_application", via="review_console"
    )
    summaries = step_summaries(application=application)
    claim = review_claim_holder(application=application)
    approve_flash = flash_take(request, _flash_key(application, "approve"))
    reject_flash = flash_take(request, _flash_key(application, "reject"))
    steps = [
        (step.name, str(step.kind.label))
        for step in flow_position(application).steps
        if ActorKind.INVESTOR in step.kind.completed_by
    ]
    reject_form = RejectForm(reject_flash.data() if reject_flash else None, steps=steps)
    if reject_flash:
        reject_form.is_valid()
    posted_codes = approve_flash.values if approve_flash else {}
    return render(
        request,
        "flows/review_application.html",
        {
            "application": application,
            "client": application.client,
            "summaries": [s for s in summaries if s.rows()],
            "flags": [flag for s in summaries for flag in s.flags()],
            "exchanges": [
                {"exchange": e, "value": (posted_codes.get(f"code_{e.code}") or [""])[-1]}
                for e in requested_exchanges(application=application)
            ],
            "claim": claim,
            "mine": claim is not None and claim.reviewer_id == request.user.pk,
            "approve_errors": approve_flash.page_errors if approve_flash else [],
            "reject_form": reject_form,
            "reject_errors": reject_flash.page_errors if reject_flash else [],
            "history": application_history(application=application),
            "grants": application.trading_codes.select_related("exchange"),
            "photos": _photos(application, summaries),
        },
    )


def _photo_ids(summaries) -> dict[str, int]:
    """side → IdPhoto id, as the photos step recorded them."""
    for summary in summaries:
        if isinstance(summary, PhotosSummary):
            return dict(summary.photos)
    return {}


def _photos(application: Application, summaries) -> list[tuple[str, str]]:
    """(label, URL) of each photo; beside the signature photo, the signature lifted from it, as
    the signed agreements show it."""
    shown = []
    for side, pk in _photo_ids(summaries).items():
        args = [application.acceptance_number, pk]
        shown.append((str(IdPhotoSide(side).label), reverse("flows:review_photo", args=args)))
        if side == IdPhotoSide.SIGNATURE:
            label = _("签名照中提取的签名笔迹（签署的协议上显示的签名）")
            shown.append((label, reverse("flows:review_ink", args=args)))
    return shown


@never_cache
@role_required(Role.REVIEWER)
def review_photo(request, acceptance_number: str, pk: int, variant: str = "photo"):
    """An ID photo the application's photos step recorded, for the reviewer (audited), or
    (`ink`) the signature lifted from the signature photo; any other photo is not found."""
    application = _application(acceptance_number)
    if pk not in _photo_ids(step_summaries(application=application)).values():
        raise Http404
    photo = IdPhoto.objects.filter(pk=pk, client_id=application.client_id).first()
    if photo is None:
        raise Http404
    try:
        if variant == "ink":
            data, content_type = signature_ink_read(photo=photo), "image/png"
        else:
            data, content_type = id_photo_read(photo=photo), "image/jpeg"
    except (OSError, ValueError) as error:
        raise Http404 from error
    if not data:
        raise Http404
    audit_personal_data_read(
        actor=request.user, target=photo, what="id_photo", via="review_console"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _back(application: Application):
    return redirect("flows:review_application", application.acceptance_number)


@require_POST
@role_required(Role.REVIEWER)
def review_take(request, acceptance_number: str):
    application = _application(acceptance_number)
    try:
        review_claim(application=application, actor=Actor.reviewer(request.user))
    except BusinessError as error:
        messages.error(request, error.message)
    return _back(application)


@require_POST
@role_required(Role.REVIEWER)
def review_leave(request, acceptance_number: str):
    application = _application(acceptance_number)
    review_release(application=application, actor=Actor.reviewer(request.user))
    messages.info(request, _("已释放该业务，其他复核员可以复核。"))
    return redirect("flows:review_console")


@require_POST
@role_required(Role.REVIEWER)
def review_approve_view(request, acceptance_number: str):
    application = _application(acceptance_number)
    codes = {
        name.removeprefix("code_"): value
        for name, value in request.POST.items()
        if name.startswith("code_")
    }
    try:
        review_approve(
            application=application,
            actor=Actor.reviewer(request.user),
            codes=codes,
            note=request.POST.get("note", ""),
        )
    except BusinessError as error:
        flash_keep(request, _flash_key(application, "approve"), errors={"__all__": [error.message]})
        return _back(application)
    messages.success(
        request,
        _("业务 %(number)s 已复核通过，交易编码已记录。")
        % {"number": application.acceptance_number},
    )
    return redirect("flows:review_console")


@require_POST
@role_required(Role.REVIEWER)
def review_reject_view(request, acceptance_number: str):
    application = _application(acceptance_number)
    key = _flash_key(application, "reject")
    steps = [(step.name, step.name) for step in flow_position(application).steps]
    form = RejectForm(request.POST, steps=steps)
    if not form.is_valid():
        errors = {name: [str(m) for m in form.errors[name]] for name in form.errors}
        flash_keep(request, key, errors=errors)
        return _back(application)
    try:
        review_reject(
            application=application,
            actor=Actor.reviewer(request.user),
            step=form.cleaned_data["step"],
            reason=form.cleaned_data["reason"],
        )
    except BusinessError as error:
        flash_keep(request, key, errors={"__all__": [error.message]})
        return _back(application)
    messages.success(
        request,
        _("业务 %(number)s 已驳回，投资者将按意见修改后重新提交。")
        % {"number": application.acceptance_number},
    )
    return redirect("flows:review_console")
