import pytest
from django.test import override_settings

from sms.models import SmsMessage, SmsStatus
from sms.services import sms_send

pytestmark = pytest.mark.django_db


def test_a_message_is_delivered_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = sms_send(mobile="13800138001", text="验证码 123456", purpose="login_code")
    assert SmsMessage.objects.get().status == SmsStatus.QUEUED
    for callback in callbacks:  # the commit: Celery runs the task inline in tests
        callback()
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.attempts == 1


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    from sms.services import sms_attempt

    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(mobile="13800138001", text="x", purpose="test")
    assert sms_attempt(message_id=message.pk) == "skipped"
    assert SmsMessage.objects.get(pk=message.pk).attempts == 1


def test_a_failing_gateway_leaves_the_message_waiting_with_the_reason(settings):
    from sms.services import sms_attempt

    settings.SMS_BACKEND = "tests.sms.test_sms.BrokenGateway"
    message = SmsMessage.objects.create(mobile="13800138001", text="x", purpose="test")
    assert sms_attempt(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert (message.status, message.last_error) == (SmsStatus.QUEUED, "ConnectionError")
    assert message.leased_until is None


class BrokenGateway:
    def deliver(self, message):
        raise ConnectionError


@override_settings(DEMO_TOOLS=True)
def test_the_outbox_shows_messages_in_the_demo(client):
    SmsMessage.objects.create(mobile="13800138001", text="验证码 654321", purpose="login_code")
    assert "验证码 654321" in client.get("/dev/sms/").content.decode()


@override_settings(DEBUG=True, DEMO_TOOLS=False)
def test_the_outbox_is_hidden_outside_the_demo_even_with_debug_on(client):
    SmsMessage.objects.create(mobile="13800138001", text="验证码 654321", purpose="login_code")
    response = client.get("/dev/sms/")
    assert response.status_code == 404
    assert "654321" not in response.content.decode()
