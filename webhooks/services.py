"""Subscriptions: made, changed, switched off, their secret rotated; a failed delivery replayed.
Administrators (Wagtail admin) and integrators (their own, through the API) use the same
services. The secret is returned once, by `subscription_create` and `secret_rotate`, and kept
encrypted; it is never logged or put on the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common import outbox
from common.exceptions import BusinessError
from common.locking import lock
from staff.roles import Role
from staff.selectors import user_has_role

from .addresses import target_check
from .catalog import WEBHOOK_EVENTS
from .deliveries import deliveries_hand_over
from .models import WebhookDelivery, WebhookStatus, WebhookSubscription
from .signature import secret_generate


@dataclass(frozen=True)
class WithSecret:
    """A subscription and its secret, in clear this once."""

    subscription: WebhookSubscription
    secret: str


def events_clean(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = [name for name in chosen if name not in WEBHOOK_EVENTS]
    if unknown:
        raise BusinessError(
            _("不支持的事件：%(names)s。") % {"names": "、".join(unknown)},
            code="webhook_event_unknown",
            extra={"fields": {"events": [_("不支持的事件。")]}, "unknown": unknown},
        )
    if not chosen:
        message = _("请至少选择一个事件。")
        raise BusinessError(
            message, code="webhook_events_empty", extra={"fields": {"events": [message]}}
        )
    return [name for name in WEBHOOK_EVENTS if name in chosen]  # catalogue order


def _owner_check(owner: Any) -> None:
    if not user_has_role(owner, Role.INTEGRATOR):
        message = _("订阅的所属账号必须具有“接口对接”角色。")
        raise BusinessError(
            message, code="webhook_owner_not_integrator", extra={"fields": {"owner": [message]}}
        )


def subscription_create(
    *, owner: Any, url: str, events: Iterable[str], description: str = "", actor: Any
) -> WithSecret:
    _owner_check(owner)
    target_check(url)
    chosen = events_clean(events)
    secret = secret_generate()
    subscription = WebhookSubscription.objects.create(
        owner=owner, url=url.strip(), events=chosen, description=description, secret=secret
    )
    _audit("webhook.subscription_create", actor, subscription)
    return WithSecret(subscription, secret)


def subscription_update(
    *,
    subscription: WebhookSubscription,
    actor: Any,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookSubscription:
    if url is not None:
        target_check(url)
        subscription.url = url.strip()
    if events is not None:
        subscription.events = events_clean(events)
    if description is not None:
        subscription.description = description
    if active is not None:
        subscription.active = active
    subscription.save()
    _audit("webhook.subscription_update", actor, subscription)
    return subscription


def subscription_deactivate(*, subscription: WebhookSubscription, actor: Any) -> None:
    """Switched off, not deleted: its deliveries and their attempts stay on record. Pending
    deliveries are not sent any more."""
    subscription.active = False
    subscription.save(update_fields=["active", "updated_at"])
    _audit("webhook.subscription_deactivate", actor, subscription)


def secret_rotate(*, subscription: WebhookSubscription, actor: Any) -> WithSecret:
    """A new secret at once: the next attempt of every delivery is signed with it."""
    secret = secret_generate()
    subscription.secret = secret
    subscription.secret_rotated_at = timezone.now()
    subscription.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
    _audit("webhook.secret_rotate", actor, subscription)
    return WithSecret(subscription, secret)


def delivery_replay(*, delivery_id: int, actor: Any) -> WebhookDelivery:
    """An administrator sends a failed delivery again (the same body and event id; the receiver
    deduplicates): one more attempt now, retried as a new one would be if it fails."""
    with transaction.atomic():
        delivery = lock(WebhookDelivery, pk=delivery_id)
        if delivery.status != WebhookStatus.FAILED:
            raise BusinessError(_("只能重新推送失败的记录。"), code="webhook_not_failed")
        if not delivery.subscription.active:
            raise BusinessError(
                _("该订阅已停用，请先启用再重新推送。"), code="webhook_subscription_inactive"
            )
        delivery.give_up_after = delivery.attempts + 1  # its attempts keep their numbers
        outbox.reopen(delivery, hand_over=deliveries_hand_over)
        audit_record(
            action="webhook.replay",
            actor=actor,
            target=delivery.subscription,
            data={"delivery": delivery.pk, "event_id": str(delivery.event_id)},
        )
    return delivery


def _audit(action: str, actor: Any, subscription: WebhookSubscription) -> None:
    audit_record(
        action=action,
        actor=actor,
        target=subscription,
        data={
            "url": subscription.url,
            "events": list(subscription.events),
            "active": subscription.active,
        },
    )
