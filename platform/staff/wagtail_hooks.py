from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import StaffProfile


class StaffProfileViewSet(SnippetViewSet):
    """Which branch each witness agent serves (accounts themselves: Settings → Users)."""

    model = StaffProfile
    icon = "group"
    menu_label = _("员工与营业部")
    add_to_settings_menu = True
    list_display = ["user", "display_name", "branch"]
    list_filter = ["branch"]


register_snippet(StaffProfileViewSet)
