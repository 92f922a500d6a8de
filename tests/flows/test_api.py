"""The flow API's refusals: an application an actor may not see is not found; a step out of
order, a wrong actor or a state that allows nothing is refused with the engine's code; a body of
the wrong shape is a 400 that names the field; none of them stores anything, none is a 500."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as Browser
from django.utils import timezone

from api.scopes import Scope
from flows.models import Application, StepRecord
from flows.services import application_start
from staff.roles import Role
from tests.factories import (
    BranchFactory,
    ClientFactory,
    ExchangeFactory,
    published_document,
    published_flow,
    staff_user,
)

from .api_client import REVIEWER_SCOPES, Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement():
    return published_document("agreement", title="期货交易风险须知", html="<p>请审慎决策。</p>")


@pytest.fixture(autouse=True)
def flow(agreement):
    ExchangeFactory(code="CZCE", category="commodity")
    return published_flow(
        [
            ("photos", {"security_letter": None}),
            ("exchanges", {}),
            ("agreements", {"documents": [agreement]}),
            ("witness", {"script": None}),
        ]
    )


@pytest.fixture
def api():
    return Api(staff_user("app", Role.INTEGRATOR))


@pytest.fixture
def application():
    return application_start(client=ClientFactory(name="张三"))


def at_agreements(application) -> Application:
    for kind in ("photos", "exchanges"):
        StepRecord.objects.create(
            application=application,
            kind=kind,
            completed_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
            version=1,
            data={"selected": ["CZCE"]} if kind == "exchanges" else {},
        )
    return application


def url(application, rest: str = "") -> str:
    return f"applications/{application.acceptance_number}/{rest}"


def records(application) -> list:
    return list(StepRecord.objects.filter(application=application).values("kind", "version"))


# --- who sees what -------------------------------------------------------------------------------
def test_an_unknown_application_is_not_found(api):
    response = api.get("applications/1300019999999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_agent_of_another_branch_is_told_it_does_not_exist(application):
    # given
    own, other = Browser(), Browser()
    own.force_login(staff_user("own", Role.WITNESS_AGENT, application.client.branch))
    other.force_login(staff_user("other", Role.WITNESS_AGENT, BranchFactory()))
    path = f"/api/v1/{url(application)}"
    # when / then
    assert own.get(path).status_code == 200
    for rest in ("", "history/", "steps/", "steps/photos/", "witness/queue/"):
        response = other.get(f"/api/v1/{url(application, rest)}")
        assert response.status_code == 404, rest
        assert response.json()["code"] == "not_found"
    listed = other.get("/api/v1/applications/").json()["results"]
    assert application.acceptance_number not in {a["acceptance_number"] for a in listed}


def test_an_agent_cannot_do_the_investors_steps(application):
    agent = Browser()
    agent.force_login(staff_user("own", Role.WITNESS_AGENT, application.client.branch))
    response = agent.post(
        f"/api/v1/{url(application, 'steps/exchanges/')}",
        {"exchanges": ["CZCE"]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "wrong_actor"
    assert records(application) == []


def test_a_key_without_a_role_is_refused(application):
    keyless = Api(staff_user("nobody"))
    assert keyless.get(url(application)).status_code == 403
    assert Browser().get(f"/api/v1/{url(application)}").status_code in (401, 403)


# --- starting ------------------------------------------------------------------------------------
def test_the_integrator_starts_a_business_for_a_client(api):
    client = ClientFactory()
    response = api.post("applications/", {"client_no": client.client_no})
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "in_progress" and body["current_step"] == "photos"
    assert [s["status"] for s in body["steps"]] == ["current", "todo", "todo", "todo"]
    assert Application.objects.get(client=client).acceptance_number == body["acceptance_number"]


def test_a_client_with_a_pending_business_cannot_start_another(api, application):
    response = api.post("applications/", {"client_no": application.client.client_no})
    assert response.status_code == 409
    assert response.json()["code"] == "pending_business_exists"
    assert Application.objects.filter(client=application.client).count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"client_no": "00000000"}, 404, "not_found"),
        ({}, 400, "invalid"),
        ({"client_no": ["x"]}, 400, "invalid"),
        ({"client_no": "1", "surprise": True}, 400, "invalid"),
        ({"client_no": "1", "business_type": "open_account"}, 400, "invalid"),
    ],
)
def test_a_start_that_cannot_be_is_refused(api, body, status, code):
    response = api.post("applications/", body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not Application.objects.exists()


def test_a_client_whose_id_expired_is_sent_to_the_counter(api):
    client = ClientFactory(id_valid_until=datetime.date(2024, 12, 31))
    response = api.post("applications/", {"client_no": client.client_no})
    assert response.status_code == 400
    assert response.json()["code"] == "id_expired"
    assert not Application.objects.exists()


def test_only_an_integrator_starts_a_business():
    reviewer = Api(staff_user("checker", Role.REVIEWER))
    response = reviewer.post("applications/", {"client_no": ClientFactory().client_no})
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_malformed_json_is_a_400(api):
    response = api.http.post(
        "/api/v1/applications/", "{not json", content_type="application/json", **api.headers
    )
    assert response.status_code == 400
    assert not Application.objects.exists()


# --- listing -------------------------------------------------------------------------------------
def test_the_list_filters_by_state_branch_client_and_dates(api, application):
    # given
    other = application_start(client=ClientFactory())
    today = timezone.localdate().isoformat()
    # when
    by_client = api.get("applications/", client_no=application.client.client_no).json()["results"]
    by_branch = api.get("applications/", branch=other.client.branch.code).json()["results"]
    by_state = api.get("applications/", state="submitted").json()["results"]
    by_date = api.get("applications/", created_from=today, created_to=today).json()["results"]
    # then
    assert [a["acceptance_number"] for a in by_client] == [application.acceptance_number]
    assert [a["acceptance_number"] for a in by_branch] == [other.acceptance_number]
    assert by_state == []
    assert len(by_date) == 2


@pytest.mark.parametrize("params", [{"created_from": "yesterday"}, {"state": "pending"}])
def test_a_bad_filter_is_a_400(api, params):
    response = api.get("applications/", **params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)


# --- steps ---------------------------------------------------------------------------------------
def test_a_step_out_of_order_is_refused_with_the_engines_code(api, application):
    response = api.post(url(application, "steps/exchanges/"), {"exchanges": ["CZCE"]})
    assert response.status_code == 409
    assert response.json()["code"] == "step_not_reached"
    assert response.json()["details"]["current"] == "photos"
    assert records(application) == []


@pytest.mark.parametrize(
    "body",
    [
        {"exchanges": "CZCE"},
        {"exchanges": [["CZCE"]]},
        {"exchanges": ["CZCE"], "score_choice": "guess"},
        {"exchanges": ["CZCE"], "unknown": 1},
    ],
)
def test_a_body_of_the_wrong_shape_is_a_400_naming_the_field(api, application, body):
    at_agreements(application)
    StepRecord.objects.filter(kind="exchanges").update(completed_at=None)
    before = records(application)
    response = api.post(url(application, "steps/exchanges/"), body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]
    assert records(application) == before


def test_a_refused_submission_carries_the_services_messages(api, application):
    at_agreements(application)
    response = api.post(url(application, "steps/agreements/"))
    assert response.status_code == 400
    assert response.json()["code"] == "step_invalid"
    assert response.json()["fields"]["agreements"] == ["请完整阅读该协议内容"]
    assert not StepRecord.objects.filter(application=application, kind="agreements").exists()


def test_an_agreement_read_before_it_was_opened_is_refused(api, application, agreement):
    at_agreements(application)
    response = api.post(url(application, "steps/agreements/end/"), {"document": agreement.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "not_opened"


def test_reading_then_next_completes_the_agreements(api, application, agreement):
    at_agreements(application)
    api.post(url(application, "steps/agreements/opened/"), {"document": agreement.pk})
    api.post(url(application, "steps/agreements/end/"), {"document": agreement.pk})
    response = api.post(url(application, "steps/agreements/"))
    assert response.status_code == 200
    assert response.json()["done"] is True
    assert response.json()["application"]["current_step"] == "witness"
    summary = response.json()["step"]["summary"]
    assert summary["readings"][0]["title"] == "期货交易风险须知"


def test_the_list_is_paginated_by_cursor_newest_first(api, application):
    # given three applications
    second = application_start(client=ClientFactory())
    third = application_start(client=ClientFactory())
    # when the integrator reads them two at a time
    first_page = api.get("applications/", page_size=2).json()
    next_page = api.http.get(first_page["next"], **api.headers).json()
    # then every one comes once, newest first
    numbers = [a["acceptance_number"] for a in first_page["results"] + next_page["results"]]
    assert numbers == [
        third.acceptance_number,
        second.acceptance_number,
        application.acceptance_number,
    ]
    assert next_page["next"] is None


# --- an investor's own app (investor token) ------------------------------------------------------
def test_an_investor_reads_the_agreements_and_completes_the_step_with_their_token(
    application, agreement
):
    # given the investor's app holding a token from their SMS login, at the agreements step
    at_agreements(application)
    mine = Api.investor(application.client)
    # when it opens, reads to the end and goes on
    mine.post(url(application, "steps/agreements/opened/"), {"document": agreement.pk})
    mine.post(url(application, "steps/agreements/end/"), {"document": agreement.pk})
    response = mine.post(url(application, "steps/agreements/"))
    # then the step is done, recorded as the investor's own doing
    assert response.status_code == 200
    assert response.json()["done"] is True
    assert response.json()["application"]["current_step"] == "witness"
    record = StepRecord.objects.get(application=application, kind="agreements")
    assert record.completed_at is not None
    listed = mine.get("applications/").json()["results"]
    assert [a["acceptance_number"] for a in listed] == [application.acceptance_number]


def test_an_investor_token_sees_nothing_of_another_investor(application):
    # given another investor's app
    stranger = Api.investor(ClientFactory())
    # then that application does not exist for it, in the list or by number
    assert stranger.get("applications/").json()["results"] == []
    response = stranger.post(url(application, "steps/photos/"), {})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert stranger.get(url(application)).status_code == 404
    assert records(application) == []


def test_an_investor_token_may_neither_review_nor_start_for_a_client(application):
    mine = Api.investor(application.client)
    response = mine.post(url(application, "review/approve/"), {"trading_codes": {}})
    assert response.status_code == 403
    response = mine.post("applications/", {"client_no": ClientFactory().client_no})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_key_without_the_scope_is_refused_naming_it(application):
    reader = Api(staff_user("app", Role.INTEGRATOR), scopes=[Scope.APPLICATIONS_READ])
    assert reader.get(url(application)).status_code == 200
    response = reader.post(url(application, "abandon/"), {"reason": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert response.json()["details"]["scope"] == Scope.APPLICATIONS_WRITE
    assert Application.objects.get(pk=application.pk).state == "in_progress"


def test_a_reviewer_key_without_the_review_scope_is_refused(application):
    reviewer = Api(staff_user("checker", Role.REVIEWER), scopes=[Scope.APPLICATIONS_READ])
    response = reviewer.post(url(application, "review/reject/"), {"step": "photos", "reason": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


def test_a_step_submitted_twice_with_one_idempotency_key_runs_once(api, application, agreement):
    # given the agreement read through
    at_agreements(application)
    api.post(url(application, "steps/agreements/opened/"), {"document": agreement.pk})
    api.post(url(application, "steps/agreements/end/"), {"document": agreement.pk})
    # when the app retries its submission with the same key
    first = api.post(url(application, "steps/agreements/"), HTTP_IDEMPOTENCY_KEY="a1b2c3d4e5")
    again = api.post(url(application, "steps/agreements/"), HTTP_IDEMPOTENCY_KEY="a1b2c3d4e5")
    # then the second answer is the first one replayed
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert StepRecord.objects.filter(application=application, kind="agreements").count() == 1


def test_an_application_read_again_unchanged_is_a_304(api, application):
    first = api.get(url(application))
    again = api.http.get(
        f"/api/v1/{url(application)}", HTTP_IF_NONE_MATCH=first["ETag"], **api.headers
    )
    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304


def test_an_unknown_step_or_action_is_not_found(api, application):
    assert api.get(url(application, "steps/no-such-step/")).status_code == 404
    assert api.post(url(application, "steps/photos/rotate/")).status_code == 404


def test_the_witness_step_is_read_only_here(api, application):
    assert api.get(url(application, "steps/witness/")).status_code == 200
    assert api.post(url(application, "steps/witness/")).status_code == 405


def test_queueing_before_the_steps_are_done_is_refused(api, application):
    response = api.post(url(application, "witness/queue/"))
    assert response.status_code == 400
    assert response.json()["code"] == "not_ready_for_witness"
    assert Application.objects.get(pk=application.pk).state == "in_progress"


def test_a_submitted_application_changes_no_more(api, application):
    at_agreements(application)
    Application.objects.filter(pk=application.pk).update(state="submitted")
    response = api.post(url(application, "steps/agreements/opened/"), {"document": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


# --- appointments, giving up, review -------------------------------------------------------------
@pytest.mark.parametrize("starts_at", ["tomorrow", "2020-01-01T09:00:00+08:00"])
def test_a_slot_that_is_not_offered_is_refused(api, application, starts_at):
    response = api.post(url(application, "witness/appointment/"), {"starts_at": starts_at})
    assert response.status_code == 400
    assert api.get(url(application, "witness/appointment/")).json() == {"appointment": None}


def test_the_integrator_gives_the_business_up_with_the_reason(api, application):
    response = api.post(url(application, "abandon/"), {"reason": "客户改到柜台办理"})
    assert response.status_code == 200
    assert response.json()["state"] == "abandoned"
    history = api.get(url(application, "history/")).json()
    assert history[-1]["action"] == "application.abandon"
    assert history[-1]["reason"] == "客户改到柜台办理"


def test_review_decisions_need_a_reviewer(api, application):
    response = api.post(url(application, "review/approve/"), {"trading_codes": {}})
    assert response.status_code == 403
    reviewer = Api(staff_user("checker", Role.REVIEWER), name="review", scopes=REVIEWER_SCOPES)
    response = reviewer.post(url(application, "review/reject/"), {"step": "photos", "reason": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "not_submitted"


# --- the schema ----------------------------------------------------------------------------------
def test_the_schema_documents_each_step_kinds_body():
    schema = Browser().get("/api/schema/?format=json").json()
    paths = schema["paths"]
    base = "/api/v1/applications/{acceptance_number}/steps"
    exchanges = paths[f"{base}/exchanges/"]["post"]["requestBody"]["content"]
    assert set(exchanges) == {"application/json", "multipart/form-data"}
    photos = paths[f"{base}/photos/"]["post"]["requestBody"]["content"]
    assert set(photos) == {"multipart/form-data"}
    ref = paths[f"{base}/sign/complete/"]["post"]["requestBody"]["content"]["application/json"]
    body = schema["components"]["schemas"][ref["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert set(body["required"]) == {"request_id", "signature"}
    for kind in ("photos", "basic_info", "exchanges", "agreements", "certificate", "sign"):
        assert "post" in paths[f"{base}/{kind}/"], kind
        assert "409" in paths[f"{base}/{kind}/"]["post"]["responses"], kind


# --- suitability notices ----------------------------------------------------------------
@pytest.fixture
def c1_at_exchanges(flow):
    published_document("notice_c1_c2", title="适当性告知书", html="<p>您的风险承受能力较低。</p>")
    published_flow([("exchanges", {})])
    return application_start(client=ClientFactory(suitability_class="C1"))


def test_a_c1_investor_acknowledges_the_notice_twice_then_chooses(api, c1_at_exchanges):
    # given
    base = url(c1_at_exchanges, "steps/exchanges/")
    notice = api.get(base).json()["state"]["pending_notice"]
    # when: choosing first is refused; each acknowledgement moves to the next showing
    refused = api.post(base, {"exchanges": ["CZCE"]})
    for confirmation in (1, 2):
        assert notice["confirmation"] == confirmation
        acknowledged = api.post(
            f"{base}acknowledge/",
            {"document": notice["document"], "confirmation": confirmation, "choice": "insist"},
        )
        assert acknowledged.status_code == 200
        notice = acknowledged.json()["step"]["state"]["pending_notice"]
    chosen = api.post(base, {"exchanges": ["CZCE"]})
    # then
    assert refused.status_code == 400 and refused.json()["code"] == "step_invalid"
    assert notice is None
    assert chosen.json()["done"] is True
    acknowledgements = chosen.json()["step"]["summary"]["acknowledgements"]
    assert [a["confirmation"] for a in acknowledgements] == [1, 2]
    assert acknowledgements[0]["document"]["title"] == "适当性告知书"


def test_giving_up_at_the_notice_ends_the_business(api, c1_at_exchanges):
    base = url(c1_at_exchanges, "steps/exchanges/")
    notice = api.get(base).json()["state"]["pending_notice"]
    response = api.post(
        f"{base}acknowledge/",
        {"document": notice["document"], "confirmation": 1, "choice": "give_up"},
    )
    assert response.status_code == 200
    assert response.json()["effect"] == "abandoned"
    assert response.json()["application"]["state"] == "abandoned"


# --- photos, and a rejection fixed through the API -----------------------------------------------
def test_a_photo_that_cannot_be_read_is_refused_with_the_reason_and_not_kept(api, application):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from photos.models import IdPhoto

    garbage = SimpleUploadedFile("front.jpg", b"\xff\xd8 not a photo", content_type="image/jpeg")
    response = api.upload(url(application, "steps/photos/"), {"front": garbage})
    assert response.status_code == 400
    assert response.json()["code"] == "step_invalid"
    assert response.json()["fields"]["front"]
    assert not IdPhoto.objects.exists()


def test_json_is_refused_where_photos_are_uploaded(api, application):
    response = api.post(url(application, "steps/photos/"), {"letter_agreed": True})
    assert response.status_code == 415


def test_a_rejected_application_is_fixed_and_submitted_again(api, application, agreement):
    # given: submitted, every step done
    at_agreements(application)
    done = datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC)
    StepRecord.objects.create(
        application=application,
        kind="agreements",
        completed_at=done,
        version=1,
        data={"documents": [agreement.pk]},
    )
    StepRecord.objects.create(application=application, kind="witness", completed_at=done, version=1)
    Application.objects.filter(pk=application.pk).update(state="submitted")
    reviewer = Api(staff_user("checker", Role.REVIEWER), name="review", scopes=REVIEWER_SCOPES)
    # when: the reviewer rejects to the agreements; the app has them read again
    rejected = reviewer.post(
        url(application, "review/reject/"), {"step": "agreements", "reason": "请重新阅读协议"}
    )
    shown = api.get(url(application)).json()
    api.post(url(application, "steps/agreements/opened/"), {"document": agreement.pk})
    api.post(url(application, "steps/agreements/end/"), {"document": agreement.pk})
    fixed = api.post(url(application, "steps/agreements/"))
    # then
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert (shown["current_step"], shown["remarks"]) == ("agreements", "请重新阅读协议")
    assert fixed.json()["application"]["state"] == "submitted"
    actions = [e["action"] for e in api.get(url(application, "history/")).json()]
    assert actions[-3:] == ["step.complete", "application.resume", "application.submit"]


def png(seed: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (seed, 100, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_score_reports_are_uploaded_with_the_selection_as_multipart(api):
    # given: a professional investor (no notices) asking for a first financial account
    from django.core.files.uploadedfile import SimpleUploadedFile

    ExchangeFactory(code="CFFEX", category="financial", needs_score_reports=True)
    published_flow([("exchanges", {})])
    application = application_start(client=ClientFactory(investor_type="professional"))
    base = url(application, "steps/exchanges/")
    reports = [SimpleUploadedFile(f"r{n}.png", png(n), content_type="image/png") for n in (1, 2)]
    # when
    without = api.post(base, {"exchanges": ["CFFEX"]})
    uploaded = api.upload(base, {"exchanges": ["CFFEX"], "score_reports": reports})
    # then
    assert without.status_code == 400
    assert without.json()["fields"]["score_reports"]
    assert uploaded.status_code == 200, uploaded.json()
    assert uploaded.json()["done"] is True
    assert len(uploaded.json()["step"]["summary"]["score_reports"]) == 2


def test_an_expired_suitability_is_assessed_acknowledged_then_the_form(api):
    # given: the basic information step of a client whose class has expired
    from tests.factories import published_questionnaire

    from .test_step_basic_info import BANDS, QUESTIONS, VALID

    questionnaire = published_questionnaire("suitability", questions=QUESTIONS, bands=BANDS)
    published_flow(
        [("basic_info", {"suitability_questionnaire": questionnaire}), ("exchanges", {})]
    )
    client = ClientFactory(suitability_class="C2", suitability_expires=datetime.date(2025, 3, 31))
    application = application_start(client=client)
    base = url(application, "steps/basic_info/")
    state = api.get(base).json()["state"]
    shown = api.get(f"questionnaires/{questionnaire.pk}/").json()
    # when: the questionnaire's answers (5 + 2 + 3 = 10: C3), the result, then the form
    assessed = api.post(
        base,
        {"stage": "assessment", "revision": shown["revision"], "answers": {"0": 1, "1": [0, 1]}},
    )
    acknowledged = api.post(base, {"stage": "result"})
    done = api.post(base, VALID)
    # then
    assert state["stage"] == "assessment"
    assert state["questionnaire_revision"] == shown["revision"]
    assert assessed.json()["step"]["state"] == {
        **assessed.json()["step"]["state"],
        "stage": "result",
        "assessment_class": "C3",
    }
    assert acknowledged.json()["step"]["state"]["stage"] == "form"
    assert done.status_code == 200, done.json()
    assert done.json()["done"] is True
    assert done.json()["step"]["summary"]["suitability_class"] == "C3"
