from django import template

from .. import outputs

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
