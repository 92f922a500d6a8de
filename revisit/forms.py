"""The revisit questionnaire as a form: one field per question of the revision shown (`q0`,
`q1`...). The revision travels with the form: answers to a questionnaire that changed since
the page was shown are refused and asked again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.forms import AccessibleForm
from content.blocks import QuestionType
from flows.steps.basic_info.forms import question_field


class RevisitForm(AccessibleForm):
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
            raise forms.ValidationError(
                _("回访问卷内容已更新，请重新作答。"), code="stale_questionnaire"
            )
        return self.revision_id

    @property
    def question_fields(self):
        return [self[name] for name in self.fields if name != "revision"]

    def answers(self) -> dict[int, Any]:
        """Position → the option index (a sorted list for multiple choice), "yes"/"no", or the
        text."""
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
