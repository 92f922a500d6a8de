"""The generic step kinds of the add-trading-code flow, owned by flows."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .registry import StepKind, registry

PHOTOS = "photos"
BASIC_INFO = "basic_info"
EXCHANGES = "exchanges"
AGREEMENTS = "agreements"


def _photos_options() -> blocks.StructBlock:
    return blocks.StructBlock(
        [
            (
                "security_letter",
                SnippetChooserBlock(
                    "content.Document",
                    label=_("数字证书安全责任书"),
                    help_text=_("在本步骤阅读并同意。"),
                ),
            ),
        ]
    )


def _basic_info_options() -> blocks.StructBlock:
    return blocks.StructBlock(
        [
            (
                "suitability_questionnaire",
                SnippetChooserBlock(
                    "content.Questionnaire",
                    label=_("适当性评估问卷"),
                    help_text=_("客户适当性信息缺失或过期时先做此评估。"),
                ),
            ),
        ]
    )


class KnowledgeTestLinkBlock(blocks.CharBlock):
    """The page of the online knowledge test itself: an https address, or a path on this site
    (a CMS page); never a site's home page, where the investor would have to find the test."""

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return value
        if not value.startswith("/"):
            URLValidator(
                schemes=["https", "http"],
                message=_("请填写以 https:// 开头的网址，或以 / 开头的本站页面路径。"),
            )(value)
        if urlsplit(value).path.strip("/") == "":
            raise ValidationError(_("请填写在线知识测试页面本身的地址，而不是网站首页。"))
        return value


def _exchanges_options() -> blocks.StructBlock:
    return blocks.StructBlock(
        [
            (
                "knowledge_test_url",
                KnowledgeTestLinkBlock(
                    required=False,
                    max_length=500,
                    label=_("在线知识测试地址"),
                    help_text=_(
                        "首次开立金融期货、原油期货交易编码而没有成绩报告单的投资者，由此参加"
                        "在线知识测试：填写测试页面本身的地址（https://…，或本站页面路径 /…）。"
                        "留空则不提供在线测试，只能上传成绩报告单。"
                    ),
                ),
            ),
        ]
    )


def _agreements_options() -> blocks.StructBlock:
    return blocks.StructBlock(
        [
            (
                "documents",
                blocks.ListBlock(
                    SnippetChooserBlock("content.Document"), label=_("需阅读的协议"), min_num=1
                ),
            ),
        ]
    )


registry.register(
    StepKind(
        PHOTOS,
        _("上传照片"),
        _photos_options,
        icon="image",
        service="flows.steps.photos.PhotosService",
        page="flows.pages.photos.PhotosPage",
    )
)
registry.register(
    StepKind(
        BASIC_INFO,
        _("个人基本资料"),
        _basic_info_options,
        icon="user",
        service="flows.steps.basic_info.BasicInfoService",
        page="flows.pages.basic_info.BasicInfoPage",
    )
)
registry.register(
    StepKind(
        EXCHANGES,
        _("交易所选择"),
        _exchanges_options,
        icon="site",
        service="flows.steps.exchanges.ExchangesService",
        page="flows.pages.exchanges.ExchangesPage",
    )
)
registry.register(
    StepKind(
        AGREEMENTS,
        _("阅读相关协议"),
        _agreements_options,
        icon="doc-full",
        service="flows.steps.agreements.AgreementsService",
        page="flows.pages.agreements.AgreementsPage",
    )
)
