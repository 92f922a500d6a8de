from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ChecklistItem, LivenessPrompt


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


class LivenessPromptViewSet(SnippetViewSet):
    """The liveness prompts the agent shows at random during the call."""

    model = LivenessPrompt
    icon = "view"
    menu_label = _("活体检测提示")
    list_display = ["text", "active"]
    panels = [FieldPanel("text"), FieldPanel("active")]


register_snippet(LivenessPromptViewSet)
