"""Files an investor hands in as proof during a step. Stored encrypted in the default storage
under random names (nothing personal in a name or a path); read back only through
`flows.steps.score_reports.score_report_read`, by views that check who asks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoreReport(models.Model):
    """An exam score report (成绩报告单) for a first financial or crude-oil futures account."""

    application = models.ForeignKey(
        "flows.Application",
        verbose_name=_("业务申请"),
        on_delete=models.CASCADE,
        related_name="score_reports",
    )
    file = models.FileField(_("加密文件"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=30)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256（原文）"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("成绩报告单")
        verbose_name_plural = _("成绩报告单")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "sha256"], name="one_report_per_file")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.pk}"
