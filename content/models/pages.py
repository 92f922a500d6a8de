"""The public pages: the landing page, and investor education and help articles under it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from ..blocks import DocumentBodyBlock
from .reference import BusinessType

# The app that runs a business (flows) registers `(business_type) -> bool` under this hook:
# whether investors can start it now. Content asks without importing it.
BUSINESS_OPEN_HOOK = "business_is_open"


def business_is_open(business_type: str) -> bool:
    return any(hook(business_type) for hook in hooks.get_hooks(BUSINESS_OPEN_HOOK))


class ReviewedPagePermissionTester(PagePermissionTester):
    """Pages investors read go live and offline only through the four-eyes review: nobody, not
    even a superuser, publishes or unpublishes them directly (the editor, bulk actions and the
    explorer all ask this tester)."""

    def can_publish(self):
        return False

    def can_unpublish(self):
        return False

    def can_publish_subpage(self):
        return False


class ReviewedPage(Page):
    class Meta:
        abstract = True

    def permissions_for_user(self, user):
        return ReviewedPagePermissionTester(user, self)


class HomePage(ReviewedPage):
    """The landing page of the investor flow: the company's words, the business it offers and
    links to its education and help sections (the child index pages)."""

    body = StreamField(DocumentBodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    subpage_types = ["content.ArticleIndexPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "content/home_page.html"

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        from themes.qr import qr_svg

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = ArticleIndexPage.objects.child_of(self).live().public()
        context["qr_svg"] = qr_svg(request.build_absolute_uri(self.url))
        context["business_open"] = business_is_open(BusinessType.ADD_TRADING_CODE)
        return context


class ArticleIndexPage(ReviewedPage):
    intro = models.TextField(_("简介"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.ArticlePage"]
    template = "content/article_index_page.html"

    class Meta:
        verbose_name = _("栏目（投资者教育、开户帮助）")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = ArticlePage.objects.child_of(self).live().public()
        return context


class ArticlePage(ReviewedPage):
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    body = StreamField(DocumentBodyBlock(), verbose_name=_("正文"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    parent_page_types = ["content.ArticleIndexPage"]
    subpage_types: list[str] = []
    template = "content/article_page.html"

    class Meta:
        verbose_name = _("文章")
