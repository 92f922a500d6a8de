"""Webhook subscriptions of integrators, and the deliveries of events to them with every attempt.

A delivery's body is generated once, when the event is fanned out, and sent byte for byte on every
attempt (only the signature's timestamp changes): a receiver deduplicates by the event id."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.outbox import Delivery, DeliveryStatus, status_field
from privacy.fields import EncryptedTextField


class WebhookSubscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属对接账号"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        help_text=_("接口对接账号：其接口密钥可管理本订阅。"),
    )
    url = models.URLField(_("推送地址"), max_length=500)
    events = models.JSONField(_("订阅的事件"), default=list)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # the signing secret: encrypted at rest, shown once (on creation and on rotation)
    secret = EncryptedTextField(_("签名密钥（加密）"), editable=False)
    secret_rotated_at = models.DateTimeField(_("密钥更换时间"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("事件推送订阅")
        verbose_name_plural = _("事件推送订阅")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.url}"

    def events_label(self) -> str:
        return "、".join(self.events)

    def wants(self, event_name: str) -> bool:
        return self.active and event_name in self.events


class WebhookStatus(models.TextChoices):
    """The outbox's statuses (common.outbox.DeliveryStatus), in the words of this screen."""

    PENDING = DeliveryStatus.PENDING.value, _("待推送")
    DELIVERED = DeliveryStatus.DELIVERED.value, _("已送达")
    FAILED = DeliveryStatus.FAILED.value, _("推送失败")


class WebhookDelivery(Delivery):
    """One event for one subscription (common.outbox: claimed with a lease, so that two workers
    never send it at once); retried with backoff until `give_up_after` attempts, then marked
    failed. Its body and every attempt are kept: an integrator may ask what was sent when."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("订阅"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("事件编号"), db_index=True)
    event_name = models.CharField(_("事件"), max_length=60)
    source_event = models.ForeignKey(
        "flows.OutboxEvent",
        verbose_name=_("业务事件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("推送内容"))
    # three of the outbox's columns again, labelled as this screen speaks of pushes (推送, 送达)
    status = status_field(WebhookStatus)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    give_up_after = models.PositiveSmallIntegerField(_("最多尝试次数"))
    last_status_code = models.PositiveSmallIntegerField(_("最近响应状态码"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件推送记录")
        verbose_name_plural = _("事件推送记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="one_webhook_delivery_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_name} → #{self.subscription_id}: {self.get_status_display()}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: what came back, how long it took, or what failed. Never
    the secret, the signature or the body (that is on the delivery, once)."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("推送记录"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    started_at = models.DateTimeField(_("开始时间"))
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"))
    status_code = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    error = models.CharField(_("错误类型"), max_length=100, blank=True)
    response_excerpt = models.CharField(_("响应摘录"), max_length=500, blank=True)
    delivered = models.BooleanField(_("成功"), default=False)

    class Meta:
        verbose_name = _("推送尝试")
        verbose_name_plural = _("推送尝试")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"#{self.delivery_id} attempt {self.number}"
