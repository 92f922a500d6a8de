"""The theme in the admin: edited as a reviewed snippet (draft, submit, a second person approves),
never saved live by the settings screen, which leads to it."""

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet

from content.wagtail_hooks import ReviewedSnippetViewSet

from .models import Theme


class ThemeViewSet(ReviewedSnippetViewSet):
    model = Theme
    icon = "view"
    menu_label = _("主题与公司信息")
    list_display = ["company_name", "hotline", LiveStatusTagColumn(), UpdatedAtColumn()]


register_snippet(ThemeViewSet)


@hooks.register("before_edit_setting")
def theme_through_review(request, instance):
    """The settings screen would save the theme live at once: open its reviewed editor."""
    if isinstance(instance, Theme):
        return redirect(Theme.snippet_viewset.get_url_name("edit"), instance.pk)
    return None
