"""The forms' renderer: Django's own, with its plain `<input>` widgets written out in Python.

A page of radio and checkbox lists (the basic-info step) renders dozens of inputs, and each input
is three or four nested templates (`radio_option.html` → `input_option.html` → `input.html` →
`attrs.html`): most of the page's time went there. This writes the same HTML as those templates
(Django's, which no app here overrides); every other widget template renders as before."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape

# what `{{ value }}` does in a template of the forms' engine (autoescaped, localized)
_TEMPLATE_CONTEXT = SimpleNamespace(autoescape=True, use_l10n=None, use_tz=None)

# the templates that are exactly `{% include "django/forms/widgets/input.html" %}`
_PLAIN_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "number",
        "password",
        "search",
        "tel",
        "url",
        "hidden",
        "date",
        "datetime",
        "time",
        "color",
        "checkbox",
        "file",
    )
}
# the templates that are exactly `{% include "django/forms/widgets/input_option.html" %}`
_OPTIONS = {
    f"django/forms/widgets/{name}.html"
    for name in ("input_option", "radio_option", "checkbox_option")
}


def _out(value: Any) -> str:
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe string safe."""
    text = "%s" % value  # noqa: UP031 (what the filter does, tuples aside)
    return conditional_escape(text) if not hasattr(value, "__html__") else text


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_out(name)}" if value is True else f' {_out(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def write_input(input_type: str, name: str, value: Any, attrs: dict[str, Any]) -> str:
    """django/forms/widgets/input.html"""
    written = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{_out(input_type)}" name="{_out(name)}"{written}{_attrs(attrs)}>'


def _input(widget: dict[str, Any]) -> str:
    return write_input(widget["type"], widget["name"], widget["value"], widget["attrs"])


def _option(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input_option.html"""
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{_out(target)}"' if target else ""
    # the included input.html ends with a newline, kept inside the label
    return f"<label{label_for}>{_input(widget)}\n {_out(widget['label'])}</label>"


class InputsRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request=None) -> str:
        if template_name in _PLAIN_INPUTS:
            return _input(context["widget"]).strip()
        if template_name in _OPTIONS:
            return _option(context["widget"]).strip()
        return super().render(template_name, context, request)
