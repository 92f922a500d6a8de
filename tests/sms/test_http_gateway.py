"""The HTTP gateway against a local fake provider: signed requests with the template id and
parameters, refusals, HTTP errors and timeouts recorded on the message (never its text) and
retried a bounded number of times (scheduled on the row); the staff's log shows status, not
content."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from sms.backends import HttpGateway, rpc_signature
from sms.models import SmsMessage, SmsStatus
from sms.services import MAX_ATTEMPTS, sms_attempt, sms_send
from staff.roles import Role
from tests.factories import staff_user
from tests.sms.fake_provider import SECRET, FakeProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with FakeProvider() as fake:
        settings.SMS_BACKEND = "http"
        settings.SMS_HTTP = {
            "url": fake.url,
            "access_key_id": "key-id",
            "access_key_secret": SECRET,
            "sign_name": "示例期货",
            "templates": {"login_code": "SMS_100", "application_submitted": "SMS_101"},
            "timeout": 0.3,
        }
        yield fake


def message(purpose="login_code", text="验证码 123456", params=None) -> SmsMessage:
    return SmsMessage.objects.create(
        mobile="13800138001", text=text, purpose=purpose, params=params or {"code": "123456"}
    )


def test_the_signature_is_the_providers_hmac_sha1():
    # the worked example of Alibaba Cloud's RPC signature documentation (ECS DescribeRegions)
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert rpc_signature(params, "testsecret", method="GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def run_like_a_worker(message_id: int) -> list[str]:
    """Try the message, then each retry when its time comes (the clock moved on to it), until
    it is sent or given up; the outcomes. The attempts are counted where they matter: on the
    message, by the provider."""
    outcomes = [sms_attempt(message_id=message_id)]
    while outcomes[-1] == "retry":
        due = SmsMessage.objects.get(pk=message_id).next_attempt_at
        outcomes.append(sms_attempt(message_id=message_id, now=due))
    return outcomes


def test_a_signed_request_with_the_template_is_sent(provider):
    queued = message()
    assert sms_attempt(message_id=queued.pk) == "delivered"
    sent = SmsMessage.objects.get(pk=queued.pk)
    assert (sent.status, sent.attempts, sent.provider_id) == (SmsStatus.SENT, 1, "biz-1")
    assert sent.delivered_at is not None and sent.leased_until is None
    request = provider.received[0]
    assert request["TemplateCode"] == "SMS_100"
    assert request["PhoneNumbers"] == "13800138001"
    assert request["SignName"] == "示例期货"
    assert request["TemplateParam"] == '{"code": "123456"}'
    assert request["OutId"] == str(sent.pk)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("refuse", "SmsProviderError: isv.BUSINESS_LIMIT_CONTROL"),
        ("500", "SmsProviderError: ServiceUnavailable"),
        ("slow", "ReadTimeout"),
    ],
)
def test_a_failure_is_recorded_without_the_text_and_retried(provider, answer, error):
    provider.answers = [answer]
    queued = message()
    assert sms_attempt(message_id=queued.pk) == "retry"
    failed = SmsMessage.objects.get(pk=queued.pk)
    assert (failed.status, failed.last_error, failed.attempts) == (SmsStatus.QUEUED, error, 1)
    assert "123456" not in failed.last_error and "13800138001" not in failed.last_error
    assert failed.next_attempt_at > failed.created_at


def test_a_purpose_without_template_is_a_visible_refusal(provider):
    queued = message(purpose="unknown")
    assert sms_attempt(message_id=queued.pk) == "retry"
    assert (
        SmsMessage.objects.get(pk=queued.pk).last_error
        == "SmsProviderError: no_template_for:unknown"
    )
    assert provider.received == []


def test_the_message_is_retried_until_the_provider_answers(provider):
    # given a provider that times out, then refuses, then accepts
    provider.answers = ["slow", "refuse", "ok"]
    queued = message()
    # when it is tried, and tried again when each retry is due
    outcomes = run_like_a_worker(queued.pk)
    # then the message went out on the third attempt
    assert outcomes == ["retry", "retry", "delivered"]
    sent = SmsMessage.objects.get(pk=queued.pk)
    assert (sent.status, sent.attempts, sent.last_error) == (SmsStatus.SENT, 3, "")


def test_a_retry_waits_for_its_backoff(provider):
    provider.answers = ["refuse"]
    queued = message()
    assert sms_attempt(message_id=queued.pk) == "retry"
    waiting = SmsMessage.objects.get(pk=queued.pk)
    # a hand-over that comes early (the sweep, a task delivered twice) does nothing
    early = waiting.next_attempt_at - datetime.timedelta(seconds=1)
    assert sms_attempt(message_id=queued.pk, now=early) == "skipped"
    assert sms_attempt(message_id=queued.pk, now=waiting.next_attempt_at) == "delivered"
    assert len(provider.received) == 2


def test_the_retries_are_bounded_and_the_failure_stays_visible(provider, client):
    provider.answers = ["refuse"] * 20
    queued = message()
    assert run_like_a_worker(queued.pk)[-1] == "failed"
    failed = SmsMessage.objects.get(pk=queued.pk)
    assert failed.status == SmsStatus.FAILED
    assert failed.attempts == MAX_ATTEMPTS
    assert len(provider.received) == MAX_ATTEMPTS
    # and nothing hands it over again
    later = failed.next_attempt_at + datetime.timedelta(hours=1)
    assert sms_attempt(message_id=queued.pk, now=later) == "skipped"
    # and an administrator sees it, with the masked number and no text
    client.force_login(staff_user("admin-sms", Role.ADMINISTRATOR))
    listing = client.get("/cms/snippets/sms/smsmessage/?status=failed").content.decode()
    assert "138****8001" in listing and "isv.BUSINESS_LIMIT_CONTROL" in listing
    assert "123456" not in listing and "13800138001" not in listing
    inspect = client.get(f"/cms/snippets/sms/smsmessage/inspect/{failed.pk}/").content.decode()
    assert "123456" not in inspect and "13800138001" not in inspect


def test_only_administrators_read_the_log(client):
    client.force_login(staff_user("reviewer-sms", Role.REVIEWER))
    assert client.get("/cms/snippets/sms/smsmessage/").status_code in (302, 403)


def test_the_same_key_records_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = sms_send(mobile="13800138001", text="a", purpose="p", key="event:1")
        second = sms_send(mobile="13800138001", text="a", purpose="p", key="event:1")
    assert first.pk == second.pk and SmsMessage.objects.count() == 1


def test_the_http_gateway_names_what_is_missing(settings):
    settings.SMS_HTTP = {
        "url": "",
        "access_key_id": "",
        "access_key_secret": "",
        "sign_name": "",
        "templates": {},
        "timeout": 1,
    }
    with pytest.raises(ImproperlyConfigured) as missing:
        HttpGateway()
    assert "SMS_HTTP_URL" in str(missing.value) and "SMS_HTTP_ACCESS_KEY_SECRET" in str(
        missing.value
    )
