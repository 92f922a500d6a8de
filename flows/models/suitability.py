from django.db import models
from django.utils.translation import gettext_lazy as _

from clients.models import SuitabilityClass
from content.models import AnsweredQuestionnaire


class SuitabilityAssessment(AnsweredQuestionnaire):
    """One suitability assessment an investor took in the flow. It proves what was asked (the
    questionnaire revision and the SHA-256 of its content) and what was answered; the client's
    class and its expiry on file are updated from it."""

    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        related_name="suitability_assessments",
    )
    application = models.ForeignKey(
        "flows.Application",
        verbose_name=_("业务申请"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suitability_assessments",
    )
    answers = models.JSONField(
        _("答案"),
        help_text=_("题目序号 → 所选选项序号（多选题为序号列表）。"),
    )
    score = models.IntegerField(_("得分"))
    suitability_class = models.CharField(
        _("风险承受能力"), max_length=2, choices=SuitabilityClass.choices
    )
    assessed_at = models.DateTimeField(_("评估时间"))
    valid_until = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("适当性评估记录")
        verbose_name_plural = _("适当性评估记录")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.suitability_class} @ {self.assessed_at:%Y-%m-%d}"
