"""The review console's forms: the queue's filters, the approval's trading codes, the rejection."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.forms import AccessibleForm
from content.models import Branch, Exchange


class ReviewFilterForm(AccessibleForm):
    branch = forms.ModelChoiceField(
        label=_("营业部"),
        queryset=Branch.objects.all(),
        required=False,
        empty_label=_("全部"),
        error_messages={"invalid_choice": _("请从列表中选择营业部。")},
    )
    submitted_from = forms.DateField(
        label=_("提交日期从"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入正确的日期，如 2026-12-01。")},
    )
    submitted_to = forms.DateField(
        label=_("至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入正确的日期，如 2026-12-01。")},
    )
    flagged = forms.ChoiceField(
        label=_("回访提醒"),
        required=False,
        choices=[("", _("全部")), ("yes", _("有提醒")), ("no", _("无提醒"))],
        error_messages={"invalid_choice": _("请从列表中选择。")},
    )
    exchange = forms.ModelChoiceField(
        label=_("申请交易所"),
        queryset=Exchange.objects.filter(active=True),
        to_field_name="code",
        required=False,
        empty_label=_("全部"),
        error_messages={"invalid_choice": _("请从列表中选择交易所。")},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("结束日期不能早于开始日期。"))
        return cleaned


class RejectForm(AccessibleForm):
    step = forms.ChoiceField(
        label=_("退回到步骤"),
        error_messages={
            "required": _("请选择投资者需要修改的步骤。"),
            "invalid_choice": _("请选择投资者需要修改的步骤。"),
        },
    )
    reason = forms.CharField(
        label=_("驳回原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请填写驳回原因。"),
            "max_length": _("原因不能超过 %(limit_value)d 个字。"),
        },
    )

    def __init__(self, *args, steps: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("请选择")), *steps]
