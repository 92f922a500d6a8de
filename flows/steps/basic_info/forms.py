"""The forms of the basic-information step: the investor's answers (each checked against its
choices, whatever the browser sent) and the suitability assessment built from a questionnaire."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clients import idnumber
from clients.forms import AccessibleForm
from content.blocks import QuestionType

from .choices import (
    ActualController,
    BadCreditSource,
    BeneficialOwner,
    ExpectedReturn,
    InvestmentHorizon,
    PepRelation,
    Product,
    TaxResidency,
)

NOT_A_CHOICE = _("请从选项中选择。")
CONTROLLER_IS_SELF = _("实际控制人不能是您本人；如无他人控制，请选择“不存在”。")
POSTAL_CODE = re.compile(r"[0-9]{6}")
ID_NUMBER_INVALID = _("身份证号码不正确，请核对后重新填写。")


def _choice(label, choices, required_message, multiple=False) -> forms.Field:
    errors: dict[str, Any] = {
        "required": required_message,
        "invalid_choice": NOT_A_CHOICE,
        "invalid_list": NOT_A_CHOICE,
    }
    if multiple:
        return forms.MultipleChoiceField(
            label=label, choices=choices, error_messages=errors, widget=forms.CheckboxSelectMultiple
        )
    return forms.ChoiceField(
        label=label, choices=choices, error_messages=errors, widget=forms.RadioSelect
    )


def _text(label, max_length, *, autocomplete="off", **attrs) -> forms.Field:
    """A detail: required only with the answer that calls for it (see `clean`)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        error_messages={"max_length": _("不能超过 %(limit_value)d 个字。")},
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, **attrs}),
    )


class BasicInfoForm(AccessibleForm):
    """The answers the manual marks "*" (required), with the details some answers call for."""

    tax_residency = _choice(
        _("您的税收居民身份为"), TaxResidency.choices, _("请选择您的税收居民身份。")
    )
    pep_relation = _choice(
        _("您的政要人物关系为"), PepRelation.choices, _("请选择您的政要人物关系。")
    )
    investment_horizon = _choice(
        _("您的投资期限为"), InvestmentHorizon.choices, _("请选择您的投资期限。")
    )
    expected_return = _choice(
        _("您的期望收益为"), ExpectedReturn.choices, _("请选择您的期望收益。")
    )
    controller = _choice(
        _("您的账户是否存在实际控制关系"),
        ActualController.choices,
        _("请选择您的账户是否存在实际控制关系。"),
    )
    controller_name = _text(_("实际控制人姓名"), 50)
    controller_id_number = _text(
        _("实际控制人身份证号码"),
        18,
        maxlength="18",
        autocapitalize="characters",
        spellcheck="false",
    )
    controller_relation = _text(_("实际控制人与您的关系"), 50)
    beneficial_owner = _choice(
        _("您的账户交易实际受益人为"), BeneficialOwner.choices, _("请选择您的账户交易实际受益人。")
    )
    owner_name = _text(_("实际受益人姓名"), 50)
    owner_id_number = _text(
        _("实际受益人身份证号码"),
        18,
        maxlength="18",
        autocapitalize="characters",
        spellcheck="false",
    )
    owner_relation = _text(_("实际受益人与您的关系"), 50)
    products = _choice(
        _("您想投资的品种为（可多选）"),
        Product.choices,
        _("请选择您想投资的品种（至少一项）。"),
        multiple=True,
    )
    products_other = _text(_("其他品种说明"), 100)
    bad_credit = _choice(
        _("您是否有来源于以下机构的不良诚信记录（可多选）"),
        BadCreditSource.choices,
        _("请选择您的不良诚信记录情况，没有请选择“无”。"),
        multiple=True,
    )
    contact_address = forms.CharField(
        label=_("联系地址"),
        max_length=200,
        error_messages={
            "required": _("请填写联系地址。"),
            "max_length": _("联系地址不能超过 200 个字。"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("邮政编码"),
        error_messages={"required": _("请填写邮政编码。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": "6"}
        ),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("电子邮箱格式不正确，请核对。"),
            "max_length": _("电子邮箱格式不正确，请核对。"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    # The details that an answer makes required: answer field → (value, detail fields).
    DETAILS = {
        "controller": (ActualController.EXISTS, "controller"),
        "beneficial_owner": (BeneficialOwner.OTHER, "owner"),
    }
    DETAIL_REQUIRED = {
        "controller_name": _("请填写实际控制人姓名。"),
        "controller_id_number": _("请填写实际控制人身份证号码。"),
        "controller_relation": _("请填写实际控制人与您的关系。"),
        "owner_name": _("请填写实际受益人姓名。"),
        "owner_id_number": _("请填写实际受益人身份证号码。"),
        "owner_relation": _("请填写实际受益人与您的关系。"),
    }

    def __init__(self, *args, own_id_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.own_id_number = idnumber.normalise(own_id_number)

    def clean_postal_code(self) -> str:
        # A Chinese keyboard may type full-width digits: NFKC makes them ASCII digits.
        value = unicodedata.normalize("NFKC", self.cleaned_data["postal_code"]).strip()
        if not POSTAL_CODE.fullmatch(value):
            raise forms.ValidationError(_("邮政编码为 6 位数字。"), code="invalid")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for answer, (value, prefix) in self.DETAILS.items():
            if data.get(answer) == value:
                self._require_details(data, prefix)
            elif answer in data:
                for suffix in ("name", "id_number", "relation"):
                    data[f"{prefix}_{suffix}"] = ""  # details of an answer not given
        products = data.get("products") or []
        if Product.OTHER in products:
            if not data.get("products_other", "").strip():
                self.add_error("products_other", _("选择“其他”时请说明想投资的品种。"))
        elif "products" in data:
            data["products_other"] = ""
        bad_credit = data.get("bad_credit") or []
        if BadCreditSource.NONE in bad_credit and len(bad_credit) > 1:
            self.add_error("bad_credit", _("选择“无”时不能同时选择其他不良诚信记录。"))
        return data

    def _require_details(self, data: dict[str, Any], prefix: str) -> None:
        for suffix in ("name", "id_number", "relation"):
            name = f"{prefix}_{suffix}"
            data[name] = (data.get(name) or "").strip()
            if name in self.errors:
                continue
            if not data[name]:
                self.add_error(name, self.DETAIL_REQUIRED[name])
            elif suffix == "id_number":
                data[name] = idnumber.normalise(data[name])
                if not idnumber.is_valid(data[name]):
                    self.add_error(name, ID_NUMBER_INVALID)
                elif data[name] == self.own_id_number and prefix == "controller":
                    self.add_error(name, CONTROLLER_IS_SELF)


def question_field(position: int, question: dict[str, Any]) -> forms.Field:
    """The form field of one CMS question (`content.blocks.QuestionBlock`): the suitability
    assessment here, the revisit questionnaire in its own app."""
    kind = question["kind"]
    required = bool(question["required"])
    number = position + 1
    errors: dict[str, Any] = {
        "required": _("请回答第 %(n)d 题。") % {"n": number},
        "invalid_choice": NOT_A_CHOICE,
        "invalid_list": NOT_A_CHOICE,
    }
    label = f"{number}. {question['text']}"
    if kind in QuestionType.WITH_OPTIONS:
        choices = [(str(i), option["label"]) for i, option in enumerate(question["options"])]
        if kind == QuestionType.MULTIPLE:
            return forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=required,
                error_messages=errors,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.ChoiceField(
            label=label,
            choices=choices,
            required=required,
            error_messages=errors,
            widget=forms.RadioSelect,
        )
    if kind == QuestionType.YES_NO:
        return forms.ChoiceField(
            label=label,
            choices=[("yes", _("是")), ("no", _("否"))],
            required=required,
            error_messages=errors,
            widget=forms.RadioSelect,
        )
    return forms.CharField(
        label=label,
        required=required,
        max_length=500,
        error_messages=errors,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QuestionnaireForm(AccessibleForm):
    """A CMS questionnaire as a form: one field per question of the revision shown (`q0`,
    `q1`...). The revision travels with the form: answers to a questionnaire that changed since
    the page was shown are refused (`stale_message`) and asked again."""

    stale_message = _("问卷内容已更新，请重新作答。")
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questionnaire, revision_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.revision_id = revision_id
        self.initial.setdefault("revision", revision_id)
        for position, block in enumerate(questionnaire.questions):
            self.fields[f"q{position}"] = question_field(position, block.value)

    def clean_revision(self) -> int:
        if self.cleaned_data.get("revision") != self.revision_id:
            raise forms.ValidationError(self.stale_message, code="stale_questionnaire")
        return self.revision_id

    @property
    def question_fields(self):
        return [self[name] for name in self.fields if name != "revision"]

    def answers(self) -> dict[int, Any]:
        """Position → the option index (a sorted list for multiple choice; the text or yes/no
        for the other kinds), as `content.services.questionnaire_score` takes them."""
        answers: dict[int, Any] = {}
        for position, block in enumerate(self.questionnaire.questions):
            value = self.cleaned_data.get(f"q{position}")
            if value in (None, "", []):
                continue
            if block.value["kind"] == QuestionType.MULTIPLE:
                answers[position] = sorted(int(v) for v in value)
            elif block.value["kind"] == QuestionType.SINGLE:
                answers[position] = int(value)
            else:
                answers[position] = value
        return answers


class SuitabilityForm(QuestionnaireForm):
    """The suitability assessment: its answers are not scored once the questionnaire changed."""

    stale_message = _("评估问卷内容已更新，请重新作答。")
