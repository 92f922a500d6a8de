"""Questionnaires: the revisit (step 8), the suitability assessment (scored into C1–C5 by
bands) and the witness agent's knowledge script. Revisioned and approved like documents."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import ListBlock
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from ..blocks import QuestionsBlock, ScoreBandBlock
from .workflows import ReviewedPublishingMixin


class QuestionnaireKind(models.TextChoices):
    REVISIT = "revisit", _("回访问卷")
    SUITABILITY = "suitability", _("适当性评估问卷")
    WITNESS_SCRIPT = "witness_script", _("见证话术（知识问答）")


class Questionnaire(
    ReviewedPublishingMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    models.Model,
):
    kind = models.CharField(_("类型"), max_length=20, choices=QuestionnaireKind.choices)
    code = models.SlugField(
        _("编号"),
        max_length=60,
        unique=True,
        error_messages={"unique": _("该编号已被另一份问卷使用。")},
    )
    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("说明"), blank=True)
    questions = StreamField(QuestionsBlock(), verbose_name=_("题目"), blank=True)
    bands = StreamField(
        [("bands", ListBlock(ScoreBandBlock(), label=_("分数段")))],
        verbose_name=_("评级分数段"),
        blank=True,
        max_num=1,
        help_text=_("仅适当性评估问卷使用：总分落在哪一段，即评为哪一级。"),
    )

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

    def score_bands(self) -> list[dict]:
        return [dict(band) for block in self.bands for band in block.value]

    def clean(self) -> None:
        super().clean()
        if not self.questions:
            raise ValidationError({"questions": _("问卷至少需要一道题目。")})
        bands = sorted(self.score_bands(), key=lambda band: band["min_score"])
        if self.kind != QuestionnaireKind.SUITABILITY:
            if bands:
                raise ValidationError({"bands": _("只有适当性评估问卷需要评级分数段。")})
            return
        if not bands:
            raise ValidationError({"bands": _("适当性评估问卷需要设置评级分数段。")})
        for lower, upper in zip(bands, bands[1:], strict=False):
            if upper["min_score"] != lower["max_score"] + 1:
                raise ValidationError(
                    {
                        "bands": _(
                            "分数段必须首尾相接、互不重叠：%(a)s–%(b)s 之后应从 %(next)s 分开始。"
                        )
                        % {
                            "a": lower["min_score"],
                            "b": lower["max_score"],
                            "next": lower["max_score"] + 1,
                        }
                    }
                )

    def content_hash(self) -> str:
        """SHA-256 of exactly what was asked (questions, options, bands): stored with answers."""
        content = {
            "title": self.title,
            "intro": self.intro,
            "questions": self.questions.get_prep_value(),
            "bands": self.score_bands(),
        }
        for question in content["questions"]:
            question.pop("id", None)
        canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def get_preview_template(self, request, mode_name):
        return "content/preview_questionnaire.html"


class AnsweredQuestionnaire(models.Model):
    """What an answer sheet proves was asked: the questionnaire, the revision shown and the
    SHA-256 of its content (`Questionnaire.content_hash`). Shared by every record of answers
    (suitability assessments, revisit sheets), so each proves it the same way."""

    questionnaire = models.ForeignKey(
        "content.Questionnaire",
        verbose_name=_("问卷"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("问卷版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_hash = models.CharField(_("问卷内容哈希"), max_length=64)

    class Meta:
        abstract = True
