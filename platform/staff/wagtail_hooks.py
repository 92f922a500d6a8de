from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_keys
from .models import StaffProfile
from .roles import Role
from .selectors import user_has_role


class StaffProfileViewSet(SnippetViewSet):
    """Which branch each witness agent serves (accounts themselves: Settings → Users)."""

    model = StaffProfile
    icon = "group"
    menu_label = _("员工与营业部")
    add_to_settings_menu = True
    list_display = ["user", "display_name", "branch"]
    list_filter = ["branch"]


register_snippet(StaffProfileViewSet)


# --- integrator keys (administrators) -------------------------------------------------------------
@hooks.register("register_admin_urls")
def api_key_urls():
    return [
        path("api-keys/", admin_keys.KeyListView.as_view(), name="staff_api_keys"),
        path("api-keys/new/", admin_keys.KeyCreateView.as_view(), name="staff_api_key_create"),
        path(
            "api-keys/<str:prefix>/rotate/",
            admin_keys.KeyRotateView.as_view(),
            name="staff_api_key_rotate",
        ),
        path(
            "api-keys/<str:prefix>/revoke/",
            admin_keys.KeyRevokeView.as_view(),
            name="staff_api_key_revoke",
        ),
    ]


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return user_has_role(request.user, Role.ADMINISTRATOR)


@hooks.register("register_settings_menu_item")
def api_keys_menu_item():
    return AdministratorsMenuItem(
        _("接口密钥"), reverse("staff_api_keys"), icon_name="key", order=900
    )
