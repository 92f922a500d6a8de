from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from privacy.masking import mask_id_number, mask_mobile

from ..steps.basic_info.forms import BasicInfoForm, SuitabilityForm
from ..steps.basic_info.service import ASSESSMENT, RESULT, BasicInfoService, suitability_label
from .base import StepPage


class BasicInfoPage(StepPage):
    """The three stages on one URL: the assessment, its result, the form. After a refused
    post the form is bound again to what was posted, so it shows its own errors."""

    template_name = "flows/steps/basic_info.html"
    service: BasicInfoService

    def context(self) -> dict[str, Any]:
        stage = self.service.stage()
        context: dict[str, Any] = {"stage": stage}
        posted = self.flash.data() if self.flash.values.get("stage") == [stage] else None
        if stage == ASSESSMENT:
            shown = self.service.questionnaire()
            context["questionnaire"] = shown.content if shown else None
            if shown is not None:
                same_version = posted and posted.get("revision") == str(shown.revision_id)
                context["assessment_form"] = SuitabilityForm(
                    posted if same_version else None,
                    questionnaire=shown.content,
                    revision_id=shown.revision_id,
                )
        elif stage == RESULT:
            assessed = self.service.record.evidence["suitability"]
            context["assessment_result"] = _("您的风险承受能力评估结果为 %(result)s") % {
                "result": suitability_label(assessed["class"])
            }
            context["assessment_valid_until"] = self.service.client.suitability_expires
        else:
            client = self.service.client
            context["identity"] = self._identity()
            context["form"] = BasicInfoForm(
                posted,
                initial=self.service.initial_values(),
                own_id_number=client.id_number,
            )
        return context

    def error_fields(self) -> dict[str, tuple[str, str]]:
        return {
            name: (str(field.label), f"field-{name}")
            for name, field in BasicInfoForm.base_fields.items()
        }

    def _identity(self) -> list[tuple[str, str]]:
        client = self.service.client
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
