from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ChecklistItem


class ChecklistItemViewSet(SnippetViewSet):
    """The checks the witness agent ticks; a session copies them when it starts."""

    model = ChecklistItem
    icon = "tasks"
    menu_label = _("见证检查项")
    list_display = ["label", "code", "required", "active", "sort_order"]
    panels = [
        FieldPanel("code"),
        FieldPanel("label"),
        FieldPanel("evidence_hint"),
        FieldPanel("required"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
    ]


register_snippet(ChecklistItemViewSet)
