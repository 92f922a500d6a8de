from django.db import models
from django.utils.translation import gettext_lazy as _

from content.models import AnsweredQuestionnaire
from privacy.fields import EncryptedJSONField


class RevisitAnswer(AnsweredQuestionnaire):
    """One answer sheet of the revisit questionnaire, for one round of an application: what was
    asked (the questionnaire revision and the SHA-256 of its content), what was answered
    (encrypted: free-text answers may hold anything) and which answers alert the reviewer. A
    rejected application answered again keeps every round's sheet."""

    application = models.ForeignKey(
        "flows.Application",
        verbose_name=_("业务申请"),
        on_delete=models.CASCADE,
        related_name="revisit_answers",
    )
    answers = EncryptedJSONField(
        _("答案（加密）"), default=dict, help_text=_("题目序号 → 所选选项序号、是/否或文字。")
    )
    alerts = models.JSONField(_("提醒复核的答案"), default=list, blank=True)
    answered_by = models.CharField(_("作答人标识"), max_length=100)
    answered_at = models.DateTimeField(_("作答时间"))

    class Meta:
        verbose_name = _("回访答卷")
        verbose_name_plural = _("回访答卷")
        ordering = ["-answered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.answered_at:%Y-%m-%d %H:%M}"
