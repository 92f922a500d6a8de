from django.db import models
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedJSONField


class StepRecord(models.Model):
    """One step of one application: what the investor entered (`data`, kept when they go back;
    encrypted: it holds addresses and the ID numbers of controllers and beneficiaries) and what
    proves it (`evidence`: revisions and hashes read, times, file hashes; ids, never personal
    data). Only the step kind's service reads either; everyone else reads its typed summary."""

    application = models.ForeignKey(
        "flows.Application", on_delete=models.CASCADE, related_name="step_records"
    )
    kind = models.CharField(_("步骤"), max_length=40)
    data = EncryptedJSONField(_("填写内容（加密）"), default=dict, blank=True)
    evidence = models.JSONField(_("留痕"), default=dict, blank=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.CharField(_("完成人标识"), max_length=100, blank=True)
    # Incremented at each accepted submission: a form carries the version it was shown with, so
    # a second post of the same form is recognised and does not do the work again.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("步骤记录")
        verbose_name_plural = _("步骤记录")
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_record_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.kind}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
