"""Step 3, exchanges (manual 3.4): the investor picks the exchanges to open, after the
suitability notices their class requires, with score reports for a first financial or crude-oil
account.

The step record keeps two selections in its data: `selected` / `score_choice`, written only when
the step completes (what review will open), and `draft`, what the investor is working on (shown
on reload and after "上一步"; `confirming` while its notices are being acknowledged). Notices are
shown on the step URL itself, derived from the record (see exchange_notices), and acknowledged
through the step's background action "acknowledge", which only accepts the one that is due."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from common.locking import lock
from content.models import Exchange, ExchangeCategory

from ..models import Application, StepRecord
from ..services import application_abandon, step_evidence_merge, step_save
from .base import StepHandler, StepResult
from .exchange_notices import (
    CHOICE_LABELS,
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
    count_message,
    reports_needed,
    score_report_remove,
    score_reports_add,
    score_reports_evidence,
)

SCORE_CHOICES = ("upload", "test")


class ExchangesStep(StepHandler):
    template_name = "flows/steps/exchanges.html"

    # --- what the step knows ---------------------------------------------------------------
    @cached_property
    def client(self):
        return self.application.client

    @cached_property
    def opened(self) -> dict[int, str]:
        """Exchanges already opened: exchange id → trading code."""
        return dict(self.client.exchange_accounts.values_list("exchange_id", "trading_code"))

    @cached_property
    def exchanges(self) -> list[Exchange]:
        return list(Exchange.objects.filter(active=True).order_by("sort_order", "code"))

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

    # --- showing ---------------------------------------------------------------------------
    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        pending = None if self.suitability_missing() else self.pending()
        draft = self.draft()
        return {
            "exchanges_step": {
                "pending": pending,
                "pending_html": self._pending_html(pending),
                "alternative_label": CHOICE_LABELS[pending.notice.alternative] if pending else "",
                "suitability_missing": self.suitability_missing(),
                "groups": self._groups(set(draft.get("selected", []))),
                "has_opened": bool(self.opened),
                "reports_possible": reports_needed(self.client, self.offered().values()),
                "reports": list(self.application.score_reports.all()),
                "score_choice": draft.get("score_choice", "upload"),
                "min_reports": MIN_REPORTS,
                "max_reports": MAX_REPORTS,
            }
        }

    @staticmethod
    def _pending_html(pending: PendingNotice | None) -> str:
        return pending.rendition.html if pending else ""

    def _groups(self, selected: set[str]) -> list[dict[str, Any]]:
        opened_categories = {e.category for e in self.exchanges if e.pk in self.opened}
        groups = []
        for value, label in ExchangeCategory.choices:
            items = [
                {
                    "exchange": e,
                    "trading_code": self.opened.get(e.pk),
                    "checked": e.code in selected,
                    "first_reports": e.needs_score_reports and value not in opened_categories,
                }
                for e in self.exchanges
                if e.category == value
            ]
            if items:
                groups.append({"label": label, "items": items})
        return groups

    # --- "下一步" ----------------------------------------------------------------------------
    def submit(self, request: HttpRequest) -> StepResult:
        offered = self.offered()
        posted = request.POST.getlist("exchanges")
        if len(set(posted)) != len(posted) or any(code not in offered for code in posted):
            return _refused("exchanges", _("所选交易所无效，请重新选择。"))
        if not posted:
            return _refused("exchanges", _("请至少选择一个新的交易所。"))
        if self.suitability_missing():
            return _refused("__all__", _("您的适当性评估信息缺失，请先完成适当性评估。"))
        if self.pending_before_selection() is not None:
            return _refused("__all__", _("请先阅读并确认适当性告知书。"))
        score_choice = request.POST.get("score_choice") or "upload"
        if score_choice not in SCORE_CHOICES:
            return _refused("score_reports", _("请选择上传成绩报告单或参加在线知识测试。"))
        draft = {
            "selected": [e.code for e in self.exchanges if e.code in posted],
            "score_choice": score_choice,
        }
        chosen = self.chosen(draft)
        files = request.FILES.getlist("score_reports")
        if files and score_choice == "upload" and reports_needed(self.client, chosen):
            problems = score_reports_add(application=self.application, files=files)
            if problems:
                return self._keep(draft, {"score_reports": problems})
        return self._judge(chosen, draft)

    def _judge(self, chosen: list[Exchange], draft: dict[str, Any]) -> StepResult:
        """A valid selection: the reports it needs, then its notices, then done."""
        needs_reports = reports_needed(self.client, chosen)
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
        return StepResult(done=True, data=data, evidence=self._final_evidence(draft, needs_reports))

    def _keep(self, draft: dict[str, Any], errors: dict[str, list[str]]) -> StepResult:
        """Not done: keep what the investor is working on (the confirmed selection stays)."""
        data = {**(self.record.data or {}), "draft": draft}
        self.record.data = data
        return StepResult(done=False, errors=errors, data=data)

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
                "url": settings.KNOWLEDGE_TEST_URL,
            }
        self.record.evidence = evidence
        return evidence

    # --- background actions --------------------------------------------------------------------
    def action(self, request: HttpRequest, name: str) -> HttpResponse | None:
        actions = {
            "acknowledge": self._acknowledge,
            "knowledge-test": self._knowledge_test,
            "remove-report": self._remove_report,
        }
        return actions[name](request) if name in actions else None

    def _acknowledge(self, request: HttpRequest) -> HttpResponse:
        pending = None if self.suitability_missing() else self.pending()
        if pending is None or (request.POST.get("document"), request.POST.get("confirmation")) != (
            str(pending.document.pk),
            str(pending.confirmation),
        ):
            messages.info(request, _("该告知已处理，请按当前页面继续办理。"))
            return self._back()
        choice = request.POST.get("choice")
        if choice not in (INSIST, pending.notice.alternative):
            messages.error(request, _("所选操作无效，请重新选择。"))
            return self._back()
        draft = self.draft()
        selection = draft.get("selected", []) if draft.get("confirming") else []
        self._log(acknowledgement_entry(pending, choice, selection))
        if choice == GIVE_UP:
            return self._give_up(request)
        if choice == CHOOSE_AGAIN:
            return self._choose_again(request, draft)
        return self._after_insist()

    def _log(self, entry: dict[str, Any]) -> None:
        """Append to the acknowledgement log under the application's row lock."""
        with transaction.atomic():
            lock(Application, pk=self.application.pk)
            stored = StepRecord.objects.filter(
                application=self.application, kind=self.record.kind
            ).first()
            log = [*(stored.evidence.get("acknowledgements", []) if stored else []), entry]
            record = step_evidence_merge(
                application=self.application,
                step_name=self.record.kind,
                update={"acknowledgements": log},
            )
        self.record = record

    def _give_up(self, request: HttpRequest) -> HttpResponse:
        try:
            application_abandon(application=self.application, client=self.client)
        except BusinessError as error:
            messages.error(request, error.message)
            return self._back()
        messages.warning(request, _("您已放弃办理本次业务。如需增开交易编码，可重新申请。"))
        return redirect("flows:my_business")

    def _choose_again(self, request: HttpRequest, draft: dict[str, Any]) -> HttpResponse:
        risky = {e.code for e in self.exchanges if is_risky(e)}
        kept = [code for code in draft.get("selected", []) if code not in risky]
        self._save(
            StepResult(
                done=False,
                data={
                    **self.record.data,
                    "draft": {**draft, "selected": kept, "confirming": False},
                },
            )
        )
        messages.info(request, _("请重新选择交易所。"))
        return self._back()

    def _after_insist(self) -> HttpResponse:
        """The last acknowledgement of a confirmed selection completes the step (manual:
        "坚持开立交易编码" goes on to the agreements)."""
        draft = self.draft()
        if not draft.get("confirming") or self.pending() is not None:
            return self._back()
        draft = {key: value for key, value in draft.items() if key != "confirming"}
        result = self._judge(self.chosen(draft), draft)
        self._save(result)
        return (
            redirect("flows:resume", self.application.acceptance_number)
            if result.done
            else self._back()
        )

    def _save(self, result: StepResult) -> None:
        self.record = step_save(
            application=self.application,
            step_name=self.record.kind,
            version=self.record.version,
            result=result,
        )

    def _knowledge_test(self, request: HttpRequest) -> HttpResponse:
        """The link to the online knowledge test, through here so the visit is on record."""
        followed = (self.record.evidence or {}).get("knowledge_test", {})
        now = timezone.now().isoformat()
        step_evidence_merge(
            application=self.application,
            step_name=self.record.kind,
            update={
                "knowledge_test": {
                    **followed,
                    "url": settings.KNOWLEDGE_TEST_URL,
                    "first_followed_at": followed.get("first_followed_at", now),
                    "last_followed_at": now,
                }
            },
        )
        return redirect(settings.KNOWLEDGE_TEST_URL)

    def _remove_report(self, request: HttpRequest) -> HttpResponse:
        if self.record.is_complete:
            messages.error(request, _("本步骤已完成，成绩报告单不能删除；如需补充可继续上传。"))
        elif score_report_remove(
            application=self.application, report_id=_int(request.POST.get("report"))
        ):
            messages.success(request, _("已删除该成绩报告单。"))
        return self._back()

    def _back(self) -> HttpResponse:
        return redirect("flows:step", self.application.acceptance_number, self.record.kind)


def _refused(field: str, message: str) -> StepResult:
    """A refusal that stores nothing."""
    return StepResult(done=False, errors={field: [message]})


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0
