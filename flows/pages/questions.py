"""The questions of the investor's forms (basic information, the suitability assessment, the
revisit), written in Python: the same HTML as `flows/steps/_basic_info_choice.html` and
`_basic_info_input.html` (tests/flows/test_questions.py compares them for every field, with and
without errors). The basic-information page shows eight choice questions and ten inputs; through
the template engine, included once each, they took 4-6 ms of the page's 12 (the form's own work
is under 2); the step pages' time is measured against a bare view (bench/pages.py)."""

from __future__ import annotations

from html import escape
from typing import Any

from django.forms import BoundField, CheckboxSelectMultiple, RadioSelect
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from common.rendering import InputsRenderer, write_input


def _out(value: Any) -> str:
    """`{{ value }}` of a string or a lazy one (conditional_escape, without its lazy wrapper)."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def _errors(field: BoundField) -> tuple[str, str, str]:
    """The question's error class, its aria-describedby and its error paragraph."""
    errors = field.errors
    if not errors:
        return "", "", ""
    target = f"{_out(field.auto_id)}-error"
    text = " ".join(_out(error) for error in errors)
    return (
        " has-error",
        f' aria-describedby="{target}"',
        f'<p class="field-error" id="{target}">{text}</p>',
    )


def _required_marks(required: bool) -> tuple[str, str]:
    if not required:
        return "", ""
    return (
        '<span class="required" aria-hidden="true">*</span>',
        f'<span class="visually-hidden">{_out(_("（必填）"))}</span>',
    )


def _choices(field: BoundField) -> list[tuple[str | None, str, Any]]:
    """(id, `<input>`, label) of each option: what `{% for choice in field %}` gives as
    `choice.id_for_label`, `choice.tag` and `choice.choice_label`, written straight from the
    widget's choices (the same HTML, as Django's `ChoiceWidget.optgroups` and `create_option`
    build it) instead of an option dict, a BoundWidget and a renderer call for each of the
    page's forty options. Grouped choices and other widgets go Django's way."""
    widget = field.field.widget
    if (
        type(widget) not in (RadioSelect, CheckboxSelectMultiple)
        or not isinstance(field.form.renderer, InputsRenderer)
        or any(isinstance(label, (list, tuple)) for _value, label in widget.choices)
    ):
        return [(choice.id_for_label, choice.tag(), choice.choice_label) for choice in field]
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = widget.build_attrs(widget.attrs, field.build_widget_attrs({"id": id_} if id_ else {}))
    chosen = widget.format_value(field.value())
    found, has_selected = [], False
    for index, (value, label) in enumerate(widget.choices):
        value = "" if value is None else value
        selected = (not has_selected or widget.allow_multiple_selected) and str(value) in chosen
        has_selected |= selected
        option = {**attrs, **widget.checked_attribute} if selected else dict(attrs)
        if "id" in option:
            option["id"] = widget.id_for_label(option["id"], str(index))
        found.append(
            (
                option.get("id"),
                write_input(widget.input_type, field.html_name, value, option),
                label,
            )
        )
    return found


def choice_question(field: BoundField) -> SafeString:
    """flows/steps/_basic_info_choice.html: a fieldset of radio buttons or checkboxes."""
    has_error, described, error = _errors(field)
    star, hidden = _required_marks(field.field.required)
    multiple = " multiple" if getattr(field.field.widget, "input_type", None) == "checkbox" else ""
    choices = "".join(
        f'\n    <label class="choice" for="{_out(target)}">{tag}<span>{_out(label)}</span></label>'
        for target, tag, label in _choices(field)
    )
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<fieldset class="question{has_error}" id="question-{_out(field.name)}"{described}>\n'
        f"  <legend>{star}{_out(field.label)}{hidden}</legend>\n"
        f'  <div class="choices{multiple}">{choices}\n  </div>\n'
        f"  {error}\n</fieldset>\n"
    )


def input_question(field: BoundField, *, required: bool) -> SafeString:
    """flows/steps/_basic_info_input.html: a labelled input."""
    has_error, _described, error = _errors(field)
    star, hidden = _required_marks(required)
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<div class="field{has_error}" id="field-{_out(field.name)}">\n'
        f'  <label for="{_out(field.id_for_label)}">{star}{_out(field.label)}{hidden}</label>\n'
        f"  {_out(field)}\n  {error}\n</div>\n"
    )
