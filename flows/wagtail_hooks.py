from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from content.wagtail_hooks import CONFIGURATION_VIEWSETS
from staff.roles import Role
from staff.selectors import user_has_role

from .dashboard import ApplicationsPanel
from .models import FlowDefinition


class FlowDefinitionViewSet(SnippetViewSet):
    model = FlowDefinition
    icon = "list-ol"
    menu_label = _("业务流程")
    list_display = ["name", "business_type", LiveStatusTagColumn(), UpdatedAtColumn()]
    panels = [FieldPanel("business_type"), FieldPanel("name"), FieldPanel("steps")]


class OnboardingConfiguration(SnippetViewSetGroup):
    """The menu "开户配置": everything a company configures about its onboarding."""

    menu_label = _("开户配置")
    menu_icon = "cog"
    menu_order = 150
    items = (FlowDefinitionViewSet, *CONFIGURATION_VIEWSETS)

    def get_submenu_items(self):
        theme = MenuItem(
            _("主题与公司信息"),
            reverse("wagtailsettings:edit", args=["themes", "theme"]),
            icon_name="view",
            order=900,
        )
        return [*super().get_submenu_items(), theme]


register_snippet(OnboardingConfiguration)


@hooks.register("construct_homepage_panels")
def add_applications_panel(request, panels):
    # For administrators; a compliance officer's dashboard stays on what awaits their review.
    if user_has_role(request.user, Role.ADMINISTRATOR):
        panels.append(ApplicationsPanel())


from . import admin_events  # noqa: E402, F401  (the outbox's admin screen)
