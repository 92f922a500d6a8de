"""The transactional outbox (flows.events): what happened, recorded in the same transaction as
the change, and one delivery per subscriber, handed over after commit, at least once."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.outbox import Delivery, DeliveryStatus

__all__ = ["DeliveryStatus", "EventDelivery", "OutboxEvent"]


class OutboxEvent(models.Model):
    """One thing that happened to an application. The payload carries ids, states and codes,
    never personal data in clear: subscribers load what they need by id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("事件"), max_length=60, db_index=True)
    application = models.ForeignKey(
        "flows.Application",
        verbose_name=_("业务申请"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=100, blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("业务事件")
        verbose_name_plural = _("业务事件")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.id}"


class EventDelivery(Delivery):
    """An event handed to one subscriber (common.outbox: claimed with a lease, so that two
    workers never deliver it at once and a worker that died mid-delivery only delays it)."""

    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.CharField(_("订阅方"), max_length=60)

    class Meta:
        verbose_name = _("事件投递")
        verbose_name_plural = _("事件投递")
        ordering = ["next_attempt_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="one_delivery_each")
        ]

    def __str__(self) -> str:
        return f"{self.event.name} → {self.subscriber}: {self.get_status_display()}"
