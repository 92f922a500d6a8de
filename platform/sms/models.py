from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.outbox import ERROR_LENGTH, Delivery, DeliveryStatus, status_field
from privacy.fields import EncryptedJSONField, EncryptedTextField


class SmsStatus(models.TextChoices):
    """The outbox's statuses (common.outbox.DeliveryStatus), in the words of the SMS log. A
    message waiting for a retry is 待发送 with its last error beside it."""

    QUEUED = DeliveryStatus.PENDING.value, _("待发送")
    SENT = DeliveryStatus.DELIVERED.value, _("已发送")
    FAILED = DeliveryStatus.FAILED.value, _("发送失败")


class SmsMessage(Delivery):
    """One text message to a mobile. Number and text are encrypted: the text may hold a code.
    Delivered through common.outbox: claimed with a lease, sent with no lock held, retried with
    backoff a bounded number of times (sms.services)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    mobile = EncryptedTextField(_("手机号码"))
    text = EncryptedTextField(_("内容"))
    # what a template-based provider fills its template with (a code, an acceptance number)
    params = EncryptedJSONField(_("模板参数（加密）"), default=dict, blank=True)
    # the same message asked for twice (an event delivered again) is recorded once
    key = models.CharField(_("去重标识"), max_length=100, null=True, blank=True, unique=True)
    purpose = models.CharField(_("用途"), max_length=50, help_text=_("如 login_code、submitted。"))
    # the outbox's columns, labelled as the SMS log speaks of them (发送, 错误)
    status = status_field(SmsStatus)
    # a message is due as soon as it is recorded
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=ERROR_LENGTH, blank=True)
    provider_id = models.CharField(_("服务商回执编号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"

    @property
    def masked_mobile(self) -> str:
        mobile = self.mobile or ""
        return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 7 else "****"
