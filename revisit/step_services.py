"""Step 8, the revisit (回访): the CMS questionnaire of the flow definition. Its completion is
the lifecycle's `submit` (the step kind says so): answering it, after the confirm dialog,
sends the application to review through the step engine.

What was asked is kept by revision and SHA-256; what was answered, encrypted, on the step's
record and as a `RevisitAnswer` per round; answers configured to alert put `flags` in the
step's evidence, which the review console's queue filters on and shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from flows.actors import Actor
from flows.models import StepRecord
from flows.steps.base import Data, StepOutcome, StepService, StepSummary
from flows.steps.basic_info.service import form_errors

from .forms import RevisitForm
from .models import RevisitAnswer
from .selectors import revisit_questionnaire, revisit_readable

# The confirm dialog on "下一步", word for word (DESIGN.md, step 8).
CONFIRM_TEXT = (
    "尊敬的投资者您好，回访结果可能对您的业务办理造成影响，请您再次确认回访问卷答题是否准确。"
)


@dataclass(frozen=True)
class RevisitSummary(StepSummary):
    title: str
    revision: int | None
    sha256: str
    answered_at: str | None
    answers: list[tuple[str, str]]
    alerts: list[str]

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            (
                _("回访问卷"),
                f"《{self.title}》（{_('版本')} {self.revision}，SHA-256 {self.sha256[:12]}…）",
            )
        ]
        rows += [(question, answer) for question, answer in self.answers]
        rows.append((_("提醒复核"), "；".join(self.alerts) if self.alerts else _("无")))
        return rows

    def flags(self) -> list[str]:
        return list(self.alerts)


class RevisitService(StepService):
    def shown(self):
        return revisit_questionnaire(configured=self.options.get("questionnaire"))

    def form(self, data: Data | None = None) -> RevisitForm | None:
        shown = self.shown()
        if shown is None:
            return None
        if data is None:
            initial = {f"q{k}": v for k, v in (self.record.data or {}).get("answers", {}).items()}
            return RevisitForm(
                questionnaire=shown.content, revision_id=shown.revision_id, initial=initial
            )
        return RevisitForm(data, questionnaire=shown.content, revision_id=shown.revision_id)

    def state(self) -> dict[str, Any]:
        shown = self.shown()
        return {
            "questionnaire": shown.questionnaire.pk if shown else None,
            "revision": shown.revision_id if shown else None,
            "answers": dict((self.record.data or {}).get("answers", {})),
            "confirm": CONFIRM_TEXT,
        }

    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        shown = self.shown()
        if shown is None:
            return StepOutcome(
                done=False,
                errors={"__all__": [_("回访问卷暂未开放，请致电客服热线。")]},
            )
        form = RevisitForm(data, questionnaire=shown.content, revision_id=shown.revision_id)
        if not form.is_valid():
            return StepOutcome(done=False, errors=form_errors(form))
        answers = form.answers()
        lines, alerts = revisit_readable(questionnaire=shown.content, answers=answers)
        now = timezone.now()
        RevisitAnswer.objects.create(
            application=self.application,
            questionnaire=shown.questionnaire,
            revision_id=shown.revision_id,
            content_hash=shown.content_hash,
            answers={str(k): v for k, v in answers.items()},
            alerts=alerts,
            answered_by=actor.label,
            answered_at=now,
        )
        evidence: dict[str, Any] = {
            "questionnaire": shown.questionnaire.pk,
            "title": shown.content.title,
            "revision": shown.revision_id,
            "sha256": shown.content_hash,
            "answered_at": now.isoformat(),
        }
        if alerts:
            evidence["flags"] = alerts  # the review queue filters on this key
        return StepOutcome(
            done=True,
            data={
                "revision": shown.revision_id,
                "answers": {str(k): v for k, v in answers.items()},
                "lines": [list(line) for line in lines],
                "alerts": alerts,
            },
            evidence=evidence,
        )

    @classmethod
    def summarize(cls, record: StepRecord) -> RevisitSummary:
        evidence = record.evidence or {}
        data = record.data or {}
        return RevisitSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            title=evidence.get("title", ""),
            revision=evidence.get("revision"),
            sha256=evidence.get("sha256", ""),
            answered_at=evidence.get("answered_at"),
            answers=[(str(q), str(a)) for q, a in data.get("lines", [])],
            alerts=list(data.get("alerts", [])),
        )
