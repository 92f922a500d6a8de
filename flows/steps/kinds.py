"""The generic step kinds of the add-trading-code flow, owned by flows."""

from __future__ import annotations

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
