"""The company's configuration screens (snippets). They are gathered with the flow definitions
under the "开户配置" menu by flows/wagtail_hooks.py."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Branch, CalendarDay, Document, Exchange, Questionnaire


class DocumentViewSet(SnippetViewSet):
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


class QuestionnaireViewSet(SnippetViewSet):
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
        FieldPanel("questions"),
        FieldPanel("bands"),
    ]


class ExchangeViewSet(SnippetViewSet):
    model = Exchange
    icon = "site"
    menu_label = _("交易所")
    list_display = ["code", "name_zh", "category", "needs_score_reports", "active"]


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


CONFIGURATION_VIEWSETS = (
    DocumentViewSet,
    QuestionnaireViewSet,
    ExchangeViewSet,
    BranchViewSet,
    CalendarDayViewSet,
)
