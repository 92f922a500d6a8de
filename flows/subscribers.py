"""flows' own subscribers to its events: the staff consoles hear of changes live, and the
investor gets an SMS on submission and on the review's decision.

A witness agent's console hears of its branch's queue moving; a reviewer's console of
applications coming to review and leaving it. Delivered after commit through the outbox
(flows.events), over Channels (staff.services.staff_notify); harmless if heard twice."""

from __future__ import annotations

from content.selectors import documents_live
from sms.services import sms_send
from staff.roles import Role
from staff.services import staff_notify

from .events import EventMessage, subscriber_register
from .models import Application

WITNESS_QUEUE_EVENTS = (
    "application.queued",
    "application.left_queue",
    "application.witness_started",
    "application.witness_released",
    "application.witness_passed",
    "application.returned",
    "application.abandoned",
)
REVIEW_EVENTS = ("application.submitted", "application.approved", "application.rejected")


def _console_event(message: EventMessage) -> dict:
    return {
        "type": message.name,
        "event_id": message.id,
        "application": message.acceptance_number,
        "state": message.payload.get("to"),
    }


def push_to_witness_agents(message: EventMessage) -> None:
    branch_id = message.payload.get("branch_id")
    if branch_id is not None:
        staff_notify(role=Role.WITNESS_AGENT, branch_id=branch_id, event=_console_event(message))


def push_to_reviewers(message: EventMessage) -> None:
    staff_notify(role=Role.REVIEWER, event=_console_event(message))


def register() -> None:
    subscriber_register("witness_console", push_to_witness_agents, events=WITNESS_QUEUE_EVENTS)
    subscriber_register("review_console", push_to_reviewers, events=REVIEW_EVENTS)
    subscriber_register("investor_sms", sms_to_investor, events=tuple(SMS_TEMPLATES))


# --- SMS to the investor ------------------------------------------------------------------------
# Texts from the CMS (文档与协议, kind "SMS template", by code), or these while none is published.
# Placeholders: {company}, {acceptance_number}, {exchanges} (on approval). The demo's
# templates (fixtures/content_data.py) use these codes.
SMS_TEMPLATES = {
    "application.submitted": (
        "application_submitted",
        "sms-submitted",
        "【{company}】您的增开交易编码业务已提交复核，受理单号{acceptance_number}。",
    ),
    "application.approved": (
        "application_approved",
        "sms-approved",
        "【{company}】您的增开交易编码业务（受理单号{acceptance_number}）已办结，"
        "已开通{exchanges}，交易编码请登录查看。",
    ),
    "application.rejected": (
        "application_rejected",
        "sms-rejected",
        "【{company}】您的增开交易编码业务（受理单号{acceptance_number}）复核未通过，"
        "请登录查看原因并修改后重新提交。",
    ),
}


def company_name() -> str:
    from wagtail.models import Site

    from themes.models import Theme

    site = Site.objects.filter(is_default_site=True).first()
    return Theme.for_site(site).company_name if site is not None else ""


def sms_template_text(code: str, default: str) -> str:
    """The CMS's SMS template of that code (published), or the default while there is none."""
    document = documents_live(kind="sms_template").filter(code=code).first()
    if document is not None and document.sms_text.strip():
        return document.sms_text
    return default


def sms_to_investor(message: EventMessage) -> None:
    """The investor hears of the submission (with its acceptance number) and of the decision.
    Idempotent by event id: the message is recorded once, delivered by the SMS task (retried
    there; a provider's failure never holds the business)."""
    purpose, code, default = SMS_TEMPLATES[message.name]
    application = (
        Application.objects.select_related("client").filter(pk=message.application_id).first()
    )
    if application is None:
        return
    params = {
        "company": company_name(),
        "acceptance_number": application.acceptance_number,
        "exchanges": "、".join(message.payload.get("exchanges", [])),
    }
    text = sms_template_text(code, default)
    for name, value in params.items():
        text = text.replace("{" + name + "}", value)
    sms_send(
        mobile=application.client.mobile,
        text=text,
        purpose=purpose,
        params=params,
        key=f"event:{message.id}",
    )
