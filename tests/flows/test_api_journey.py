"""A whole business through the API alone (HTTP only, nothing called in Python but the device's
key), for a demo client: photos, basic information, exchanges, agreements, the witness queue and
the company's witness agent taking, ticking and passing the investor with a key of their own
(scope `witness`), the certificate and the two-step signing (the investor's key in Python, as
tests/signing does), the revisit that submits, and the reviewer's approval with a key of their
own."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clients.models import Client, ClientExchange
from content.models import Exchange
from signing.demo import signature_photo_demo
from signing.stand_in import StandInKey
from signing.verification import pdf_verify
from staff.roles import Role
from tests.factories import staff_user
from tests.photos.photos_helpers import card_photo

from .api_client import AGENT_SCOPES, REVIEWER_SCOPES, Api, b64

pytestmark = pytest.mark.django_db

CLIENT_NO = "80010010"  # 郑强, C4, SHFE and DCE already opened (fixtures/data.py)
BASIC_INFO = {
    "stage": "form",
    "tax_residency": "china_only",
    "pep_relation": "none",
    "investment_horizon": "1y_to_5y",
    "expected_return": "growth",
    "controller": "none",
    "beneficial_owner": "self",
    "products": ["futures_options"],
    "bad_credit": ["none"],
    "contact_address": "北京市西城区金融大街 1 号",
    "postal_code": "100033",
}


def jpeg(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.jpg", data, content_type="image/jpeg")


def answer(question: dict) -> object:
    if question["kind"] == "multiple":
        return [0]
    if question["kind"] == "single":
        return 0
    if question["kind"] == "yes_no":
        return "yes"
    return "无"


def agent_passes(agent: Api, acceptance_number: str) -> None:
    """The company's side: the agent's key takes the next investor of the branch, ticks every
    check (no evidence, as the console's 无证据) and passes them."""
    queue = agent.get("witness/agent/queue/").json()
    assert [e["application"] for e in queue["entries"]] == [acceptance_number]
    taken = agent.post("witness/agent/take-next/")
    assert taken.status_code == 201, taken.json()
    session = taken.json()
    assert session["application"]["acceptance_number"] == acceptance_number
    for item in session["checklist"]:
        ticked = agent.post(f"witness/sessions/{session['id']}/ticks/", {"item": item["code"]})
        assert ticked.status_code == 200, ticked.json()
    assert ticked.json()["missing_required"] == []
    passed = agent.post(f"witness/sessions/{session['id']}/pass/", {"remarks": "已核实"})
    assert passed.status_code == 200, passed.json()
    assert passed.json()["session"]["outcome"] == "passed"


@pytest.fixture
def world(demo):
    from content.models import Branch

    branch = Branch.objects.get(code="0001")
    return {
        "api": Api(staff_user("mobile_app", Role.INTEGRATOR)),
        "review": Api(
            staff_user("review_bot", Role.REVIEWER), name="review", scopes=REVIEWER_SCOPES
        ),
        "agent": Api(
            staff_user("agent_api", Role.WITNESS_AGENT, branch), name="agent", scopes=AGENT_SCOPES
        ),
    }


def test_a_whole_business_through_the_api(world):
    api, review = world["api"], world["review"]

    # the integrator starts the business for the client
    started = api.post("applications/", {"client_no": CLIENT_NO})
    assert started.status_code == 201, started.json()
    number = started.json()["acceptance_number"]
    app = f"applications/{number}/"
    assert started.json()["current_step"] == "photos"

    # 1. photos: uploaded, judged, confirmed; then the security letter agreed
    shown = api.upload(
        f"{app}steps/photos/",
        {
            "front": jpeg("front", card_photo("front")[0]),
            "back": jpeg("back", card_photo("back")[0]),
            "signature": jpeg("signature", signature_photo_demo("郑强")),
        },
    )
    assert shown.status_code == 200, shown.json()
    assert shown.json()["done"] is False and "请确认" in shown.json()["message"]
    assert all(shown.json()["step"]["state"]["photos"].values())
    done = api.upload(f"{app}steps/photos/", {"letter_agreed": "true"})
    assert done.json()["done"] is True
    assert done.json()["application"]["current_step"] == "basic_info"

    # 2. basic information
    assert api.get(f"{app}steps/basic_info/").json()["state"]["stage"] == "form"
    done = api.post(f"{app}steps/basic_info/", BASIC_INFO)
    assert done.status_code == 200, done.json()
    assert done.json()["done"] is True

    # 3. exchanges: one not yet opened
    state = api.get(f"{app}steps/exchanges/").json()["state"]
    opened = {e["code"] for e in state["exchanges"] if e["trading_code"]}
    assert opened == {"SHFE", "DCE"}
    assert api.post(f"{app}steps/exchanges/", {"exchanges": ["CZCE"]}).json()["done"] is True

    # 4. agreements, each opened and read to its end
    agreements = api.get(f"{app}steps/agreements/").json()["state"]["agreements"]
    assert agreements
    for agreement in agreements:
        api.post(f"{app}steps/agreements/opened/", {"document": agreement["document"]})
        read = api.post(f"{app}steps/agreements/end/", {"document": agreement["document"]})
        assert read.json()["data"]["read"] is True
        pinned = api.get(f"{app}documents/{agreement['document']}/").json()
        assert pinned["rendition"] == agreement["rendition"] and pinned["html"]
    assert api.post(f"{app}steps/agreements/").json()["done"] is True

    # 5. the witness: queued, first in the branch; the agent passes
    queued = api.post(f"{app}witness/queue/")
    assert queued.status_code == 200, queued.json()
    assert queued.json()["position"] == 1
    assert queued.json()["application"]["state"] == "queued_for_witness"
    agent_passes(world["agent"], number)
    assert api.get(app).json()["current_step"] == "certificate"

    # 6. the certificate: a key made on the "device", its proof signed there
    key = StandInKey()
    challenge = api.post(f"{app}steps/certificate/challenge/").json()["data"]
    issued = api.post(
        f"{app}steps/certificate/issue/",
        {
            "nonce": challenge["nonce"],
            "public_key": b64(key.public_key_der()),
            "signature": b64(key.sign(base64.b64decode(challenge["to_sign"]))),
        },
    )
    assert issued.status_code == 200, issued.json()
    assert "BEGIN CERTIFICATE" in issued.json()["data"]["certificate"]
    assert api.post(f"{app}steps/certificate/").json()["done"] is True

    # 7. signing: prepare on the server, sign on the device, complete on the server
    documents = api.get(f"{app}steps/sign/").json()["state"]["documents"]
    for document in documents:
        prepared = api.post(f"{app}steps/sign/prepare/", {"document": document["document"]})
        assert prepared.status_code == 200, prepared.json()
        to_sign = base64.b64decode(prepared.json()["data"]["to_sign"])
        completed = api.post(
            f"{app}steps/sign/complete/",
            {
                "request_id": prepared.json()["data"]["request_id"],
                "signature": b64(key.sign(to_sign)),
            },
        )
        assert completed.status_code == 200, completed.json()
    assert api.post(f"{app}steps/sign/").json()["done"] is True
    signed = api.get(f"{app}signed-documents/").json()
    assert len(signed) == len(documents)
    pdf = api.http.get(signed[0]["download_url"], **api.headers)
    assert all(report.ok for report in pdf_verify(pdf.content))
    # the investor's own app reads the same PDF with the investor's token
    phone = Api.investor(Client.objects.get(client_no=CLIENT_NO))
    own = phone.http.get(phone.get(f"{app}signed-documents/").json()[0]["download_url"],
                         **phone.headers)  # fmt: skip
    assert own.status_code == 200 and own.content == pdf.content

    # 8. the revisit, from the questionnaire as published; completing it submits
    state = api.get(f"{app}steps/revisit/").json()["state"]
    questionnaire = api.get(f"questionnaires/{state['questionnaire']}/").json()
    assert questionnaire["revision"] == state["revision"]
    answers = {str(q["position"]): answer(q) for q in questionnaire["questions"]}
    submitted = api.post(
        f"{app}steps/revisit/", {"revision": state["revision"], "answers": answers}
    )
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["application"]["state"] == "submitted"

    # the application as read: every step completed, each with its summary
    read = api.get(app).json()
    assert read["state"] == "submitted" and read["current_step"] is None
    assert {s["status"] for s in read["steps"]} == {"completed"}
    summaries = {s["name"]: s["summary"] for s in read["steps"]}
    assert summaries["exchanges"]["selected"] == ["CZCE"]
    assert summaries["witness"]["agent"] == "agent:agent_api"

    # the reviewer approves with the trading code
    czce = Exchange.objects.get(code="CZCE")
    code = f"{czce.member_number or '0001'}20260001"
    approved = review.post(f"{app}review/approve/", {"trading_codes": {"CZCE": code}})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved"
    assert approved.json()["trading_codes"][0]["trading_code"] == code
    assert ClientExchange.objects.filter(client__client_no=CLIENT_NO, exchange=czce).exists()

    # the history holds each transition and step completion, in order
    actions = [entry["action"] for entry in api.get(f"{app}history/").json()]
    assert actions[0] == "application.start"
    assert actions.count("step.complete") == 8
    for transition in ("queue", "start_witness", "pass_witness", "submit", "approve"):
        assert f"application.{transition}" in actions
