"""The investor's SMS on submission (with the acceptance number) and on approval: sent through
the outbox's subscriber after commit, never inline; once per event; a provider that fails
holds nothing up, the message is retried and its failure visible."""

from __future__ import annotations

import pytest

from flows.events import delivery_attempt
from flows.models import Application, ApplicationState, EventDelivery
from flows.services.review import review_approve, review_claim
from sms.models import SmsMessage, SmsStatus
from tests.factories import published_document
from tests.flows.test_review import CODES, journey
from tests.sms.fake_provider import SECRET, FakeProvider

pytestmark = pytest.mark.django_db


def test_submission_and_approval_each_send_one_sms(
    people, questionnaire, django_capture_on_commit_callbacks
):
    # given an investor who answers the revisit (the events delivered after commit)
    with django_capture_on_commit_callbacks(execute=True):
        application = journey(people, questionnaire)
    # then one SMS with the acceptance number
    submitted = SmsMessage.objects.get(purpose="application_submitted")
    assert application.acceptance_number in submitted.text
    assert submitted.mobile == application.client.mobile
    assert submitted.status == SmsStatus.SENT
    assert submitted.params["acceptance_number"] == application.acceptance_number
    # when the delivery is handed over again (at least once): still one message
    delivery = EventDelivery.objects.get(
        subscriber="investor_sms", event__name="application.submitted"
    )
    EventDelivery.objects.filter(pk=delivery.pk).update(status="pending", attempts=0)
    delivery_attempt(delivery_id=delivery.pk)
    assert SmsMessage.objects.filter(purpose="application_submitted").count() == 1
    # and on approval, one more, naming the exchanges
    with django_capture_on_commit_callbacks(execute=True):
        review_claim(application=application, actor=people["reviewer"])
        review_approve(application=application, actor=people["reviewer"], codes=CODES)
    approved = SmsMessage.objects.get(purpose="application_approved")
    assert application.acceptance_number in approved.text
    assert "SHFE" in approved.text and "DCE" in approved.text


def test_the_text_comes_from_the_cms_template(
    people, questionnaire, django_capture_on_commit_callbacks
):
    document = published_document("sms_template", code="sms-submitted")
    document.sms_text = "【{company}】已受理 {acceptance_number}"
    document.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        application = journey(people, questionnaire)
    text = SmsMessage.objects.get(purpose="application_submitted").text
    assert text.endswith(f"已受理 {application.acceptance_number}")


def test_a_failing_provider_holds_nothing_up(
    people, questionnaire, settings, django_capture_on_commit_callbacks
):
    with FakeProvider() as provider:
        provider.answers = ["500"] * 20
        settings.SMS_BACKEND = "http"
        settings.SMS_HTTP = {
            "url": provider.url,
            "access_key_id": "key-id",
            "access_key_secret": SECRET,
            "sign_name": "示例期货",
            "templates": {"application_submitted": "SMS_101"},
            "timeout": 0.5,
        }
        with django_capture_on_commit_callbacks(execute=True):
            application = journey(people, questionnaire)
    # the business went on; the event was delivered to the SMS subscriber
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED
    delivery = EventDelivery.objects.get(
        subscriber="investor_sms", event__name="application.submitted"
    )
    assert delivery.status == "delivered"
    # the message waits for its retry, with the provider's code for staff to see
    message = SmsMessage.objects.get(purpose="application_submitted")
    assert message.status == SmsStatus.QUEUED
    assert message.last_error == "SmsProviderError: ServiceUnavailable"
    assert message.attempts == 1 and message.next_attempt_at > message.created_at


def test_a_rejection_sends_one_sms(people, questionnaire, django_capture_on_commit_callbacks):
    from flows.services.review import review_reject

    application = journey(people, questionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        review_claim(application=application, actor=people["reviewer"])
        review_reject(
            application=application, actor=people["reviewer"], step="exchanges", reason="请核对"
        )
    rejected = SmsMessage.objects.get(purpose="application_rejected")
    assert application.acceptance_number in rejected.text
    assert "请核对" not in rejected.text  # the reason is read in my business, after login
