"""The questions written in Python (flows/pages/questions.py) write exactly what their templates
write, for every field of the basic-information form, unbound, bound and refused, in both
languages."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import get_template
from django.utils import translation

from flows.pages.questions import choice_question, input_question
from flows.steps.basic_info.forms import BasicInfoForm

CHOICE = "flows/steps/_basic_info_choice.html"
INPUT = "flows/steps/_basic_info_input.html"
REFUSED = {
    "tax_residency": "china_only",
    "bad_credit": ["none", "pboc_credit_centre"],
    "controller": "exists",
    "postal_code": "12<3>",
    "email": 'not "an" e-mail & more',
}
ANSWERED = {
    "tax_residency": "china_only",
    "pep_relation": "none",
    "investment_horizon": "up_to_1y",
    "expected_return": "steady",
    "controller": "none",
    "beneficial_owner": "self",
    "products": ["futures_options", "asset_management"],
    "bad_credit": ["none"],
    "contact_address": "北京市 <东城区> & 1号",
    "postal_code": "100010",
}


def _is_choice(field: forms.BoundField) -> bool:
    return getattr(field.field.widget, "input_type", None) in ("radio", "checkbox")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data", [None, REFUSED, ANSWERED], ids=["unbound", "refused", "answered"])
def test_every_question_is_written_as_its_template_writes_it(data, language):
    # given
    form = BasicInfoForm(data, initial={"email": "a@b.cn"}, own_id_number="")
    assert data is None or form.errors is not None
    with translation.override(language):
        for field in form:
            for required in (True, False):
                # when
                if _is_choice(field):
                    written = choice_question(field)
                    expected = get_template(CHOICE).render({"field": field})
                else:
                    written = input_question(field, required=required)
                    expected = get_template(INPUT).render({"field": field, "required": required})
                # then
                assert written == expected, field.name


def test_refused_questions_show_their_errors():
    form = BasicInfoForm(REFUSED, own_id_number="")

    written = choice_question(form["bad_credit"]) + input_question(
        form["postal_code"], required=True
    )

    assert 'class="question has-error"' in written
    assert 'aria-describedby="id_bad_credit-error"' in written
    assert 'class="field has-error"' in written


class _Unusual(forms.Form):
    grouped = forms.ChoiceField(
        label="分组",
        choices=[("期货", [("a", "甲"), ("b", "乙")]), ("c", "丙")],
        widget=forms.RadioSelect,
    )
    own_id = forms.MultipleChoiceField(
        label="自定义",
        choices=[("x", "<x>"), ("", "空"), ("y", "y & z")],
        widget=forms.CheckboxSelectMultiple(attrs={"id": "mine", "data-x": '"q"'}),
        required=False,
    )
    locked = forms.ChoiceField(
        label="只读", choices=[("1", "一"), ("2", "二")], widget=forms.RadioSelect, disabled=True
    )
    repeated = forms.ChoiceField(
        label="重复", choices=[("1", "一"), ("1", "又一")], widget=forms.RadioSelect
    )


@pytest.mark.parametrize(
    "data",
    [None, {"grouped": "b", "own_id": ["", "y"], "locked": "2", "repeated": "1"}, {"own_id": "q"}],
    ids=["unbound", "answered", "refused"],
)
def test_grouped_disabled_own_id_and_repeated_choices_are_written_as_the_template_writes_them(
    data,
):
    form = _Unusual(data, initial={"locked": "1"})
    assert data is None or form.errors is not None
    for field in form:
        assert choice_question(field) == get_template(CHOICE).render({"field": field}), field.name
