from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Branch, Exchange


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


class OnboardingConfigGroup(SnippetViewSetGroup):
    menu_label = _("开户配置")
    menu_icon = "cog"
    menu_order = 200
    items = (ExchangeViewSet, BranchViewSet)


register_snippet(OnboardingConfigGroup)
