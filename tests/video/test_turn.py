"""Time-limited TURN credentials (the TURN REST API convention coturn implements with
use-auth-secret): username "<expiry>:<who>", password base64(HMAC-SHA1(secret, username)),
handed out only when a relay is configured."""

from __future__ import annotations

import datetime

import pytest

from video.turn import ice_servers, turn_credential, turn_server

NOW = datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.UTC)  # 1767225600


@pytest.fixture
def relay(settings):
    settings.WITNESS_ICE_SERVERS = [{"urls": "stun:stun.example.test:3478"}]
    settings.WITNESS_TURN_URLS = ["turn:turn.example.test:3478?transport=udp"]
    settings.WITNESS_TURN_SECRET = "north-relay-secret"
    settings.WITNESS_TURN_TTL_SECONDS = 3600
    return settings


def test_the_credential_is_the_base64_hmac_sha1_of_the_username():
    # computed apart from this code: printf '%s' "1767225600:witness-42-agent" |
    #   openssl dgst -sha1 -hmac "north-relay-secret" -binary | base64
    assert (
        turn_credential(secret="north-relay-secret", username="1767225600:witness-42-agent")
        == "mPQoBqCWbxrMBh2rXs8obnqzA9A="
    )


def test_the_username_carries_the_expiry_and_who_it_is_for(relay):
    server = turn_server(subject="witness-42-agent", now=NOW)
    assert server == {
        "urls": ["turn:turn.example.test:3478?transport=udp"],
        "username": "1767229200:witness-42-agent",  # NOW + 3600 s
        "credential": turn_credential(
            secret="north-relay-secret", username="1767229200:witness-42-agent"
        ),
    }


def test_the_expiry_follows_the_configured_lifetime(relay):
    relay.WITNESS_TURN_TTL_SECONDS = 600
    expiry = int(turn_server(subject="x", now=NOW)["username"].split(":")[0])
    assert expiry - int(NOW.timestamp()) == 600


def test_each_end_gets_the_static_servers_and_its_own_relay_credentials(relay):
    agent = ice_servers(subject="witness-7-agent", now=NOW)
    investor = ice_servers(subject="witness-7-investor", now=NOW)
    assert agent[0] == investor[0] == {"urls": "stun:stun.example.test:3478"}
    assert agent[1]["username"].endswith(":witness-7-agent")
    assert investor[1]["username"].endswith(":witness-7-investor")
    assert agent[1]["credential"] != investor[1]["credential"]


@pytest.mark.parametrize(
    ("urls", "secret"), [([], ""), (["turn:turn.example.test:3478"], ""), ([], "secret")]
)
def test_nothing_is_handed_out_without_a_relay_and_its_secret(settings, urls, secret):
    settings.WITNESS_ICE_SERVERS = []
    settings.WITNESS_TURN_URLS, settings.WITNESS_TURN_SECRET = urls, secret
    assert turn_server(subject="witness-1-agent") is None
    assert ice_servers(subject="witness-1-agent") == []
