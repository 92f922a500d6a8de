from django import template
from django.utils.translation import gettext as _

from .. import outputs
from ..pages import questions

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (step errors by field name)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.inclusion_tag("flows/_outputs.html")
def application_outputs(application, audience):
    """What the business produced (signed documents…), with the links for this audience:
    {% application_outputs application "investor" %}."""
    return {"outputs": outputs.application_outputs(application=application, audience=audience)}


@register.inclusion_tag("flows/_step_summaries.html")
def step_summaries(application):
    """What each step recorded, through the step kinds' typed summaries (never their JSON):
    {% step_summaries application %}."""
    from ..services import step_summaries as summaries

    return {"summaries": [s for s in summaries(application=application) if s.rows()]}


@register.filter
def step_label(kind: str) -> str:
    """A step kind's label from its name."""
    from ..steps import registry

    found = registry.get(kind)
    return str(found.label) if found else kind


@register.filter
def history_label(action: str, data) -> str:
    """An audit entry of an application in words: "驳回（交易所选择）", "完成“在线回访”"."""
    from ..services.lifecycle import ACTIONS

    data = data if isinstance(data, dict) else {}
    if action == "step.complete":
        return _("完成“%(step)s”") % {"step": step_label(data.get("step", ""))}
    name = action.removeprefix("application.")
    text = str(ACTIONS.get(name, action))
    if data.get("step") and name in ("return_to_step", "reject"):
        text += f"（{step_label(data['step'])}）"
    return text


# What the investor sees of the history: the rounds (submitted, sent back and why, decided),
# never who among the staff did it.
INVESTOR_HISTORY = (
    "application.submit",
    "application.return_to_step",
    "application.reject",
    "application.resume",
    "application.approve",
    "application.abandon",
)


@register.inclusion_tag("flows/_history.html")
def application_rounds(application):
    """{% application_rounds application %}: each submission, return and decision, with the
    reasons given."""
    from ..selectors import application_history

    events = application_history(application=application).filter(action__in=INVESTOR_HISTORY)
    return {"events": list(events)}


@register.simple_tag
def choice_question(field):
    """A choice question (flows/pages/questions.py): {% choice_question form.products %}."""
    return questions.choice_question(field)


@register.simple_tag
def input_question(field, required=False):
    """A labelled input (flows/pages/questions.py):
    {% input_question form.email required=True %}."""
    return questions.input_question(field, required=bool(required))
