"""The questions of the investor's forms (basic information, the suitability assessment, the
revisit), written in Python: the same HTML as `flows/steps/_basic_info_choice.html` and
`_basic_info_input.html` (tests/flows/test_questions.py compares them for every field, with and
without errors). The basic-information page shows eight choice questions and ten inputs; through
the template engine, included once each, they took 4-6 ms of the page's 12 (the form's own work
is under 2); the step pages' time is measured against a bare view (bench/pages.py)."""

from __future__ import annotations

from html import escape
from typing import Any

from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


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


def choice_question(field: BoundField) -> SafeString:
    """flows/steps/_basic_info_choice.html: a fieldset of radio buttons or checkboxes."""
    has_error, described, error = _errors(field)
    star, hidden = _required_marks(field.field.required)
    multiple = " multiple" if getattr(field.field.widget, "input_type", None) == "checkbox" else ""
    choices = "".join(
        f'\n    <label class="choice" for="{_out(choice.id_for_label)}">{choice.tag()}'
        f"<span>{_out(choice.choice_label)}</span></label>"
        for choice in field
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
