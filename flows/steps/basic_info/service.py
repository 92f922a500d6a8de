"""Step 2, 个人基本资料: the identity on file (read only), the required answers, the contact
details; and first, when the client's suitability class is missing or expired, the suitability
assessment and its result.

The three stages share the step's URL. The server derives the stage from what is stored (the
client's class, the step record's evidence), never from the page: a reload lands on the right
stage, and a post claiming a later stage than the server's is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import SuitabilityClass
from common.exceptions import BusinessError

from ...actors import Actor
from ...models import StepRecord
from ...selectors import earlier_step_record
from ..base import Data, StepOutcome, StepService, StepSummary, value
from .data import ANSWERS, basic_info_pack, basic_info_values
from .forms import BasicInfoForm, SuitabilityForm
from .suitability import (
    QuestionnaireShown,
    suitability_assessment_record,
    suitability_is_current,
    suitability_questionnaire,
)

ASSESSMENT, RESULT, FORM = "assessment", "result", "form"
STAGES = (ASSESSMENT, RESULT, FORM)


def suitability_label(code: str) -> str:
    try:
        return str(SuitabilityClass(code).label)
    except ValueError:
        return code


@dataclass(frozen=True)
class BasicInfoSummary(StepSummary):
    """The answers as codes (choices, not personal data); the contact details and the details
    of a controller or a beneficiary stay in the step's encrypted data, for the views that
    check who asks."""

    answers: dict[str, Any]
    suitability_class: str | None
    suitability_assessment: int | None

    def rows(self) -> list[tuple[str, str]]:
        fields = BasicInfoForm.base_fields
        rows = []
        for name in ANSWERS:
            value = self.answers.get(name)
            if not value:
                continue
            labels = dict(getattr(fields[name], "choices", []))
            chosen = value if isinstance(value, list) else [value]
            rows.append((str(fields[name].label), "、".join(str(labels.get(v, v)) for v in chosen)))
        if self.suitability_class:
            rows.append((_("本次适当性评估"), suitability_label(self.suitability_class)))
        return rows


class BasicInfoService(StepService):
    # --- which stage ------------------------------------------------------------------------
    @property
    def client(self):
        return self.application.client

    def stage(self) -> str:
        if not suitability_is_current(client=self.client):
            return ASSESSMENT
        assessed = (self.record.evidence or {}).get("suitability")
        if assessed and not assessed.get("acknowledged_at"):
            return RESULT
        return FORM

    def initial_values(self) -> dict[str, Any]:
        """What the form starts with: this business's answers; in a new business, the client's
        answers in their last one (e.g. given up and started again), to check and confirm
        rather than type again. Nothing is recorded until the investor submits the form."""
        if (self.record.data or {}).get("answers"):
            return basic_info_values(self.record.data)
        earlier = earlier_step_record(application=self.application, kind=self.record.kind)
        return basic_info_values(earlier.data or {}) if earlier else {}

    def questionnaire(self) -> QuestionnaireShown | None:
        """Read once per request. The step's options name it by id: only its live revision is
        read, not the snippet the options would build first."""
        if not hasattr(self, "_questionnaire"):
            raw = getattr(self.options, "raw", None)  # flows.engine.StepOptions, or a dict
            name = "suitability_questionnaire"
            configured = raw(name) if raw else self.options.get(name)
            self._questionnaire = suitability_questionnaire(configured=configured)
        return self._questionnaire

    def state(self) -> dict[str, Any]:
        stage = self.stage()
        shown = self.questionnaire() if stage == ASSESSMENT else None
        assessed = (self.record.evidence or {}).get("suitability") or {}
        return {
            "stage": stage,
            "questionnaire_revision": shown.revision_id if shown else None,
            "assessment_class": assessed.get("class") if stage == RESULT else None,
            "answers": dict((self.record.data or {}).get("answers", {})),
        }

    # --- judging a submission ---------------------------------------------------------------
    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        stage = self.stage()
        posted = value(data, "stage", FORM)
        claimed = STAGES.index(posted) if posted in STAGES else len(STAGES)
        if claimed > STAGES.index(stage):  # skipping ahead: a tampered or forged post
            message = (
                _("请先完成适当性评估。") if stage == ASSESSMENT else _("请先确认适当性评估结果。")
            )
            return StepOutcome(done=False, errors={"__all__": [message]})
        if claimed < STAGES.index(stage):  # an old page posted again: show where we are
            return StepOutcome(done=False)
        if stage == ASSESSMENT:
            return self._submit_assessment(data)
        if stage == RESULT:
            return self._acknowledge_result()
        return self._submit_form(data)

    def _submit_assessment(self, data: Data) -> StepOutcome:
        shown = self.questionnaire()
        if shown is None:
            return StepOutcome(
                done=False, errors={"__all__": [_("适当性评估问卷暂未开放，请致电客服热线。")]}
            )
        form = SuitabilityForm(data, questionnaire=shown.content, revision_id=shown.revision_id)
        if not form.is_valid():
            if "revision" in form.errors:  # answers to another version: ask afresh
                return StepOutcome(
                    done=False, errors={"__all__": [_("评估问卷内容已更新，请重新作答。")]}
                )
            return StepOutcome(done=False, errors=form_errors(form))
        try:
            assessment = suitability_assessment_record(
                application=self.application, shown=shown, answers=form.answers()
            )
        except BusinessError as error:
            if error.code == "already_assessed":
                return StepOutcome(done=False)
            return StepOutcome(done=False, errors={"__all__": [error.message]})
        self.client.suitability_class = assessment.suitability_class
        self.client.suitability_expires = assessment.valid_until
        return self._keep_evidence(
            suitability={
                "assessment": assessment.pk,
                "class": assessment.suitability_class,
                "score": assessment.score,
                "revision": assessment.revision_id,
                "content_hash": assessment.content_hash,
                "assessed_at": assessment.assessed_at.isoformat(),
            }
        )

    def _acknowledge_result(self) -> StepOutcome:
        assessed = dict(self.record.evidence["suitability"])
        assessed["acknowledged_at"] = timezone.now().isoformat()
        return self._keep_evidence(suitability=assessed)

    def _keep_evidence(self, **update: Any) -> StepOutcome:
        """Not done yet: the evidence is stored and the page shows the next stage."""
        return StepOutcome(done=False, evidence={**(self.record.evidence or {}), **update})

    def _submit_form(self, data: Data) -> StepOutcome:
        form = BasicInfoForm(data, own_id_number=self.client.id_number)
        if not form.is_valid():
            return StepOutcome(done=False, errors=form_errors(form))
        return StepOutcome(
            done=True,
            data=basic_info_pack(cleaned=form.cleaned_data, previous=self.record.data or {}),
        )

    @classmethod
    def summarize(cls, record: StepRecord) -> BasicInfoSummary:
        assessed = (record.evidence or {}).get("suitability") or {}
        return BasicInfoSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            answers=dict((record.data or {}).get("answers", {})),
            suitability_class=assessed.get("class"),
            suitability_assessment=assessed.get("assessment"),
        )


def form_errors(form) -> dict[str, list[str]]:
    """Field → messages, in the order the fields appear on the page (the summary at the top
    lists them in that order, whichever check found them)."""
    order = ["__all__", *form.fields]
    return {
        name: [str(message) for message in form.errors[name]]
        for name in sorted(
            form.errors, key=lambda name: order.index(name) if name in order else len(order)
        )
    }
