"""Reports in the Wagtail admin (报表): the applications with their timings, for compliance, and
the per-branch counts, each exportable as CSV and Excel (Wagtail's SpreadsheetExportMixin)."""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from content.models import Branch
from staff.roles import Role
from staff.selectors import user_has_role

from .models import Application, ApplicationState

READERS = (Role.ADMINISTRATOR, Role.COMPLIANCE)


def may_read_reports(user) -> bool:
    return any(user_has_role(user, role) for role in READERS)


def _minutes(start: datetime.datetime | None, end: datetime.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60)


class ApplicationFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("申请时间"), widget=DateRangePickerWidget
    )
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ApplicationState.choices)
    branch = django_filters.ModelChoiceFilter(
        label=_("营业部"), field_name="client__branch", queryset=Branch.objects.all()
    )

    class Meta:
        model = Application
        fields = ["created_at", "state", "branch"]


class RoleCheckedReport(ReportView):
    def dispatch(self, request, *args, **kwargs):
        if not may_read_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ApplicationsReportView(RoleCheckedReport):
    page_title = _("业务申请及办理时长")
    header_icon = "table"
    index_url_name = "flows_reports_applications"
    index_results_url_name = "flows_reports_applications_results"
    filterset_class = ApplicationFilterSet
    columns = [
        Column("acceptance_number", label=_("受理单号")),
        Column("branch_name", label=_("营业部")),
        Column("state_label", label=_("状态")),
        Column("created_local", label=_("申请时间")),
        Column("submitted_local", label=_("提交时间")),
        Column("decided_local", label=_("复核时间")),
        Column("minutes_to_submit", label=_("办理用时（分钟）")),
        Column("minutes_to_decide", label=_("复核用时（分钟）")),
    ]
    list_export = [
        "acceptance_number",
        "business_label",
        "branch_name",
        "state_label",
        "created_local",
        "submitted_local",
        "decided_local",
        "minutes_to_submit",
        "minutes_to_decide",
        "remarks",
    ]
    export_headings = {
        "acceptance_number": _("受理单号"),
        "business_label": _("业务类型"),
        "branch_name": _("营业部"),
        "state_label": _("状态"),
        "created_local": _("申请时间"),
        "submitted_local": _("提交时间"),
        "decided_local": _("复核时间"),
        "minutes_to_submit": _("办理用时（分钟）"),
        "minutes_to_decide": _("复核用时（分钟）"),
        "remarks": _("备注（退回、驳回原因）"),
    }

    def get_filename(self) -> str:
        return f"applications-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        return Application.objects.select_related("client__branch").order_by("-created_at")

    def decorate_paginated_queryset(self, object_list):
        for application in object_list:
            _decorate(application)
        return object_list

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            [_decorate(application) for application in queryset], spreadsheet_format
        )


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _decorate(application: Application) -> Application:
    """What the report shows of an application: names, local times, durations."""
    application.branch_name = application.client.branch.name
    application.business_label = application.get_business_type_display()
    application.state_label = application.get_state_display()
    application.created_local = _local(application.created_at)
    application.submitted_local = _local(application.submitted_at)
    application.decided_local = _local(application.decided_at)
    application.minutes_to_submit = _minutes(application.created_at, application.submitted_at)
    application.minutes_to_decide = _minutes(application.submitted_at, application.decided_at)
    return application


class BranchCountFilterSet(WagtailFilterSet):
    class Meta:
        model = Branch
        fields: list[str] = []


COUNTED = [
    ("total", _("全部"), None),
    (
        "in_flow",
        _("办理中"),
        [
            s.value
            for s in ApplicationState
            if s
            not in (
                ApplicationState.SUBMITTED,
                ApplicationState.APPROVED,
                ApplicationState.REJECTED,
                ApplicationState.ABANDONED,
            )
        ],
    ),
    ("submitted", _("待复核"), [ApplicationState.SUBMITTED.value]),
    ("approved", _("已办结"), [ApplicationState.APPROVED.value]),
    ("rejected", _("复核驳回"), [ApplicationState.REJECTED.value]),
    ("abandoned", _("已放弃"), [ApplicationState.ABANDONED.value]),
]


class BranchCountsReportView(RoleCheckedReport):
    page_title = _("各营业部业务数量")
    header_icon = "site"
    index_url_name = "flows_reports_branches"
    index_results_url_name = "flows_reports_branches_results"
    columns = [Column("code", label=_("营业部编号")), Column("name", label=_("营业部"))] + [
        Column(name, label=label) for name, label, _states in COUNTED
    ]
    list_export = ["code", "name", *[name for name, _label, _states in COUNTED]]
    export_headings = {
        "code": _("营业部编号"),
        "name": _("营业部"),
        **{name: label for name, label, _states in COUNTED},
    }

    def get_filename(self) -> str:
        return f"branches-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        counts = {
            name: Count(
                "clients__applications",
                filter=Q(clients__applications__state__in=states) if states else None,
            )
            for name, _label, states in COUNTED
        }
        return Branch.objects.annotate(**counts).order_by(F("code").asc())
