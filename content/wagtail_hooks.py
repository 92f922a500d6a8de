"""The company's configuration screens (snippets), gathered with the flow definitions under the
"开户配置" menu by flows/wagtail_hooks.py; and the admin side of the four-eyes review: no publish
or unpublish button, "submit for approval" as the main action, "申请下线" and "放弃草稿", and
no deletion of what investors' records rely on."""

from django.contrib.admin.utils import quote
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.forms import Media
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.models import ReferenceIndex
from wagtail.snippets.action_menu import ActionMenuItem
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_views import (
    AdminGuideView,
    DiscardDraftView,
    ReviewedWorkflowActionView,
    WithdrawView,
)
from .approval import usage_by_applications
from .models import (
    Branch,
    CalendarDay,
    CompanySeal,
    Document,
    Exchange,
    Questionnaire,
    ReviewedPublishingMixin,
    WithdrawalRequest,
)


class ReviewedSnippetViewSet(SnippetViewSet):
    """A snippet that goes live only through the four-eyes review."""

    workflow_action_view_class = ReviewedWorkflowActionView


class DocumentViewSet(ReviewedSnippetViewSet):
    model = Document
    icon = "doc-full"
    menu_label = _("文档与协议")
    list_display = ["title", "kind", "code", LiveStatusTagColumn(), UpdatedAtColumn()]
    list_filter = ["kind", "business_type", "live"]
    search_fields = ["title"]
    panels = [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("code"), FieldPanel("title")], heading=_("基本信息")
        ),
        FieldPanel("import_file"),
        FieldPanel("body"),
        FieldPanel("sms_text"),
        MultiFieldPanel(
            [FieldPanel("business_type"), FieldPanel("exchanges"), FieldPanel("sort_order")],
            heading=_("适用范围"),
        ),
    ]


class QuestionnaireFields(FieldPanel):
    """The questions, with only the fields that apply to the questionnaire's kind shown."""

    class BoundPanel(FieldPanel.BoundPanel):
        @property
        def media(self):
            return super().media + Media(js=["content/admin/questionnaire-fields.js"])


class QuestionnaireViewSet(ReviewedSnippetViewSet):
    model = Questionnaire
    icon = "list-ul"
    menu_label = _("问卷")
    list_display = ["title", "kind", "code", LiveStatusTagColumn(), UpdatedAtColumn()]
    list_filter = ["kind", "live"]
    panels = [
        FieldPanel("kind"),
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("intro"),
        QuestionnaireFields("questions"),
        FieldPanel("bands"),
    ]


class ExchangeViewSet(SnippetViewSet):
    model = Exchange
    icon = "site"
    menu_label = _("交易所")
    list_display = [
        "code",
        "name_zh",
        "category",
        BooleanColumn("needs_score_reports", label=_("需成绩报告单")),
        BooleanColumn("active", label=_("启用")),
    ]


class BranchViewSet(SnippetViewSet):
    model = Branch
    icon = "home"
    menu_label = _("营业部")
    list_display = ["code", "name", "hotline", "witness_seats"]


class CalendarDayViewSet(SnippetViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = _("交易日历")
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]


class CompanySealViewSet(ReviewedSnippetViewSet):
    model = CompanySeal
    icon = "image"
    menu_label = _("电子印章图片")
    list_display = ["name", LiveStatusTagColumn(), UpdatedAtColumn()]
    panels = [FieldPanel("name"), FieldPanel("upload")]


CONFIGURATION_VIEWSETS = (
    DocumentViewSet,
    QuestionnaireViewSet,
    ExchangeViewSet,
    BranchViewSet,
    CalendarDayViewSet,
    CompanySealViewSet,
)


@hooks.register("insert_editor_js")
def table_editor_in_chinese():
    # After the page's own media (which holds Handsontable on the editor pages).
    return format_html(
        '<script src="{}"></script>', static("content/admin/handsontable-zh-hans.js")
    )


class AdminAccess(BasePermission):
    """Whoever may use the admin, as Wagtail means: its page explorer API otherwise falls to the
    project's API default (integrators only) and the sidebar's 页面 panel says 服务器错误."""

    def has_permission(self, request, view):
        return request.user.has_perm("wagtailadmin.access_admin")


class PagesExplorerApi(PagesAdminAPIViewSet):
    permission_classes = [AdminAccess]


@hooks.register("construct_admin_api")
def page_explorer_for_admin_users(router):
    router.register_endpoint("pages", PagesExplorerApi)


# --- the four-eyes review in the admin -----------------------------------------------------------


def _review_url(name: str, obj) -> str:
    meta = obj._meta
    return reverse(name, args=[meta.app_label, meta.model_name, quote(obj.pk)])


@hooks.register("register_admin_urls")
def review_urls():
    prefix = "review/<str:app_label>/<str:model_name>/<str:pk>/"
    return [
        path(f"{prefix}withdraw/", WithdrawView.as_view(), name="content_withdraw"),
        path(f"{prefix}discard-draft/", DiscardDraftView.as_view(), name="content_discard_draft"),
        path("guide/", AdminGuideView.as_view(), name="content_admin_guide"),
    ]


@hooks.register("construct_help_menu")
def this_products_help(request, menu_items):
    """The help menu points to this product's guide, not to Wagtail's release notes."""
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new")
    ]
    menu_items.insert(
        0, MenuItem(_("管理员指南"), reverse("content_admin_guide"), icon_name="help", order=0)
    )


class WithdrawMenuItem(ActionMenuItem):
    name = "action-withdraw"
    label = _("申请下线")
    icon_name = "download"

    def is_shown(self, context):
        instance = context.get("instance")
        return (
            context["view"] == "edit"
            and not context.get("locked_for_user")
            and instance.live
            and not instance.workflow_in_progress
        )

    def get_url(self, context):
        return _review_url("content_withdraw", context["instance"])


class DiscardDraftMenuItem(ActionMenuItem):
    name = "action-discard-draft"
    label = _("放弃草稿")
    icon_name = "undo"

    def is_shown(self, context):
        instance = context.get("instance")
        return (
            context["view"] == "edit"
            and not context.get("locked_for_user")
            and instance.live
            and instance.has_unpublished_changes
            and not instance.workflow_in_progress
        )

    def get_url(self, context):
        return _review_url("content_discard_draft", context["instance"])


@hooks.register("register_snippet_action_menu_item")
def withdraw_menu_item(model):
    if issubclass(model, ReviewedPublishingMixin):
        return WithdrawMenuItem(order=70)
    return None


@hooks.register("register_snippet_action_menu_item")
def discard_draft_menu_item(model):
    if issubclass(model, ReviewedPublishingMixin):
        return DiscardDraftMenuItem(order=80)
    return None


# The main (first) action of a reviewed item's editor, in this order of preference.
MAIN_ACTIONS = ("action-submit", "approve", "reject", "action-save")


@hooks.register("construct_snippet_action_menu")
def reviewed_action_menu(menu_items, request, context):
    """No "publish"/"unpublish" (Wagtail shows them to superusers from has_perm); submitting
    for approval, or approving, is the main button rather than a choice behind the arrow."""
    if not issubclass(context["model"], ReviewedPublishingMixin):
        return
    menu_items[:] = [
        item for item in menu_items if item.name not in ("action-publish", "action-unpublish")
    ]
    reviewing = any(item.name == "approve" for item in menu_items)
    if reviewing:  # a reviewer's edit would make them an author: they approve or send back
        menu_items[:] = [item for item in menu_items if item.name != "action-save"]

    def rank(item):
        name = item.name if item.name in MAIN_ACTIONS else None
        return MAIN_ACTIONS.index(name) if name else len(MAIN_ACTIONS)

    menu_items.sort(key=rank)


@hooks.register("before_edit_snippet")
def review_banners(request, instance):
    """Say what the editor is looking at when it is not an ordinary draft."""
    if request.method != "GET" or not isinstance(instance, ReviewedPublishingMixin):
        return None
    state = instance.current_workflow_state
    withdrawal = state and WithdrawalRequest.objects.filter(workflow_state=state).first()
    if withdrawal:
        messages.warning(
            request,
            gettext("这是下线申请（%(user)s：%(reason)s）：批准后“%(object)s”将下线。")
            % {
                "user": withdrawal.requested_by.get_full_name() or withdrawal.requested_by,
                "reason": withdrawal.reason,
                "object": instance,
            },
        )
    problems = getattr(instance, "draft_problems", lambda: [])()
    if problems and instance.live and not state:
        messages.error(
            request,
            gettext("当前草稿与线上版本不同，且无法提交发布：%(problems)s")
            % {"problems": "；".join(str(problem) for problem in problems)},
            buttons=[
                messages.button(
                    _review_url("content_discard_draft", instance),
                    gettext("放弃草稿，恢复线上版本"),
                )
            ],
        )
    return None


def deletion_refusal(obj) -> str | None:
    """Why `obj` may not be deleted, or None. Live items are withdrawn instead; anything an
    application's records rely on is kept for as long as those records."""
    if not isinstance(obj, ReviewedPublishingMixin):
        return None
    if obj.live:
        return gettext("“%(object)s”已上线，不能删除：请先申请下线。") % {"object": obj}
    usage = usage_by_applications(obj)
    if usage.recorded:
        return gettext(
            "“%(object)s”被 %(n)s 笔业务的记录引用，不能删除（投资者的记录须能还原当时的内容）。"
        ) % {"object": obj, "n": usage.recorded}
    if ReferenceIndex.get_references_to(obj).exists():
        return gettext("“%(object)s”仍被业务流程引用，不能删除：请先从流程中移除。") % {
            "object": obj
        }
    try:
        Collector(using="default").collect([obj])
    except (ProtectedError, RestrictedError):
        return gettext("“%(object)s”曾经发布过，已签署或阅读的记录引用它的发布版本，不能删除。") % {
            "object": obj
        }
    return None


@hooks.register("before_delete_snippet")
def refuse_deleting_what_records_use(request, instances):
    refusals = [reason for obj in instances if (reason := deletion_refusal(obj))]
    if not refusals:
        return None
    for reason in refusals:
        messages.error(request, reason)
    first = instances[0]
    return redirect(first.snippet_viewset.get_url_name("edit"), quote(first.pk))
