"""The HTTP gateway against a local fake provider: signed requests with the template id and
parameters, refusals, HTTP errors and timeouts recorded on the message (never its text) and
retried a bounded number of times by the task; the staff's log shows status, not content."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from sms.backends import HttpGateway, rpc_signature
from sms.models import SmsMessage, SmsStatus
from sms.services import sms_deliver_now, sms_send
from sms.tasks import MAX_RETRIES, sms_deliver
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


def run_like_a_worker(message_id: int, monkeypatch) -> None:
    """Run the task as a worker would: inline, Celery runs each retry at once (their delays
    skipped). The attempts are counted where they matter: on the message, by the provider."""
    monkeypatch.setitem(sms_deliver.app.conf, "task_eager_propagates", False)
    assert sms_deliver.apply(args=[message_id]).state == "SUCCESS"


def test_a_signed_request_with_the_template_is_sent(provider):
    sent = sms_deliver_now(message_id=message().pk)
    assert (sent.status, sent.attempts, sent.provider_id) == (SmsStatus.SENT, 1, "biz-1")
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
def test_a_failure_is_recorded_without_the_text_and_raised(provider, answer, error):
    provider.answers = [answer]
    queued = message()
    with pytest.raises(Exception):  # noqa: B017 (each kind of failure raises its own)
        sms_deliver_now(message_id=queued.pk)
    failed = SmsMessage.objects.get(pk=queued.pk)
    assert (failed.status, failed.error, failed.attempts) == (SmsStatus.FAILED, error, 1)
    assert "123456" not in failed.error


def test_a_purpose_without_template_is_a_visible_refusal(provider):
    queued = message(purpose="unknown")
    with pytest.raises(Exception):  # noqa: B017
        sms_deliver_now(message_id=queued.pk)
    assert SmsMessage.objects.get(pk=queued.pk).error == "SmsProviderError: no_template_for:unknown"
    assert provider.received == []


def test_the_task_retries_until_the_provider_answers(provider, monkeypatch):
    # given a provider that times out, then refuses, then accepts
    provider.answers = ["slow", "refuse", "ok"]
    queued = message()
    # when the task runs, and is retried
    run_like_a_worker(queued.pk, monkeypatch)
    # then the message went out on the third attempt
    sent = SmsMessage.objects.get(pk=queued.pk)
    assert (sent.status, sent.attempts, sent.error) == (SmsStatus.SENT, 3, "")


def test_the_retries_are_bounded_and_the_failure_stays_visible(provider, client, monkeypatch):
    provider.answers = ["refuse"] * 20
    queued = message()
    run_like_a_worker(queued.pk, monkeypatch)
    failed = SmsMessage.objects.get(pk=queued.pk)
    assert failed.status == SmsStatus.FAILED
    assert failed.attempts == MAX_RETRIES + 1
    assert len(provider.received) == MAX_RETRIES + 1
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
