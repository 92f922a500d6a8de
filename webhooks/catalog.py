"""The events integrators may subscribe to, and how each comes from the outbox (flows.events).

The public names are a contract with integrators: they stay stable while the outbox's own names
may change. One outbox event may be published under two names (a witness agent's return is both
`application.returned` and `witness.returned`); each name is a separate event with its own id."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# public name → (what it means, the outbox events it is published for)
WEBHOOK_EVENTS = {
    "application.created": (_("一笔业务开始办理"), ("application.started",)),
    "application.step_completed": (_("完成一个步骤"), ("step.completed",)),
    "application.returned": (
        _("业务被退回到某一步（见证退回或复核驳回）"),
        ("application.returned", "application.rejected"),
    ),
    "application.submitted": (_("业务提交复核"), ("application.submitted",)),
    "application.approved": (_("复核通过"), ("application.approved",)),
    "application.rejected": (_("复核驳回"), ("application.rejected",)),
    "witness.queued": (_("投资者进入视频见证排队"), ("application.queued",)),
    "witness.started": (_("坐席接通视频见证"), ("application.witness_started",)),
    "witness.released": (
        _("视频见证中断，投资者回到排队原位"),
        ("application.witness_released",),
    ),
    "witness.passed": (_("视频见证通过"), ("application.witness_passed",)),
    "witness.returned": (_("视频见证退回到某一步"), ("application.returned",)),
    "certificate.issued": (_("数字证书已签发"), ("certificate.issued",)),
    "document.signed": (_("协议已签署并加盖公司印章"), ("document.signed",)),
}

EVENT_CHOICES = [(name, f"{name}：{label}") for name, (label, _s) in WEBHOOK_EVENTS.items()]


def outbox_events() -> set[str]:
    """The outbox events the webhooks subscriber listens to."""
    return {source for _label, sources in WEBHOOK_EVENTS.values() for source in sources}


def public_names(outbox_name: str) -> list[str]:
    """The public events an outbox event is published as (in catalogue order)."""
    return [name for name, (_l, sources) in WEBHOOK_EVENTS.items() if outbox_name in sources]
