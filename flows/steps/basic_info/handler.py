"""Step 2, 个人基本资料: the identity on file (read only), the required answers, the contact
details; and first, when the client's suitability class is missing or expired, the suitability
assessment and its result.

The three stages share the step's URL. The server derives the stage from what is stored (the
client's class, the step record's evidence), never from the page: a reload lands on the right
stage, and a post claiming a later stage than the server's is refused."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import SuitabilityClass
from common.exceptions import BusinessError
from privacy.masking import mask_id_number, mask_mobile

from ..base import StepHandler, StepResult
from .data import basic_info_pack, basic_info_values
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


class BasicInfoStep(StepHandler):
    template_name = "flows/steps/basic_info.html"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._form: BasicInfoForm | None = None
        self._assessment_form: SuitabilityForm | None = None

    # --- which stage ------------------------------------------------------------------------

    @property
    def client(self):
        return self.application.client

    def stage(self) -> str:
        if not suitability_is_current(client=self.client):
            return ASSESSMENT
        assessed = self.record.evidence.get("suitability")
        if assessed and not assessed.get("acknowledged_at"):
            return RESULT
        return FORM

    def _questionnaire(self) -> QuestionnaireShown | None:
        configured = self.options.get("suitability_questionnaire") if self.options else None
        return suitability_questionnaire(configured=configured)

    # --- showing ----------------------------------------------------------------------------

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        stage = self.stage()
        context: dict[str, Any] = {"stage": stage}
        if stage == ASSESSMENT:
            shown = self._questionnaire()
            context["questionnaire"] = shown.content if shown else None
            if shown is not None:
                context["assessment_form"] = self._assessment_form or SuitabilityForm(
                    questionnaire=shown.content, revision_id=shown.revision_id
                )
        elif stage == RESULT:
            assessed = self.record.evidence["suitability"]
            context["assessment_result"] = _("您的风险承受能力评估结果为 %(result)s") % {
                "result": suitability_label(assessed["class"])
            }
            context["assessment_valid_until"] = self.client.suitability_expires
        else:
            context["identity"] = self._identity()
            context["form"] = self._form or BasicInfoForm(
                initial=basic_info_values(self.record.data), own_id_number=self.client.id_number
            )
        return context

    def _identity(self) -> list[tuple[str, str]]:
        client = self.client
        until = f"{client.id_valid_until:%Y.%m.%d}" if client.id_valid_until else _("长期")
        validity = f"{client.id_valid_from:%Y.%m.%d} - {until}" if client.id_valid_from else until
        return [
            (_("客户姓名"), client.name),
            (_("身份证号"), mask_id_number(client.id_number)),
            (_("身份证地址"), client.id_address),
            (_("身份证有效期"), validity),
            (_("联系电话"), client.phone),
            (_("手机号码"), mask_mobile(client.mobile) if client.mobile else ""),
            (_("学历"), client.education),
            (_("职业"), client.occupation),
        ]

    # --- judging a submission ---------------------------------------------------------------

    def submit(self, request: HttpRequest) -> StepResult:
        stage = self.stage()
        posted = request.POST.get("stage", FORM)
        claimed = STAGES.index(posted) if posted in STAGES else len(STAGES)
        if claimed > STAGES.index(stage):  # skipping ahead: a tampered or forged post
            message = (
                _("请先完成适当性评估。") if stage == ASSESSMENT else _("请先确认适当性评估结果。")
            )
            return StepResult(done=False, errors={"__all__": [message]})
        if claimed < STAGES.index(stage):  # an old page posted again: show where we are
            return StepResult(done=False)
        if stage == ASSESSMENT:
            return self._submit_assessment(request)
        if stage == RESULT:
            return self._acknowledge_result()
        return self._submit_form(request)

    def _submit_assessment(self, request: HttpRequest) -> StepResult:
        shown = self._questionnaire()
        if shown is None:
            return StepResult(
                done=False, errors={"__all__": [_("适当性评估问卷暂未开放，请致电客服热线。")]}
            )
        form = SuitabilityForm(
            request.POST, questionnaire=shown.content, revision_id=shown.revision_id
        )
        if not form.is_valid():
            if "revision" in form.errors:  # answers to another version: ask afresh
                form = SuitabilityForm(questionnaire=shown.content, revision_id=shown.revision_id)
                self._assessment_form = form
                return StepResult(
                    done=False, errors={"__all__": [_("评估问卷内容已更新，请重新作答。")]}
                )
            self._assessment_form = form
            return StepResult(done=False, errors=_errors(form))
        try:
            assessment = suitability_assessment_record(
                application=self.application, shown=shown, answers=form.answers()
            )
        except BusinessError as error:
            if error.code == "already_assessed":
                return StepResult(done=False)
            self._assessment_form = form
            return StepResult(done=False, errors={"__all__": [error.message]})
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

    def _acknowledge_result(self) -> StepResult:
        assessed = dict(self.record.evidence["suitability"])
        assessed["acknowledged_at"] = timezone.now().isoformat()
        return self._keep_evidence(suitability=assessed)

    def _keep_evidence(self, **update: Any) -> StepResult:
        """Not done yet: the evidence is stored and the page shows the next stage."""
        self.record.evidence = {**self.record.evidence, **update}
        return StepResult(done=False, evidence=self.record.evidence)

    def _submit_form(self, request: HttpRequest) -> StepResult:
        form = BasicInfoForm(request.POST, own_id_number=self.client.id_number)
        if not form.is_valid():
            self._form = form
            return StepResult(done=False, errors=_errors(form))
        return StepResult(
            done=True, data=basic_info_pack(cleaned=form.cleaned_data, previous=self.record.data)
        )


def _errors(form) -> dict[str, list[str]]:
    """Field → messages, in the order the fields appear on the page (the summary at the top
    lists them in that order, whichever check found them)."""
    order = ["__all__", *form.fields]
    return {
        name: [str(message) for message in form.errors[name]]
        for name in sorted(
            form.errors, key=lambda name: order.index(name) if name in order else len(order)
        )
    }
