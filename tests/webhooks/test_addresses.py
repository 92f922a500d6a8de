"""Where webhooks may go (SSRF): https to public addresses, checked when subscribing and again,
after DNS resolution, before every attempt."""

from __future__ import annotations

import socket

import pytest

from common.exceptions import BusinessError
from webhooks.addresses import target_check
from webhooks.deliveries import webhook_attempt
from webhooks.models import WebhookDelivery


def resolving_to(monkeypatch, *addresses: str) -> None:
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/in", "webhook_url_scheme"),
        ("ftp://hooks.example.com/in", "webhook_url_scheme"),
        ("hooks.example.com/in", "webhook_url_scheme"),
        ("https:///in", "webhook_url_invalid"),
        ("https://user:pass@hooks.example.com/in", "webhook_url_credentials"),
        ("https://hooks.example.com:99999/in", "webhook_url_invalid"),
        ("https://127.0.0.1/in", "webhook_url_private"),
        ("https://10.1.2.3/in", "webhook_url_private"),
        ("https://192.168.0.10/in", "webhook_url_private"),
        ("https://169.254.169.254/latest/meta-data/", "webhook_url_private"),
        ("https://[::1]/in", "webhook_url_private"),
        ("https://[::ffff:127.0.0.1]/in", "webhook_url_private"),
        ("https://[fe80::1]/in", "webhook_url_private"),
        ("https://0.0.0.0/in", "webhook_url_private"),
        ("https://224.0.0.1/in", "webhook_url_private"),
    ],
)
def test_a_bad_or_internal_url_is_refused_with_its_reason(url, code):
    with pytest.raises(BusinessError) as refused:
        target_check(url)
    assert refused.value.code == code
    assert refused.value.extra == {"fields": {"url": [refused.value.message]}}


def test_a_name_that_resolves_to_an_internal_address_is_refused(monkeypatch):
    resolving_to(monkeypatch, "93.184.215.14", "10.0.0.5")
    with pytest.raises(BusinessError) as refused:
        target_check("https://hooks.example.com/in")
    assert refused.value.code == "webhook_url_private"


def test_a_name_that_does_not_resolve_is_refused(monkeypatch):
    def fails(*args, **kwargs):
        raise socket.gaierror("no such name")

    monkeypatch.setattr(socket, "getaddrinfo", fails)
    with pytest.raises(BusinessError) as refused:
        target_check("https://nowhere.invalid/in")
    assert refused.value.code == "webhook_url_unresolvable"


def test_a_public_https_url_is_taken_with_the_address_it_resolved_to(monkeypatch):
    resolving_to(monkeypatch, "93.184.215.14")
    target = target_check("https://hooks.example.com:8443/in?x=1")
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "hooks.example.com",
        8443,
        "/in?x=1",
        "93.184.215.14",
    )


def test_the_settings_allow_plain_http_and_private_addresses_for_development(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    assert target_check("http://127.0.0.1:8080/in").address == "127.0.0.1"


@pytest.mark.django_db
def test_a_name_that_turns_internal_after_subscribing_is_not_called(
    subscribe, receiver, application, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given a subscription to a name that resolved to a public address when it was made
    resolving_to(monkeypatch, "93.184.215.14")
    settings.WEBHOOKS_ALLOW_HTTP = True
    subscribe(events=["application.submitted"], url="http://hooks.example.com/in")
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    # when the name now resolves to this machine (DNS rebinding) and an event is sent
    resolving_to(monkeypatch, "127.0.0.1")
    from flows.events import event_record

    with django_capture_on_commit_callbacks(execute=True):
        event_record(name="application.submitted", application=application)
    # then nothing was called; the attempt is logged as refused, and retried later
    delivery = WebhookDelivery.objects.get()
    assert receiver.heard == []
    assert delivery.attempt_log.get().error == "refused:webhook_url_private"
    assert webhook_attempt(delivery_id=delivery.pk) == "skipped"
