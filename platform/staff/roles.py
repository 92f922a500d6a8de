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
    COMPLIANCE = "compliance"


GROUP_NAMES = {
    Role.ADMINISTRATOR: "管理员",
    Role.WITNESS_AGENT: "见证坐席",
    Role.REVIEWER: "复核员",
    Role.INTEGRATOR: "接口对接",
    Role.COMPLIANCE: "合规审核员",
}

LABELS = {
    Role.ADMINISTRATOR: _("管理员"),
    Role.WITNESS_AGENT: _("见证坐席"),
    Role.REVIEWER: _("复核员"),
    Role.INTEGRATOR: _("接口对接"),
    Role.COMPLIANCE: _("合规审核员"),
}


# "app_label.codename" of each role's permissions on the base apps' models; the custom ones are
# declared on staff.models.StaffProfile.Meta.permissions. Capabilities add theirs through
# staff.consoles (`role_permissions_register`, `console_register`).
def _model_permissions(label: str, *actions: str) -> list[str]:
    app_label, model = label.split(".")
    return [f"{app_label}.{action}_{model}" for action in actions]


EDIT = ("add", "change", "delete", "view")
# Revisioned snippets also have "lock"/"unlock" (LockableMixin). Their "publish" is held by
# nobody: they go live or offline only when a four-eyes review finishes (content.approval).
REVISIONED = (*EDIT, "lock", "unlock")

PERMISSIONS = {
    Role.ADMINISTRATOR: [
        "staff.administer_platform",
        "wagtailadmin.access_admin",
        *_model_permissions("content.exchange", *EDIT),
        *_model_permissions("content.branch", *EDIT),
        *_model_permissions("content.calendarday", *EDIT),
        # Documents and questionnaires go live only through the "合规审核" workflow: an
        # administrator edits and submits; the compliance officer's approval publishes.
        *_model_permissions("content.document", *REVISIONED),
        *_model_permissions("content.questionnaire", *REVISIONED),
        # the company seal's picture on signed agreements: the same review
        *_model_permissions("content.companyseal", *REVISIONED),
        *_model_permissions("themes.theme", "change", "view", "lock", "unlock"),
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        # staff accounts and which branch each agent serves
        *_model_permissions("auth.user", "add", "change", "view"),
        "auth.view_group",
        *_model_permissions("staff.staffprofile", *EDIT),
    ],
    # Approves what investors see (documents, questionnaires, flow definitions), and its
    # withdrawal, in the "合规审核" workflow; never a change they made themselves.
    Role.COMPLIANCE: [
        "wagtailadmin.access_admin",
        "staff.approve_content",
        *_model_permissions("content.document", "view", "change"),
        *_model_permissions("content.questionnaire", "view", "change"),
        *_model_permissions("content.companyseal", "view", "change"),
        *_model_permissions("themes.theme", "view", "change"),
    ],
    Role.WITNESS_AGENT: [],  # the witness console's permission: registered by video
    Role.REVIEWER: [],  # the review console's: registered by flows
    Role.INTEGRATOR: ["staff.use_api"],
}

# Wagtail page permissions (on the whole tree) per role: the landing, education and help pages.
PAGE_PERMISSIONS = {
    Role.ADMINISTRATOR: [
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
        "bulk_delete_page",
    ],
}

# The permission that makes someone hold a role of the base apps; the roles of a capability's
# console are held through the permission its console registers (staff.consoles).
# Not "wagtailadmin.access_admin": compliance officers enter the CMS too, and are not
# administrators.
ROLE_PERMISSION = {
    Role.ADMINISTRATOR: "staff.administer_platform",
    Role.INTEGRATOR: "staff.use_api",
    Role.COMPLIANCE: "staff.approve_content",
}
