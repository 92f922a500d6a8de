from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Audit rows are never changed or removed through the ORM (the database refuses it too, on
    PostgreSQL: migration 0002's trigger)."""

    def update(self, **kwargs):
        raise PermissionDenied("the audit log is append-only")

    def delete(self):
        raise PermissionDenied("the audit log is append-only")


class AuditEvent(models.Model):
    """Who did what to which record, and why. Holds references and codes, never personal data.

    Each event is sealed into a hash chain right after its transaction commits (services.py):
    `sequence` numbers the chain without gaps, `hash` covers the event and the hash before it,
    so `manage.py verify_audit` finds any changed, removed or inserted event."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        # the row outlives the account: no cascade, no update of an audit row
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    reason = models.TextField(_("原因"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    sequence = models.PositiveBigIntegerField(_("链序号"), null=True, blank=True, unique=True)
    previous_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True)
    hash = models.CharField(_("哈希"), max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionDenied("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("the audit log is append-only")


class AuditHead(models.Model):
    """The end of the chain: the last sequence number and its hash (one row). Sealing locks it,
    so events are chained one at a time, in the order they are sealed."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash[:12]}"
