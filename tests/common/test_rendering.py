"""The forms' renderer writes Django's plain inputs in Python: the HTML must be what Django's own
templates write, for every kind of value an input or an option may carry."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common.rendering import InputsRenderer


class EveryInput(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(
            attrs={
                "placeholder": gettext_lazy("请输入"),
                "data-x": 'a "quoted" <tag> & more',
                "required": True,
                "disabled": False,
                "data-safe": mark_safe("<b>"),  # noqa: S308 (a safe value stays unescaped)
                "maxlength": 12,
            }
        )
    )
    email = forms.EmailField()
    number = forms.IntegerField()
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.DateInput)
    agree = forms.BooleanField()
    upload = forms.FileField()
    radio = forms.ChoiceField(
        choices=[("a", "甲 <1>"), ("b", mark_safe("<i>乙</i>")), (3, 3)],  # noqa: S308
        widget=forms.RadioSelect,
    )
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X & Y"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )


BOUND = {
    "text": 'it\'s "<fine>" & done',
    "email": "a@b.cn",
    "number": "1234567",
    "secret": "<pw>",
    "hidden": "h&h",
    "day": "2026-12-07",
    "agree": "on",
    "radio": "b",
    "boxes": ["x", "y"],
}


def _html(form: forms.Form) -> list[str]:
    rendered = []
    for field in form:
        rendered.append(str(field))
        if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            rendered += [choice.tag() for choice in field] + [str(choice) for choice in field]
    return rendered


@pytest.mark.parametrize("data", [None, BOUND], ids=["unbound", "bound"])
def test_inputs_are_written_as_djangos_templates_write_them(data):
    # given the same form rendered by Django's template renderer and by the project's
    templates = EveryInput(data, renderer=DjangoTemplates(), auto_id="id_%s")
    python = EveryInput(data, renderer=InputsRenderer(), auto_id="id_%s")

    # when both render every field and every option
    expected, written = _html(templates), _html(python)

    # then the HTML is the same, character for character
    assert written == expected
    assert data is None or any(
        'value="it&#x27;s &quot;&lt;fine&gt;&quot; &amp; done"' in html for html in written
    )


def test_other_widgets_still_render_through_their_templates():
    # given a select (not a plain input)
    field = forms.ChoiceField(choices=[("a", "甲")])

    # when rendered by both renderers
    form_templates = forms.Form(renderer=DjangoTemplates())
    form_python = forms.Form(renderer=InputsRenderer())
    form_templates.fields["pick"] = field
    form_python.fields["pick"] = field

    # then the output is Django's own
    assert str(form_python["pick"]) == str(form_templates["pick"])
    assert "<select" in str(form_python["pick"])
