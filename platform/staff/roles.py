"""Staff roles: each is a Django group with the permissions it needs. Created (and kept in step)
after every migrate, so a new deployment has them without clicking."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    WITNESS_AGENT = "witness_agent"
    REVIEWER = "reviewer"
    INTEGRATOR = "integrator"


GROUP_NAMES = {
    Role.ADMINISTRATOR: "管理员",
    Role.WITNESS_AGENT: "见证坐席",
    Role.REVIEWER: "复核员",
    Role.INTEGRATOR: "接口对接",
}

LABELS = {
    Role.ADMINISTRATOR: _("管理员"),
    Role.WITNESS_AGENT: _("见证坐席"),
    Role.REVIEWER: _("复核员"),
    Role.INTEGRATOR: _("接口对接"),
}

# "app_label.codename" of each role's permissions; the custom ones are declared on
# staff.models.StaffProfile.Meta.permissions.
PERMISSIONS = {
    Role.ADMINISTRATOR: [
        "wagtailadmin.access_admin",
        "content.add_exchange", "content.change_exchange", "content.view_exchange",
        "content.add_branch", "content.change_branch", "content.view_branch",
        "themes.change_theme", "themes.view_theme",
    ],
    Role.WITNESS_AGENT: ["staff.use_witness_console"],
    Role.REVIEWER: ["staff.use_review_console"],
    Role.INTEGRATOR: ["staff.use_api"],
}

CONSOLE_PERMISSION = {
    Role.WITNESS_AGENT: "staff.use_witness_console",
    Role.REVIEWER: "staff.use_review_console",
    Role.INTEGRATOR: "staff.use_api",
}
