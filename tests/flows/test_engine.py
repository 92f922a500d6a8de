"""The step engine through the investor's URLs: the server decides the step; every URL is safe
to reload, go back to or type; "上一步" is explicit; a form posted twice does the work once."""

import dataclasses
import re

import pytest

from clients.auth import SESSION_KEY
from flows.models import Application, ApplicationState, StepRecord
from flows.steps import registry
from tests.factories import ClientFactory, published_flow

pytestmark = pytest.mark.django_db

STEPS = ["photos", "basic_info", "exchanges", "witness"]


@pytest.fixture(autouse=True)
def answer_steps(monkeypatch):
    """Every kind of the test flow answers like tests.flows.handlers.AnswerService (the
    witness keeps its own rules: an agent completes it)."""
    for name in STEPS:
        kind = registry.get(name)
        if name != "witness":
            kind = dataclasses.replace(
                kind, service="tests.flows.handlers.AnswerService", page="flows.pages.StepPage"
            )
        monkeypatch.setitem(registry._kinds, name, kind)
    published_flow(
        [
            ("photos", {"security_letter": None}),
            ("basic_info", {"suitability_questionnaire": None}),
            ("exchanges", {}),
            ("witness", {"script": None}),
        ]
    )


def log_in(client, investor=None):
    investor = investor or ClientFactory()
    session = client.session
    session[SESSION_KEY] = investor.pk
    session.save()
    return investor


def start(client):
    response = client.get("/business/enter/")
    application = Application.objects.get()
    assert response.status_code == 302
    return application, f"/business/{application.acceptance_number}"


def token(client, url):
    return re.search(r'name="step_token" value="([^"]+)"', client.get(url).content.decode())[1]


def post(client, url, answer="ok", step_token=None, follow=False):
    data = {"answer": answer, "step_token": step_token or token(client, url)}
    return client.post(url, data, follow=follow)


def test_investor_pages_need_an_investor_login(client):
    assert client.get("/business/").url == "/investor/login/"


def test_entering_starts_the_business_at_its_first_step(client):
    log_in(client)
    application, base = start(client)
    assert client.get(f"{base}/").url == f"{base}/photos/"
    page = client.get(f"{base}/photos/").content.decode()
    assert f"[受理单号:{application.acceptance_number}]" in page


def test_a_pending_business_sends_the_investor_to_my_business(client):
    log_in(client)
    start(client)
    assert client.get("/business/enter/").url == "/business/"
    assert Application.objects.count() == 1


def test_a_typed_url_of_a_later_step_goes_back_to_the_current_one(client):
    log_in(client)
    _, base = start(client)
    assert client.get(f"{base}/exchanges/").url == f"{base}/photos/"


@pytest.mark.parametrize("path", ["/nonsense/", "/revisit/"])
def test_a_step_not_in_the_flow_is_not_found(client, path):
    log_in(client)
    _, base = start(client)
    assert client.get(f"{base}{path}").status_code == 404


def test_another_investors_business_is_not_found(client):
    log_in(client)
    _, base = start(client)
    log_in(client, ClientFactory())
    assert client.get(f"{base}/photos/").status_code == 404
    assert client.post(f"{base}/abandon/").status_code == 404


def test_a_business_page_after_logging_out_asks_for_the_login(client):
    # given: a business, then no investor in the session
    log_in(client)
    _, base = start(client)
    client.post("/investor/logout/")

    # when / then: the page of one business asks for the login, as every investor page does
    assert client.get(f"{base}/photos/").url == "/investor/login/"
    assert client.get(f"{base}/").url == "/investor/login/"


def test_a_business_page_reads_the_investor_with_the_application(client):
    # given
    log_in(client)
    application, base = start(client)

    # when
    page = client.get(f"{base}/photos/")

    # then: the investor of the page is the application's own client
    assert page.wsgi_request.investor == application.client
    assert page.wsgi_request.investor is page.context["application"].client


def test_completing_a_step_moves_on_and_every_reached_step_reloads(client):
    log_in(client)
    _, base = start(client)
    assert post(client, f"{base}/photos/").url == f"{base}/"
    assert client.get(f"{base}/").url == f"{base}/basic_info/"
    for step in ("photos", "basic_info"):  # back button / reload / typed URL
        assert client.get(f"{base}/{step}/").status_code == 200


def test_a_refused_submission_stays_on_the_step_and_keeps_what_was_entered(client):
    log_in(client)
    application, base = start(client)
    # when
    response = post(client, f"{base}/photos/", answer="no")
    # then the POST is answered with a redirect to the step, which shows the error once
    assert (response.status_code, response.url) == (302, f"{base}/photos/")
    assert "请回答 ok" in client.get(response.url).content.decode()
    assert "请回答 ok" not in client.get(response.url).content.decode()  # reload: gone
    record = StepRecord.objects.get(application=application, kind="photos")
    assert (record.data, record.completed_at) == ({"answer": "no"}, None)


def test_a_form_posted_twice_does_the_work_once(client):
    log_in(client)
    application, base = start(client)
    shown = token(client, f"{base}/photos/")
    post(client, f"{base}/photos/", answer="ok first", step_token=shown)
    post(client, f"{base}/photos/", answer="ok second", step_token=shown)
    record = StepRecord.objects.get(application=application, kind="photos")
    assert (record.version, record.data) == (1, {"answer": "ok first"})
    assert record.completed_by == f"investor:{application.client_id}"


def test_a_tampered_token_is_refused_and_nothing_is_stored(client):
    log_in(client)
    application, base = start(client)
    response = post(client, f"{base}/photos/", step_token="forged", follow=True)
    assert response.redirect_chain == [(f"{base}/photos/", 302)]
    assert "页面已过期或内容被修改" in response.content.decode()
    assert not StepRecord.objects.filter(application=application).exists()


def test_a_token_from_another_step_is_refused(client):
    log_in(client)
    _, base = start(client)
    photos_token = token(client, f"{base}/photos/")
    post(client, f"{base}/photos/")
    response = post(client, f"{base}/basic_info/", step_token=photos_token, follow=True)
    assert "页面已过期或内容被修改" in response.content.decode()
    assert not StepRecord.objects.filter(kind="basic_info").exists()


def test_previous_step_is_an_explicit_action_that_keeps_what_was_entered(client):
    log_in(client)
    application, base = start(client)
    post(client, f"{base}/photos/", answer="ok 照片")
    assert client.post(f"{base}/basic_info/previous/").url == f"{base}/photos/"
    assert StepRecord.objects.get(application=application, kind="photos").data == {
        "answer": "ok 照片"
    }


def test_changing_an_earlier_step_asks_to_confirm_the_later_ones_again(client):
    log_in(client)
    application, base = start(client)
    post(client, f"{base}/photos/", answer="ok 1")
    post(client, f"{base}/basic_info/")
    post(client, f"{base}/photos/", answer="ok 2")
    assert client.get(f"{base}/").url == f"{base}/basic_info/"


def test_steps_before_a_completed_locking_step_cannot_change(client):
    # given a flow where the witness (which locks what came before it) is done by an agent
    published_flow(
        [("photos", {"security_letter": None}), ("witness", {"script": None}), ("exchanges", {})]
    )
    investor = log_in(client)
    application, base = start(client)
    post(client, f"{base}/photos/")
    witness_passed(application, investor)
    # when the investor tries to change the photos
    response = post(client, f"{base}/photos/", answer="ok changed", follow=True)
    # then it is refused with the reason and nothing changes
    assert "视频见证或签署后，之前的步骤不能再修改" in response.content.decode()
    assert StepRecord.objects.get(application=application, kind="photos").data == {"answer": "ok"}


def witness_passed(application, investor):
    from flows.actors import Actor
    from flows.services import application_queue, application_witness_start, step_submit
    from staff.roles import Role
    from tests.factories import staff_user, witness_session

    agent = Actor.agent(staff_user("agent-engine", Role.WITNESS_AGENT, investor.branch))
    application_queue(application=application, actor=Actor.investor(investor))
    application_witness_start(application=application, actor=agent)
    witness_session(application, agent.user)
    step_submit(application=application, actor=agent, step_name="witness", data={})


def test_the_investor_cannot_post_the_agents_step(client):
    # given an investor whose current step is the witness
    published_flow([("photos", {"security_letter": None}), ("witness", {"script": None})])
    log_in(client)
    application, base = start(client)
    post(client, f"{base}/photos/")
    # when they post the witness step themselves
    response = post(client, f"{base}/witness/", follow=True)
    # then it is refused, and the page offers no 下一步
    assert "由见证坐席完成" in response.content.decode()
    assert 'value="next"' not in client.get(f"{base}/witness/").content.decode()
    assert not StepRecord.objects.filter(
        application=application, kind="witness", completed_at__isnull=False
    ).exists()


def test_no_page_is_the_direct_answer_to_a_post(client):
    # given
    log_in(client)
    _, base = start(client)
    # when / then: every post to a step answers with a redirect
    for answer in ("no", "ok"):
        assert post(client, f"{base}/photos/", answer=answer).status_code == 302
    assert client.post(f"{base}/basic_info/previous/").status_code == 302


def test_abandoning_ends_the_business_and_allows_a_new_one(client):
    log_in(client)
    application, base = start(client)
    client.post(f"{base}/abandon/")
    assert Application.objects.get(pk=application.pk).state == ApplicationState.ABANDONED
    client.get("/business/enter/")
    assert Application.objects.filter(state=ApplicationState.IN_PROGRESS).count() == 1


def test_a_submitted_business_cannot_be_changed(client):
    log_in(client)
    application, base = start(client)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED)
    assert client.get(f"{base}/photos/").url == "/business/"


def test_my_business_lists_pending_and_finished_with_remarks(client):
    investor = log_in(client)
    application, _ = start(client)
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.RETURNED, returned_step="photos", remarks="身份证照片不清晰"
    )
    page = client.get("/business/").content.decode()
    assert application.acceptance_number in page and "身份证照片不清晰" in page
    assert investor.pk
