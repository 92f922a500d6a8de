"""The company's look and name: one per site, read per request, so a change shows without a
restart. What investors see of it goes live like a document: an administrator edits a draft and
submits it; a compliance officer other than the author approves; only then does the site show it
(content.models.workflows). The row holds what is live; drafts are revisions."""

import copy
import logging
import time

from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http.request import split_domain_port
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin

from content.models.workflows import ReviewedPublishingMixin

from .widgets import ColourInput

colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("颜色格式为 #RRGGBB。"))

# The live theme of each host the site answers on, in the shared cache (Redis in production):
# every page shows it, and reading it costs two queries (the site, the theme). Emptied whenever a
# theme or a site is saved or deleted; the timeout bounds a reader that raced such a save.
logger = logging.getLogger(__name__)

CACHE_KEY = "themes.theme.by_host"
CACHE_SECONDS = 60
# And each process keeps its own copy for a few seconds: the shared cache is a round trip on every
# page. A change shows at once in the process that saved it, within LOCAL_SECONDS in the others.
LOCAL_SECONDS = 5
_kept: dict[str, tuple[float, "Theme"]] = {}  # host → (kept until, on the monotonic clock; theme)


# Registered as a setting for `settings.themes.Theme` in templates (the live row); edited as a
# reviewed snippet (themes.wagtail_hooks), the settings screen leading there.
@register_setting(icon="view")
class Theme(
    ReviewedPublishingMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    BaseSiteSetting,
):
    company_name = models.CharField(_("公司名称"), max_length=100, default="示例期货")
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("标志"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("显示在页眉（白色背景上），建议高度 64 像素以上的 PNG 或 SVG。"),
    )
    hotline = models.CharField(_("客服热线"), max_length=30, default="400-000-0000")
    primary_colour = models.CharField(
        _("主色"), max_length=7, default="#b3261e", validators=[colour]
    )
    accent_colour = models.CharField(
        _("辅助色"), max_length=7, default="#1f4e8c", validators=[colour]
    )
    landing_title = models.CharField(_("首页标题"), max_length=100, default="网上业务办理")
    landing_intro = models.TextField(
        _("首页介绍"),
        blank=True,
        default="已在本公司开户的客户，可在线增开交易编码：上传证件、适当性确认、视频见证、"
        "电子签署，全程约 20 分钟。",
    )
    footer = models.CharField(_("页脚"), max_length=200, blank=True, default="")

    panels = [
        FieldPanel("company_name"),
        FieldPanel("logo"),
        FieldPanel("hotline"),
        FieldPanel("primary_colour", widget=ColourInput),
        FieldPanel("accent_colour", widget=ColourInput),
        FieldPanel("landing_title"),
        FieldPanel("landing_intro"),
        FieldPanel("footer"),
    ]

    class Meta:
        verbose_name = _("主题与公司信息")
        verbose_name_plural = _("主题与公司信息")

    def __str__(self) -> str:
        return self.company_name

    @classmethod
    def for_request(cls, request):
        """The request's site's theme: the process's kept copy, else the shared cache, else the
        database (see CACHE_KEY and LOCAL_SECONDS)."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        host = f"{split_domain_port(request.get_host())[0]}:{request.get_port()}"
        now = time.monotonic()
        kept = _kept.get(host)
        if kept is not None and kept[0] > now:
            theme = kept[1]
        else:
            themes = _cached(cache.get, CACHE_KEY) or {}
            theme = themes.get(host)
            if theme is None:
                theme = super().for_request(request)
                _cached(cache.set, CACHE_KEY, {**themes, host: theme}, CACHE_SECONDS)
            _kept[host] = (now + LOCAL_SECONDS, theme)
        theme = copy.copy(theme)  # the request's own: the kept one is shared by threads
        theme._request = request
        setattr(request, attr_name, theme)
        return theme


def _cached(operation, *args):
    """A cache call that a cache outage (Redis down) turns into a miss: the theme is then read
    from the database, and every page still renders."""
    try:
        return operation(*args)
    except Exception:  # the cache backend's own connection errors
        logger.warning("theme cache unavailable; reading the theme from the database")
        return None


def themes_forget() -> None:
    """Empty the cached themes, shared and kept, now and again when the transaction commits (a
    reader in between may have cached what was about to change)."""
    _forget()
    transaction.on_commit(_forget)


def _forget() -> None:
    _kept.clear()
    _cached(cache.delete, CACHE_KEY)


@receiver(post_save, sender=Theme)
@receiver(post_delete, sender=Theme)
@receiver(post_save, sender="wagtailcore.Site")
@receiver(post_delete, sender="wagtailcore.Site")
def _theme_or_site_changed(sender, **kwargs) -> None:
    themes_forget()
