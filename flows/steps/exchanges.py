"""Step 3, exchanges (manual 3.4): the investor picks the exchanges to open, after the
suitability notices their class requires, with score reports for a first financial or crude-oil
account.

The step record keeps two selections in its data: `selected` / `score_choice`, written only when
the step completes (what review will open), and `draft`, what the investor is working on (shown
on reload and after "上一步"; `confirming` while its notices are being acknowledged). Notices are
shown on the step URL itself, derived from the record (see exchange_notices), and acknowledged
through the step's background action "acknowledge", which only accepts the one that is due."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import ClientExchange
from common.exceptions import BusinessError
from common.prepared import PreparedRead
from content.models import Exchange

from ..actors import Actor
from ..models import StepRecord
from .base import (
    ActionResult,
    Data,
    DocumentVersion,
    Effect,
    Files,
    StepOutcome,
    StepService,
    StepSummary,
    uploads,
    value,
    values,
)
from .exchange_notices import (
    CHOOSE_AGAIN,
    GIVE_UP,
    INSIST,
    PendingNotice,
    acknowledgement_entry,
    is_risky,
    notice_pending,
    notices_for,
    notices_missing,
)
from .score_reports import (
    MAX_REPORTS,
    MIN_REPORTS,
    ReportUploads,
    count_message,
    reports_needed,
    score_report_remove,
    score_reports_add,
    score_reports_evidence,
    score_reports_write,
)

SCORE_CHOICES = ("upload", "test")


@dataclass(frozen=True)
class Acknowledgement:
    notice: str
    document: DocumentVersion | None
    confirmation: int
    choice: str
    selection: list[str]
    at: str


@dataclass(frozen=True)
class ExchangesSummary(StepSummary):
    selected: list[str]
    reports_required: bool
    score_reports: list[str]  # SHA-256 of each report
    knowledge_test_url: str | None
    acknowledgements: list[Acknowledgement]

    def rows(self) -> list[tuple[str, str]]:
        rows = [(_("增开交易所"), "、".join(self.selected) or _("（未选择）"))]
        if self.reports_required:
            rows.append(
                (
                    _("成绩报告单"),
                    _("%(n)d 张") % {"n": len(self.score_reports)}
                    if self.score_reports
                    else _("选择在线知识测试"),
                )
            )
        rows.extend(
            (
                _("适当性告知（第 %(n)d 次）") % {"n": ack.confirmation},
                f"{ack.document} · {ack.choice} · {ack.at}",
            )
            for ack in self.acknowledgements
        )
        return rows


def _catalogue_of(client_id: int) -> QuerySet[Exchange]:
    accounts = ClientExchange.objects.filter(client_id=client_id)
    return (
        Exchange.objects.filter(Q(active=True) | Q(pk__in=accounts.values("exchange_id")))
        .annotate(
            client_trading_code=Subquery(
                accounts.filter(exchange=OuterRef("pk")).values("trading_code")[:1]
            )
        )
        .order_by("sort_order", "code")
    )


_catalogue_read = PreparedRead(_catalogue_of)  # on every exchanges page: its SQL built once


class ExchangesService(StepService):
    actions = ("acknowledge", "knowledge-test", "remove-report")

    # --- what the step knows ---------------------------------------------------------------
    @cached_property
    def client(self):
        return self.application.client

    @cached_property
    def _catalogue(self) -> list[Exchange]:
        """The active exchanges and those the client opened (active or not), each with the
        client's trading code or None, in one query (the step's page was two round trips)."""
        return _catalogue_read(client_id=self.client.pk)

    @cached_property
    def _accounts(self) -> list[tuple[int, str, str]]:
        """The client's exchange accounts: (exchange id, trading code, category)."""
        found = ((e, e.client_trading_code) for e in self._catalogue)  # type: ignore[attr-defined]
        return [(e.pk, code, e.category) for e, code in found if code is not None]

    @cached_property
    def opened(self) -> dict[int, str]:
        """Exchanges already opened: exchange id → trading code."""
        return {exchange_id: code for exchange_id, code, _category in self._accounts}

    @cached_property
    def opened_categories(self) -> set[str]:
        return {category for _id, _code, category in self._accounts}

    @cached_property
    def exchanges(self) -> list[Exchange]:
        """The active exchanges, in order."""
        return [e for e in self._catalogue if e.active]

    @property
    def knowledge_test_url(self) -> str:
        """The online knowledge test of this flow (CMS, the step's options); empty: none is
        offered, score reports are the only way."""
        return (self.options.get("knowledge_test_url") or "").strip()

    def offered(self) -> dict[str, Exchange]:
        return {e.code: e for e in self.exchanges if e.pk not in self.opened}

    def draft(self) -> dict[str, Any]:
        data = self.record.data or {}
        return data.get("draft") or {
            "selected": data.get("selected", []),
            "score_choice": data.get("score_choice", "upload"),
        }

    def chosen(self, draft: dict[str, Any]) -> list[Exchange]:
        offered = self.offered()
        return [offered[code] for code in draft.get("selected", []) if code in offered]

    def acknowledgements(self) -> list[dict]:
        return list((self.record.evidence or {}).get("acknowledgements", []))

    def pending(self) -> PendingNotice | None:
        """The acknowledgement due now: the C1/C2 notice before any selection, the others once
        a selection is being confirmed."""
        if self.suitability_missing():
            return None
        draft = self.draft()
        chosen = self.chosen(draft) if draft.get("confirming") else []
        return self._pending_for(chosen)

    def pending_before_selection(self) -> PendingNotice | None:
        return self._pending_for([])

    def _pending_for(self, chosen: list[Exchange]) -> PendingNotice | None:
        return notice_pending(
            application=self.application,
            acknowledgements=self.acknowledgements(),
            notices=notices_for(self.client, chosen),
            exchanges=chosen,
        )

    def suitability_missing(self) -> bool:
        return self.client.investor_type != "professional" and not self.client.suitability_class

    def state(self) -> dict[str, Any]:
        pending = self.pending()
        draft = self.draft()
        return {
            "exchanges": [
                {
                    "code": e.code,
                    "name": e.name_zh,
                    "category": e.category,
                    "trading_code": self.opened.get(e.pk),
                    "selected": e.code in draft.get("selected", []),
                }
                for e in self.exchanges
            ],
            "suitability_missing": self.suitability_missing(),
            "pending_notice": {
                "notice": pending.notice.kind,
                "document": pending.document.pk,
                "title": pending.rendition.title,
                "html": pending.rendition.html,
                "confirmation": pending.confirmation,
                "choices": [INSIST, pending.notice.alternative],
            }
            if pending
            else None,
            "score_choice": draft.get("score_choice", "upload"),
            "score_reports": [r.pk for r in self.application.score_reports.all()],
            "min_reports": MIN_REPORTS,
            "max_reports": MAX_REPORTS,
        }

    # --- "下一步" ----------------------------------------------------------------------------
    def _posted(self, data: Data) -> dict[str, Any] | None:
        """The selection posted, when it is a valid one (None otherwise)."""
        posted = values(data, "exchanges")
        offered = self.offered()
        if not posted or len(set(posted)) != len(posted) or any(c not in offered for c in posted):
            return None
        return {
            "selected": [e.code for e in self.exchanges if e.code in posted],
            "score_choice": value(data, "score_choice") or "upload",
        }

    def prepare(self, *, actor: Actor, data: Data, files: Files) -> ReportUploads | None:
        """Score reports are judged and written before the lock, when the selection needs them."""
        draft = self._posted(data)
        reports = uploads(files, "score_reports")
        if draft is None or not reports or draft["score_choice"] != "upload":
            return None
        if not reports_needed(self.client, self.chosen(draft)):
            return None
        return score_reports_write(files=reports)

    def discard(self, prepared: ReportUploads | None) -> None:
        if prepared is not None:
            prepared.delete()

    def submit(self, *, actor: Actor, data: Data, prepared: ReportUploads | None) -> StepOutcome:
        posted = values(data, "exchanges")
        offered = self.offered()
        if len(set(posted)) != len(posted) or any(code not in offered for code in posted):
            return _refused("exchanges", _("所选交易所无效，请重新选择。"))
        if not posted:
            return _refused("exchanges", _("请至少选择一个新的交易所。"))
        if self.suitability_missing():
            return _refused("__all__", _("您的适当性评估信息缺失，请先完成适当性评估。"))
        if self.pending_before_selection() is not None:
            return _refused("__all__", _("请先阅读并确认适当性告知书。"))
        draft = self._posted(data)
        assert draft is not None  # noqa: S101 (checked above)
        if draft["score_choice"] not in SCORE_CHOICES:
            return _refused("score_reports", _("请选择上传成绩报告单或参加在线知识测试。"))
        if prepared is not None:
            problems = prepared.problems or score_reports_add(
                application=self.application, uploads=prepared
            )
            if problems:
                return self._keep(draft, {"score_reports": problems})
        return self._judge(self.chosen(draft), draft)

    def _judge(self, chosen: list[Exchange], draft: dict[str, Any]) -> StepOutcome:
        """A valid selection: the reports it needs, then its notices, then done."""
        needs_reports = reports_needed(self.client, chosen)
        if needs_reports and draft["score_choice"] == "test" and not self.knowledge_test_url:
            return self._keep(
                draft, {"score_reports": [_("暂未提供在线知识测试，请上传成绩报告单。")]}
            )
        if needs_reports and draft["score_choice"] == "upload":
            if not MIN_REPORTS <= self.application.score_reports.count() <= MAX_REPORTS:
                return self._keep(draft, {"score_reports": [count_message()]})
        notices = notices_for(self.client, chosen)
        if notices_missing(application=self.application, notices=notices, exchanges=chosen):
            return self._keep(
                draft, {"__all__": [_("适当性告知内容暂未配置，暂不能办理，请致电客服热线。")]}
            )
        if self._pending_for(chosen) is not None:
            return self._keep({**draft, "confirming": True}, {})
        data = {"selected": draft["selected"], "score_choice": draft["score_choice"]}
        evidence = self._final_evidence(draft, needs_reports)
        return StepOutcome(done=True, data=data, evidence=evidence)

    def _keep(self, draft: dict[str, Any], errors: dict[str, list[str]]) -> StepOutcome:
        """Not done: keep what the investor is working on (the confirmed selection stays)."""
        data = {**(self.record.data or {}), "draft": draft}
        self.record.data = data
        return StepOutcome(done=False, errors=errors, data=data)

    def _final_evidence(self, draft: dict[str, Any], needs_reports: bool) -> dict[str, Any]:
        evidence = {
            **(self.record.evidence or {}),
            "reports_required": needs_reports,
            "selection": {"exchanges": draft["selected"], "at": timezone.now().isoformat()},
        }
        evidence.pop("score_reports", None)
        if needs_reports and draft["score_choice"] == "upload":
            evidence["score_reports"] = score_reports_evidence(self.application)
        elif needs_reports:
            evidence["knowledge_test"] = {
                **evidence.get("knowledge_test", {}),
                "chosen_at": timezone.now().isoformat(),
                "url": self.knowledge_test_url,
            }
        self.record.evidence = evidence
        return evidence

    # --- actions (inside the application's row lock) ----------------------------------------
    def act(self, *, actor: Actor, name: str, data: Data, files: Files) -> ActionResult:
        if name == "acknowledge":
            return self._acknowledge(data)
        if name == "knowledge-test":
            return self._knowledge_test()
        return self._remove_report(data)

    def _acknowledge(self, data: Data) -> ActionResult:
        pending = self.pending()
        if pending is None or (value(data, "document"), value(data, "confirmation")) != (
            str(pending.document.pk),
            str(pending.confirmation),
        ):
            return ActionResult(message=_("该告知已处理，请按当前页面继续办理。"))
        choice = value(data, "choice")
        if choice not in (INSIST, pending.notice.alternative):
            raise BusinessError(_("所选操作无效，请重新选择。"), code="invalid_choice")
        draft = self.draft()
        selection = draft.get("selected", []) if draft.get("confirming") else []
        log = [*self.acknowledgements(), acknowledgement_entry(pending, choice, selection)]
        self.record.evidence = {**(self.record.evidence or {}), "acknowledgements": log}
        if choice == GIVE_UP:
            return ActionResult(
                message=_("您已放弃办理本次业务。如需增开交易编码，可重新申请。"),
                effect=Effect.ABANDONED,
                transition="abandon",
                reason=str(_("适当性告知：投资者选择放弃开户")),
            )
        if choice == CHOOSE_AGAIN:
            return self._choose_again(draft)
        return self._after_insist()

    def _choose_again(self, draft: dict[str, Any]) -> ActionResult:
        risky = {e.code for e in self.exchanges if is_risky(e)}
        kept = [code for code in draft.get("selected", []) if code not in risky]
        self.record.data = {
            **(self.record.data or {}),
            "draft": {**draft, "selected": kept, "confirming": False},
        }
        return ActionResult(message=_("请重新选择交易所。"))

    def _after_insist(self) -> ActionResult:
        """The last acknowledgement of a confirmed selection completes the step (manual:
        "坚持开立交易编码" goes on to the agreements)."""
        draft = self.draft()
        if not draft.get("confirming") or self.pending() is not None:
            return ActionResult()
        draft = {key: value for key, value in draft.items() if key != "confirming"}
        outcome = self._judge(self.chosen(draft), draft)
        effect = Effect.COMPLETED if outcome.done else Effect.STAY
        return ActionResult(outcome=outcome, effect=effect)

    def _knowledge_test(self) -> ActionResult:
        """The link to the online knowledge test, through here so the visit is on record."""
        url = self.knowledge_test_url
        if not url:
            raise BusinessError(
                _("暂未提供在线知识测试，请上传成绩报告单。"), code="no_knowledge_test"
            )
        evidence = self.record.evidence or {}
        followed = evidence.get("knowledge_test", {})
        now = timezone.now().isoformat()
        self.record.evidence = {
            **evidence,
            "knowledge_test": {
                **followed,
                "url": url,
                "first_followed_at": followed.get("first_followed_at", now),
                "last_followed_at": now,
            },
        }
        return ActionResult(data={"url": url}, effect=Effect.REDIRECT)

    def _remove_report(self, data: Data) -> ActionResult:
        if self.record.is_complete:
            raise BusinessError(
                _("本步骤已完成，成绩报告单不能删除；如需补充可继续上传。"), code="step_complete"
            )
        if score_report_remove(application=self.application, report_id=_int(value(data, "report"))):
            return ActionResult(message=_("已删除该成绩报告单。"))
        return ActionResult()

    @classmethod
    def summarize(cls, record: StepRecord) -> ExchangesSummary:
        evidence = record.evidence or {}
        return ExchangesSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            selected=list((record.data or {}).get("selected", [])),
            reports_required=bool(evidence.get("reports_required")),
            score_reports=[r["sha256"] for r in evidence.get("score_reports", [])],
            knowledge_test_url=evidence.get("knowledge_test", {}).get("url"),
            acknowledgements=[
                Acknowledgement(
                    notice=entry.get("notice", ""),
                    document=DocumentVersion.of(entry),
                    confirmation=entry.get("confirmation", 0),
                    choice=entry.get("choice", ""),
                    selection=list(entry.get("selection", [])),
                    at=entry.get("at", ""),
                )
                for entry in evidence.get("acknowledgements", [])
            ],
        )


def _refused(field: str, message: str) -> StepOutcome:
    """A refusal that stores nothing."""
    return StepOutcome(done=False, errors={field: [message]})


def _int(text: str) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0
