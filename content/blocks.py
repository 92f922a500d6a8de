"""StreamField blocks of the CMS content: agreement bodies and questionnaire questions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.rich_text import RichText

from .sanitize import clean_html

DOCUMENT_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "hr",
    "link",
    "superscript",
    "subscript",
]


class CleanRichTextBlock(blocks.RichTextBlock):
    """Rich text that is sanitised whenever it is stored, however it arrived (editor, import,
    API): a script or an event handler never reaches an investor's page or a PDF."""

    def get_prep_value(self, value):
        source = value.source if isinstance(value, RichText) else (value or "")
        return clean_html(source)

    def get_comparison_class(self):
        from .compare import ParagraphsComparison  # the admin's, loaded only to compare

        return ParagraphsComparison


class DocumentBodyBlock(blocks.StreamBlock):
    rich_text = CleanRichTextBlock(features=DOCUMENT_FEATURES, label=_("正文"))
    table = TableBlock(label=_("表格"))

    class Meta:
        required = False

    def get_prep_value(self, value):
        """Sanitise every rich-text block on its way to the database, also those that arrive as
        raw JSON (code writing `body=[{"type": "rich_text", "value": ...}]`, a revision
        published as stored): Wagtail passes raw blocks through without calling the child
        block's get_prep_value."""
        prepared = super().get_prep_value(value)
        for item in prepared:
            if isinstance(item, dict) and item.get("type") == "rich_text":
                item["value"] = clean_html(str(item.get("value") or ""))
        return prepared


class QuestionType:
    SINGLE = "single"
    MULTIPLE = "multiple"
    YES_NO = "yes_no"
    FREE_TEXT = "free_text"
    CHOICES = [
        (SINGLE, _("单选")),
        (MULTIPLE, _("多选")),
        (YES_NO, _("是/否")),
        (FREE_TEXT, _("填空")),
    ]
    WITH_OPTIONS = {SINGLE, MULTIPLE}


class OptionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("选项"), max_length=200)
    score = blocks.IntegerBlock(
        label=_("分值"), required=False, default=0, help_text=_("适当性评估计分用。")
    )
    alert = blocks.BooleanBlock(
        label=_("提醒复核"), required=False, help_text=_("回访问卷：选择此项时提醒复核人员关注。")
    )


class QuestionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("题目"), max_length=500)
    kind = blocks.ChoiceBlock(
        choices=QuestionType.CHOICES, default=QuestionType.SINGLE, label=_("题型")
    )
    required = blocks.BooleanBlock(label=_("必答"), required=False, default=True)
    options = blocks.ListBlock(OptionBlock(), label=_("选项"), default=[])
    yes_alerts = blocks.BooleanBlock(
        label=_("回答“是”时提醒复核"),
        required=False,
        help_text=_("仅用于是/否题。"),
    )
    no_alerts = blocks.BooleanBlock(
        label=_("回答“否”时提醒复核"),
        required=False,
        help_text=_("仅用于是/否题。"),
    )

    def clean(self, value):
        value = super().clean(value)
        if value["kind"] in QuestionType.WITH_OPTIONS and len(value["options"]) < 2:
            raise StructBlockValidationError(
                block_errors={
                    "options": ValidationError(
                        _("选择题“%(text)s”至少需要两个选项。") % {"text": value["text"]}
                    )
                }
            )
        if value["kind"] not in QuestionType.WITH_OPTIONS and value["options"]:
            raise StructBlockValidationError(
                block_errors={"options": ValidationError(_("只有单选题和多选题可以设置选项。"))}
            )
        return value


class QuestionsBlock(blocks.StreamBlock):
    question = QuestionBlock(label=_("题目"))


class ScoreBandBlock(blocks.StructBlock):
    min_score = blocks.IntegerBlock(label=_("最低分（含）"))
    max_score = blocks.IntegerBlock(label=_("最高分（含）"))
    suitability_class = blocks.ChoiceBlock(
        choices=[(c, c) for c in ("C1", "C2", "C3", "C4", "C5")], label=_("风险承受能力")
    )

    def clean(self, value):
        value = super().clean(value)
        if value["min_score"] > value["max_score"]:
            raise StructBlockValidationError(
                block_errors={"max_score": ValidationError(_("最高分不能小于最低分。"))}
            )
        return value
