"""Investor tokens: a mobile app, calling with its integrator key (scope investor_login), logs an
investor in with ID number + SMS code and acts for them with a short-lived bearer token."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.utils import timezone

from api.models import InvestorToken
from api.scopes import Scope
from clients.idnumber import check_char
from clients.models import LoginCode
from clients.selectors import privacy_policy_rendition
from sms.models import SmsMessage
from staff.models import IntegratorKey
from tests.api.conftest import auth, bearer
from tests.factories import ClientFactory, published_document

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

SMS_CODE = "/api/v1/auth/sms-code/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def policy():
    published_document(kind="privacy_policy", code="privacy-policy", title="隐私政策",
                       html="<p>本公司如何处理您的个人信息。</p>")  # fmt: skip
    return privacy_policy_rendition()


@pytest.fixture
def investor(db):
    return ClientFactory(mobile="13812345678")


def post(client, url, body, key):
    return client.post(url, json.dumps(body), content_type="application/json", **auth(key))


def ask_code(client, key, id_number):
    return post(client, SMS_CODE, {"id_number": id_number, "account_type": "individual"}, key)


def last_code() -> str:
    return re.search(r"\d{6}", SmsMessage.objects.order_by("-id").first().text).group()


def log_in(client, key, investor, policy, ticket, code=None):
    body = {
        "id_number": investor.id_number,
        "login_ticket": ticket,
        "sms_code": code or last_code(),
        "privacy_rendition_id": policy.pk,
        "consent": True,
    }
    return post(client, TOKEN, body, key)


def test_the_whole_login_gives_a_token_that_acts_for_the_investor(client, key, investor, policy):
    # given
    sent = ask_code(client, key, investor.id_number)
    assert sent.status_code == 200
    assert sent.json()["privacy_policy"]["rendition_id"] == policy.pk
    # when
    response = log_in(client, key, investor, policy, sent.json()["login_ticket"])
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["client_id"] == investor.pk
    record = InvestorToken.objects.get()
    assert record.client == investor
    assert body["token"] not in record.token_hash  # only the hash is stored
    assert record.expires_at <= timezone.now() + datetime.timedelta(minutes=31)
    # and the token authenticates as that investor on an endpoint open to investors
    assert client.get("/api/v1/test/exchanges/", **bearer(body["token"])).status_code == 200


def test_an_unknown_id_number_gets_the_same_answer_and_no_sms(client, key, policy):
    first17 = "44030519800229001"
    response = ask_code(client, key, first17 + check_char(first17))
    assert response.status_code == 200
    assert set(response.json()) == {"login_ticket", "resend_in", "expires_in", "privacy_policy"}
    assert not SmsMessage.objects.exists()


def test_the_code_belongs_to_the_ticket_that_asked_for_it(client, key, investor, policy):
    ask_code(client, key, investor.id_number)
    response = log_in(client, key, investor, policy, "someone-elses-ticket")
    assert response.status_code == 400
    assert response.json()["code"] == "sms_code_missing"
    assert not InvestorToken.objects.exists()


def test_a_wrong_code_says_how_many_tries_are_left(client, key, investor, policy):
    ticket = ask_code(client, key, investor.id_number).json()["login_ticket"]
    wrong = "000000" if last_code() != "000000" else "111111"
    response = log_in(client, key, investor, policy, ticket, code=wrong)
    assert response.status_code == 400
    assert response.json()["code"] == "sms_code_wrong"
    assert response.json()["details"] == {"tries_left": 4}


def test_asking_again_too_soon_is_refused_as_on_the_web(client, key, investor, policy):
    ask_code(client, key, investor.id_number)
    ask_code(client, key, investor.id_number)
    assert LoginCode.objects.count() == 2  # two tickets, two codes (each its own requester)
    # the hourly limit per client holds across tickets
    for _ in range(3):
        ask_code(client, key, investor.id_number)
    response = ask_code(client, key, investor.id_number)
    assert response.status_code == 400
    assert response.json()["code"] == "sends_throttled"


def test_consent_is_required(client, key, investor, policy):
    ticket = ask_code(client, key, investor.id_number).json()["login_ticket"]
    body = {"id_number": investor.id_number, "login_ticket": ticket, "sms_code": last_code(),
            "privacy_rendition_id": policy.pk, "consent": False}  # fmt: skip
    response = post(client, TOKEN, body, key)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"consent"}


def test_a_malformed_id_number_is_a_field_error(client, key, policy):
    response = ask_code(client, key, "123")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"id_number"}


def test_a_key_without_the_login_scope_is_refused_naming_it(client, make_key, investor):
    narrow = make_key(scopes={Scope.APPLICATIONS_READ})
    response = ask_code(client, narrow, investor.id_number)
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert response.json()["details"] == {"scope": "investor_login"}
    assert not SmsMessage.objects.exists()


@pytest.fixture
def token(client, key, investor, policy) -> str:
    ticket = ask_code(client, key, investor.id_number).json()["login_ticket"]
    return log_in(client, key, investor, policy, ticket).json()["token"]


def test_delete_revokes_the_token(client, token):
    assert client.delete(TOKEN, **bearer(token)).status_code == 204
    response = client.get("/api/v1/test/exchanges/", **bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_an_expired_token_is_refused(client, token):
    InvestorToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/test/exchanges/", **bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_revoking_the_issuing_key_revokes_its_tokens(client, token):
    IntegratorKey.objects.update(revoked=True)
    response = client.get("/api/v1/test/exchanges/", **bearer(token))
    assert response.status_code == 401


def test_a_token_cannot_reach_staff_scopes_or_log_in_others(client, token, investor):
    response = client.get("/api/v1/test/review/", **bearer(token))
    assert response.status_code == 403
    assert response.json()["details"] == {"scope": "review"}
    again = client.post(SMS_CODE, "{}", content_type="application/json", **bearer(token))
    assert again.status_code == 403


def test_a_made_up_token_is_refused(client, db):
    response = client.get("/api/v1/test/exchanges/", **bearer("inv_made-up"))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
