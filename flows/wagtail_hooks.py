from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.models import Revision
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from content.approval import USAGE_HOOK, Usage
from content.models import Document, Questionnaire
from content.models.pages import BUSINESS_OPEN_HOOK
from content.wagtail_hooks import CONFIGURATION_VIEWSETS, ReviewedSnippetViewSet
from staff.roles import Role
from staff.selectors import user_has_role

from .dashboard import ApplicationsPanel
from .models import PENDING_STATES, Application, FlowDefinition


class FlowDefinitionViewSet(ReviewedSnippetViewSet):
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


@hooks.register(BUSINESS_OPEN_HOOK)
def business_open(business_type: str) -> bool:
    """The landing page offers 开始办理 only while a flow for the business is live."""
    return FlowDefinition.objects.filter(business_type=business_type, live=True).exists()


def _flow_revisions_referencing(obj) -> list[int]:
    """The pinned flow revisions (of any application) whose steps name `obj`."""
    field = FlowDefinition._meta.get_field("steps")
    pinned = Application.objects.order_by().values_list("flow_revision", flat=True).distinct()
    found = []
    for revision in Revision.objects.filter(pk__in=pinned):
        references = field.extract_references(revision.as_object().steps)
        if any(
            model is type(obj) and str(object_id) == str(obj.pk)
            for model, object_id, *_rest in references
        ):
            found.append(revision.pk)
    return found


@hooks.register(USAGE_HOOK)
def usage_by_applications(obj) -> Usage | None:
    """How applications rely on a flow definition, document or questionnaire: read-only."""
    if isinstance(obj, FlowDefinition):
        uses = Q(
            flow_revision__base_content_type=obj.get_base_content_type(),
            flow_revision__object_id=str(obj.pk),
        )
        consequence = _(
            "办理中的业务按开始时锁定的流程版本继续办理；下线后新投资者无法开始该业务，"
            "首页不再显示“开始办理”。"
        )
    elif isinstance(obj, Document | Questionnaire):
        uses = Q(flow_revision__in=_flow_revisions_referencing(obj))
        if isinstance(obj, Document):
            uses |= Q(pinned_documents__has_key=str(obj.pk))
            consequence = _(
                "办理中的业务继续使用开始时锁定的版本；下线后新开始的业务不再看到它，"
                "流程中引用它的步骤将缺少这份文档。"
            )
        else:
            consequence = _(
                "办理中的业务按开始时的流程继续；下线后引用它的步骤将无法作答，直到新问卷上线。"
            )
    else:
        return None
    applications = Application.objects.filter(uses)
    return Usage(
        in_flight=applications.filter(state__in=PENDING_STATES).count(),
        recorded=applications.count(),
        consequence=str(consequence),
    )


from . import admin_events  # noqa: E402, F401  (the outbox's admin screen)
from .reports import (  # noqa: E402
    ApplicationsReportView,
    BranchCountsReportView,
    may_read_reports,
)


@hooks.register("register_admin_urls")
def register_report_urls():
    from django.urls import path

    urls = []
    for slug, view in (
        ("applications", ApplicationsReportView),
        ("branches", BranchCountsReportView),
    ):
        urls += [
            path(f"reports/flows/{slug}/", view.as_view(), name=f"flows_reports_{slug}"),
            path(
                f"reports/flows/{slug}/results/",
                view.as_view(results_only=True),
                name=f"flows_reports_{slug}_results",
            ),
        ]
    return urls


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_read_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_application_report():
    return ReportMenuItem(
        _("业务申请及办理时长"),
        reverse("flows_reports_applications"),
        icon_name="table",
        order=900,
    )


@hooks.register("register_reports_menu_item")
def register_branch_report():
    return ReportMenuItem(
        _("各营业部业务数量"), reverse("flows_reports_branches"), icon_name="site", order=901
    )
