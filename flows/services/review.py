"""The reviewer's work on a submitted application: taking it (so that two reviewers never act
on one application at once), and the decision. The decision itself is the lifecycle's
(`application_approve` / `application_reject`); what is added here is the review's own rules:
the claim, the reviewer who witnessed it may not review it, and the trading codes an approval
records (on the application and on the client's file, in the approval's transaction)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from audit.models import AuditEvent
from clients.models import ClientExchange
from common.exceptions import BusinessError
from common.locking import lock
from content.models import Exchange

from ..actors import Actor, ActorKind
from ..models import Application, ReviewClaim, StepRecord, TradingCodeGrant
from ..permissions import application_check_visible
from ..steps.exchanges import ExchangesSummary
from .lifecycle import application_approve, application_reject
from .steps import step_summaries

CLAIM_FOR = datetime.timedelta(minutes=30)
TRADING_CODE = re.compile(r"[0-9]{12}")
# what an agent does in a witness: whoever did any of it may not review the application
WITNESS_ACTIONS = (
    "application.start_witness",
    "application.pass_witness",
    "application.return_to_step",
    "application.release_witness",
)


def requested_exchanges(*, application: Application) -> list[Exchange]:
    """The exchanges the investor asked for, from the exchanges step's summary."""
    selected: list[str] = []
    for summary in step_summaries(application=application):
        if isinstance(summary, ExchangesSummary):
            selected = summary.selected
    found = {e.code: e for e in Exchange.objects.filter(code__in=selected)}
    return [found[code] for code in selected if code in found]


def review_check_not_witness(*, application: Application, actor: Actor) -> None:
    """The reviewer who witnessed (took, passed, returned) the application may not review it."""
    user = actor.user
    witnessed = (
        AuditEvent.objects.filter(
            object_type=application._meta.label_lower,
            object_id=str(application.pk),
            action__in=WITNESS_ACTIONS,
            actor=user,
        ).exists()
        or StepRecord.objects.filter(
            application=application, completed_by=f"{ActorKind.AGENT}:{user.get_username()}"
        ).exists()
    )
    if witnessed:
        raise BusinessError(
            _("您是该业务的见证人员，不能复核同一笔业务。"), code="reviewer_witnessed"
        )


def _check_reviewable(application: Application, actor: Actor) -> None:
    application_check_visible(actor=actor, application=application)
    if actor.kind != ActorKind.REVIEWER or actor.user is None:
        raise BusinessError(_("只有复核员可以复核业务。"), code="forbidden")
    if not can_proceed(application.approve):
        raise BusinessError(
            _("该业务当前状态为“%(state)s”，不在待复核中。")
            % {"state": application.get_state_display()},
            code="not_submitted",
        )
    review_check_not_witness(application=application, actor=actor)


def _check_claim(application: Application, actor: Actor, now: datetime.datetime) -> ReviewClaim:
    """Inside the application's lock: the claim this reviewer holds, taken if free or lapsed."""
    claim = ReviewClaim.objects.select_for_update().filter(application=application).first()
    if claim is not None and claim.reviewer_id != actor.user.pk and claim.expires_at > now:
        raise BusinessError(
            _("该业务正由复核员 %(who)s 复核，请选择其他业务。")
            % {"who": claim.reviewer.get_username()},
            code="claimed_by_other",
        )
    if claim is None:
        claim = ReviewClaim(application=application, reviewer=actor.user, claimed_at=now)
    elif claim.reviewer_id != actor.user.pk:
        claim.reviewer, claim.claimed_at = actor.user, now
    claim.expires_at = now + CLAIM_FOR
    claim.save()
    return claim


def review_claim(*, application: Application, actor: Actor) -> ReviewClaim:
    """The reviewer starts (or goes on) reviewing: nobody else acts on it meanwhile."""
    with transaction.atomic():
        locked = lock(Application, pk=application.pk)
        _check_reviewable(locked, actor)
        return _check_claim(locked, actor, timezone.now())


def review_release(*, application: Application, actor: Actor) -> None:
    """The reviewer leaves the application for another (only their own claim)."""
    ReviewClaim.objects.filter(application=application, reviewer=actor.user).delete()


def review_claim_holder(*, application: Application) -> ReviewClaim | None:
    """The live claim on an application, if any (for the console to show)."""
    return (
        ReviewClaim.objects.select_related("reviewer")
        .filter(application=application, expires_at__gt=timezone.now())
        .first()
    )


def _clean_codes(application: Application, codes: Mapping[str, str]) -> list[tuple[Exchange, str]]:
    """One well-formed trading code for each requested exchange, and for nothing else."""
    requested = requested_exchanges(application=application)
    wanted = {exchange.code for exchange in requested}
    for code, value in codes.items():
        if code not in wanted and (value or "").strip():
            name = Exchange.objects.filter(code=code).first() or code
            raise BusinessError(
                _("该投资者未申请开通%(exchange)s，不能录入其交易编码。") % {"exchange": name},
                code="exchange_not_requested",
                extra={"exchange": code},
            )
    if not requested:
        raise BusinessError(_("该业务没有申请开通的交易所。"), code="no_exchanges")
    cleaned = []
    for exchange in requested:
        value = re.sub(r"\s", "", codes.get(exchange.code) or "")
        _check_code(exchange, value)
        cleaned.append((exchange, value))
    return cleaned


def _check_code(exchange: Exchange, value: str) -> None:
    def refuse(message: str, code: str) -> BusinessError:
        return BusinessError(message, code=code, extra={"exchange": exchange.code})

    if not value:
        raise refuse(
            _("请填写%(exchange)s的交易编码。") % {"exchange": exchange}, "trading_code_missing"
        )
    if not TRADING_CODE.fullmatch(value):
        raise refuse(
            _("%(exchange)s的交易编码应为 12 位数字：4 位会员号加 8 位客户编号。")
            % {"exchange": exchange},
            "trading_code_format",
        )
    if exchange.member_number and value[:4] != exchange.member_number:
        raise refuse(
            _("%(exchange)s的交易编码前 4 位应为会员号 %(member)s。")
            % {"exchange": exchange, "member": exchange.member_number},
            "trading_code_member",
        )
    if not re.fullmatch(exchange.trading_code_pattern, value[4:]):
        raise refuse(
            _("%(exchange)s的交易编码后 8 位（客户编号）格式不正确。") % {"exchange": exchange},
            "trading_code_format",
        )


def review_approve(
    *, application: Application, actor: Actor, codes: Mapping[str, str], note: str = ""
) -> Application:
    """Approve with a trading code per requested exchange: recorded on the application and on
    the client's file in the approval's transaction. Approving twice, or an application someone
    else is reviewing, is refused and records nothing."""
    now = timezone.now()

    def record_codes(locked: Application) -> dict[str, Any]:
        cleaned = _clean_codes(locked, codes)
        opened = set(
            ClientExchange.objects.filter(
                client_id=locked.client_id, exchange__in=[e for e, _v in cleaned]
            ).values_list("exchange__code", flat=True)
        )
        if opened:
            raise BusinessError(
                _("客户已开通%(exchanges)s，请核对。") % {"exchanges": "、".join(sorted(opened))},
                code="exchange_already_opened",
            )
        for exchange, value in cleaned:
            TradingCodeGrant.objects.create(
                application=locked,
                exchange=exchange,
                trading_code=value,
                granted_by=actor.label,
                granted_at=now,
            )
            ClientExchange.objects.create(
                client_id=locked.client_id,
                exchange=exchange,
                trading_code=value,
                opened_on=timezone.localdate(now),
            )
        return {"exchanges": [exchange.code for exchange, _v in cleaned]}

    with transaction.atomic():
        locked = lock(Application, pk=application.pk)
        _check_reviewable(locked, actor)
        _check_claim(locked, actor, now)
        approved = application_approve(
            application=locked, actor=actor, note=note, effects=record_codes
        )
        ReviewClaim.objects.filter(application=locked).delete()
    return approved


def review_reject(*, application: Application, actor: Actor, step: str, reason: str) -> Application:
    """Reject with the reason and the step the investor is to fix (the lifecycle checks both)."""
    with transaction.atomic():
        locked = lock(Application, pk=application.pk)
        _check_reviewable(locked, actor)
        _check_claim(locked, actor, timezone.now())
        rejected = application_reject(application=locked, actor=actor, step=step, reason=reason)
        ReviewClaim.objects.filter(application=locked).delete()
    return rejected
