"""What a webhook says: ids, the acceptance number, states, step names and times, from an
allow-list; never the investor's name, ID number or mobile, nor a reviewer's free text. One outbox
event may be two public events, each with its own id; fanned out twice, it is sent once."""

from __future__ import annotations

import json

import pytest

from flows.events import EventMessage, event_record
from flows.models import OutboxEvent
from webhooks.catalog import WEBHOOK_EVENTS
from webhooks.deliveries import webhooks_fan_out
from webhooks.models import WebhookDelivery

from .conftest import PERSON

pytestmark = pytest.mark.django_db


def message_of(event: OutboxEvent) -> EventMessage:
    from flows.events import _message

    return _message(event)


def test_no_payload_carries_personal_data_or_free_text(subscribe, application):
    # given a subscription to every event, and events whose outbox payload carries more than
    # ids (a reviewer's reason naming the investor; anything a later change might add)
    subscribe(events=list(WEBHOOK_EVENTS))
    extra = {
        "reason": f"{PERSON['name']}的身份证{PERSON['id_number']}模糊",
        "mobile": PERSON["mobile"],
        "photo": "data:image/jpeg;base64,/9j/4AAQ",
    }
    names = {
        "application.started": {"state": "in_progress"},
        "step.completed": {"step": "photos", "version": 1, "reopened": []},
        "application.returned": {"from": "witnessing", "to": "returned", "step": "photos"},
        "application.rejected": {"from": "submitted", "to": "returned", "step": "exchanges"},
        "application.submitted": {"from": "in_progress", "to": "submitted"},
        "application.approved": {"from": "submitted", "to": "approved", "exchanges": ["SHFE"]},
        "application.queued": {"from": "in_progress", "to": "queued", "step": "witness"},
        "application.witness_started": {"from": "queued", "to": "witnessing"},
        "application.witness_released": {"from": "witnessing", "to": "queued"},
        "application.witness_passed": {"from": "witnessing", "to": "in_progress"},
        "certificate.issued": {"serial": "1a2b", "not_after": "2028-01-01T00:00:00+00:00"},
        "document.signed": {"document_id": 3, "document_code": "contract", "signed_sha256": "ab"},
    }
    # when each is recorded and fanned out
    for name, payload in names.items():
        webhooks_fan_out(
            message_of(
                event_record(name=name, application=application, payload={**payload, **extra})
            )
        )
    # then every public event has a delivery, and none says anything personal
    deliveries = list(WebhookDelivery.objects.all())
    assert {d.event_name for d in deliveries} == set(WEBHOOK_EVENTS)
    client = application.client
    for delivery in deliveries:
        for value in (*PERSON.values(), client.name, client.id_number, client.mobile):
            assert value not in delivery.body, (delivery.event_name, value)
        for word in ('"reason"', '"mobile"', '"photo"', "/9j/", "模糊"):
            assert word not in delivery.body
        body = json.loads(delivery.body)
        assert set(body) == {"id", "event", "occurred_at", "application", "data"}
        assert body["application"]["acceptance_number"] == application.acceptance_number


def test_a_payload_carries_ids_states_and_step_names(subscribe, application):
    subscribe(events=["application.returned"])
    event = event_record(
        name="application.rejected",
        application=application,
        payload={"from": "submitted", "to": "returned", "step": "exchanges", "branch_id": 7},
    )
    webhooks_fan_out(message_of(event))
    body = json.loads(WebhookDelivery.objects.get().body)
    assert body["event"] == "application.returned"
    assert body["application"] == {
        "id": application.pk,
        "acceptance_number": application.acceptance_number,
        "business_type": application.business_type,
        "state": "returned",
        "returned_step": None,
    }
    assert body["data"] == {"from_state": "submitted", "state": "returned", "step": "exchanges"}
    assert body["occurred_at"].startswith(event.occurred_at.isoformat()[:19])


def test_a_witness_return_is_two_public_events_each_with_its_own_id(subscribe, application):
    subscribe(events=["application.returned", "witness.returned"])
    event = event_record(name="application.returned", application=application, payload={})
    webhooks_fan_out(message_of(event))
    deliveries = WebhookDelivery.objects.order_by("event_name")
    assert [d.event_name for d in deliveries] == ["application.returned", "witness.returned"]
    assert len({d.event_id for d in deliveries}) == 2


def test_an_event_fanned_out_twice_is_delivered_once(subscribe, application):
    subscribe(events=["application.submitted"])
    event = event_record(name="application.submitted", application=application)
    webhooks_fan_out(message_of(event))
    webhooks_fan_out(message_of(event))  # the outbox delivers at least once
    assert WebhookDelivery.objects.count() == 1


def test_only_active_subscriptions_that_want_the_event_get_it(subscribe, application):
    wanting = subscribe(events=["application.submitted"])
    subscribe(events=["application.approved"])
    switched_off = subscribe(events=["application.submitted"])
    switched_off.active = False
    switched_off.save()
    webhooks_fan_out(
        message_of(event_record(name="application.submitted", application=application))
    )
    assert list(WebhookDelivery.objects.values_list("subscription", flat=True)) == [wanting.pk]
