"""The revisit step: the CMS questionnaire, answers kept with the questionnaire's revision and
hash, the confirm dialog's exact words, submission through the step engine (the lifecycle's
`submit`), and alerting answers flagged for the reviewer."""

from __future__ import annotations

import pytest

from flows.actors import Actor
from flows.models import Application, ApplicationState, OutboxEvent, StepRecord
from flows.services import application_start, step_submit, step_summaries
from revisit.models import RevisitAnswer
from revisit.step_services import CONFIRM_TEXT, RevisitSummary
from tests.factories import ClientFactory, ExchangeFactory, published_flow, published_questionnaire
from tests.flows.step_client import post_step
from tests.flows.test_engine import log_in, token

pytestmark = pytest.mark.django_db

QUESTIONS = [
    (
        "question",
        {
            "text": "是否本人自愿办理？",
            "kind": "yes_no",
            "required": True,
            "options": [],
            "yes_alerts": False,
            "no_alerts": True,
        },
    ),
    (
        "question",
        {
            "text": "您了解期货交易的风险吗？",
            "kind": "single",
            "required": True,
            "options": [
                {"label": "了解", "score": 0, "alert": False},
                {"label": "不了解", "score": 0, "alert": True},
            ],
            "yes_alerts": False,
            "no_alerts": False,
        },
    ),
    (
        "question",
        {
            "text": "其他意见",
            "kind": "free_text",
            "required": False,
            "options": [],
            "yes_alerts": False,
            "no_alerts": False,
        },
    ),
]


@pytest.fixture
def questionnaire(db):
    ExchangeFactory(code="SHFE", name_zh="上海期货交易所", category="commodity")
    questionnaire = published_questionnaire(kind="revisit", code="revisit", questions=QUESTIONS)
    published_flow([("exchanges", {}), ("revisit", {"questionnaire": questionnaire})])
    return questionnaire


def at_revisit(investor=None) -> tuple[Application, Actor]:
    investor = investor or ClientFactory()
    application = application_start(client=investor)
    StepRecord.objects.create(
        application=application,
        kind="exchanges",
        data={"selected": ["SHFE"], "score_choice": "upload"},
        completed_at="2026-12-01T10:00:00+08:00",
    )
    return application, Actor.investor(investor)


def answers(questionnaire, **values):
    return {"revision": questionnaire.live_revision_id, "q0": "yes", "q1": "0", **values}


def test_answering_submits_with_revision_and_hash(questionnaire):
    # given an application at the revisit
    application, me = at_revisit()
    # when the investor answers
    submission = step_submit(
        application=application,
        actor=me,
        step_name="revisit",
        data=answers(questionnaire, q2="无"),
    )
    # then the application is submitted, through the lifecycle (event and all)
    assert submission.outcome.done
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_at is not None
    assert OutboxEvent.objects.filter(name="application.submitted").count() == 1
    # and what was asked is kept by revision and hash, with the answers
    sheet = RevisitAnswer.objects.get(application=application)
    assert sheet.revision_id == questionnaire.live_revision_id
    assert sheet.content_hash == questionnaire.content_hash()
    assert sheet.answers == {"0": "yes", "1": 0, "2": "无"}
    assert sheet.alerts == []
    record = StepRecord.objects.get(application=application, kind="revisit")
    assert record.evidence["sha256"] == questionnaire.content_hash()
    assert "flags" not in record.evidence


def test_alerting_answers_flag_the_application_for_the_reviewer(questionnaire):
    application, me = at_revisit()
    step_submit(
        application=application, actor=me, step_name="revisit", data=answers(questionnaire, q0="no")
    )
    record = StepRecord.objects.get(application=application, kind="revisit")
    assert record.evidence["flags"] == ["1. 是否本人自愿办理？：否"]
    summary = next(s for s in step_summaries(application=application) if s.kind == "revisit")
    assert isinstance(summary, RevisitSummary)
    assert summary.flags() == ["1. 是否本人自愿办理？：否"]
    assert ("1. 是否本人自愿办理？", "否") in summary.rows()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"q0": ""}, "q0", "请回答第 1 题。"),
        ({"q1": "7"}, "q1", "请从选项中选择。"),
        ({"revision": "999999"}, "revision", "回访问卷内容已更新，请重新作答。"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_submitted(questionnaire, data, field, message):
    application, me = at_revisit()
    submission = step_submit(
        application=application,
        actor=me,
        step_name="revisit",
        data=answers(questionnaire, **data),
    )
    assert not submission.outcome.done
    assert submission.outcome.errors[field] == [message]
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.IN_PROGRESS
    assert not RevisitAnswer.objects.exists()
    assert not OutboxEvent.objects.filter(name="application.submitted").exists()


def test_the_page_asks_the_exact_confirm_text_on_next_only(client, questionnaire):
    investor = log_in(client)
    application, _me = at_revisit(investor)
    page = client.get(f"/business/{application.acceptance_number}/revisit/").content.decode()
    assert CONFIRM_TEXT == (
        "尊敬的投资者您好，回访结果可能对您的业务办理造成影响，请您再次确认回访问卷答题是否准确。"
    )
    assert f'value="next" data-confirm-submit="{CONFIRM_TEXT}"' in page
    assert page.count("data-confirm-submit") == 1  # not on 上一步
    assert "是否本人自愿办理？" in page


def test_a_submission_posted_twice_is_done_once(client, questionnaire):
    # given the revisit page shown once
    investor = log_in(client)
    application, _me = at_revisit(investor)
    url = f"/business/{application.acceptance_number}/revisit/"
    form = {**answers(questionnaire), "step_token": token(client, url), "action": "next"}
    # when the same form is posted twice (a double click, the back button)
    first = client.post(url, form)
    second = client.post(url, form)
    # then both are redirects, and it was submitted once
    assert first.status_code == second.status_code == 302
    assert second.url == "/business/"
    assert RevisitAnswer.objects.count() == 1
    assert OutboxEvent.objects.filter(name="application.submitted").count() == 1
    assert Application.objects.get().state == ApplicationState.SUBMITTED


def test_a_refused_post_shows_its_errors_after_the_redirect(client, questionnaire):
    investor = log_in(client)
    application, _me = at_revisit(investor)
    url = f"/business/{application.acceptance_number}/revisit/"
    shown = post_step(
        client,
        url,
        {**answers(questionnaire, q0=""), "step_token": token(client, url), "action": "next"},
    )
    assert shown.status_code == 400
    assert "请回答第 1 题。" in shown.content.decode()
