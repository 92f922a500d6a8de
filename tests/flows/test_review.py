"""The review console's services and pages: the claim (two reviewers never act on one
application at once), the reviewer who witnessed may not review, approval with a trading code
per requested exchange (format per exchange from the CMS; recorded on the application and the
client's file), rejection with a reason and a step, and the round after it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client as Browser
from django.utils import timezone

from clients.models import ClientExchange
from common.exceptions import BusinessError
from flows.actors import Actor
from flows.models import (
    Application,
    ApplicationState,
    OutboxEvent,
    ReviewClaim,
    StepRecord,
    TradingCodeGrant,
)
from flows.selectors import application_history, applications_to_review
from flows.services import (
    application_queue,
    application_start,
    application_witness_start,
    step_submit,
)
from flows.services.review import review_approve, review_claim, review_reject, review_release
from staff.roles import GROUP_NAMES, Role
from tests.factories import (
    ClientFactory,
    staff_user,
    witness_session,
)
from tests.flows.test_engine import log_in

pytestmark = pytest.mark.django_db
S = ApplicationState
CODES = {"SHFE": "000181000010", "DCE": "000282000020"}


def revisit(application, actor, questionnaire, no="yes"):
    data = {"revision": questionnaire.live_revision_id, "q0": no, "q1": "0"}
    return step_submit(application=application, actor=actor, step_name="revisit", data=data)


def journey(people, questionnaire, exchanges=("SHFE", "DCE"), answer="yes") -> Application:
    """An application walked to submission through the services: photos (on record),
    exchanges, the witness passed by the agent, the revisit answered."""
    me = people["investor"]
    application = application_start(client=me.client)
    StepRecord.objects.create(
        application=application, kind="photos", completed_at=timezone.now(), version=1
    )
    data = {"exchanges": list(exchanges)}
    assert step_submit(
        application=application, actor=me, step_name="exchanges", data=data
    ).outcome.done
    application_queue(application=application, actor=me)
    application_witness_start(application=application, actor=people["agent"])
    witness_session(application, people["agent"].user)
    assert step_submit(
        application=application, actor=people["agent"], step_name="witness", data={}
    ).outcome.done
    assert revisit(application, me, questionnaire, no=answer).outcome.done
    application = Application.objects.get(pk=application.pk)
    assert application.state == S.SUBMITTED
    return application


def state(application) -> str:
    return Application.objects.get(pk=application.pk).state


# --- approval -------------------------------------------------------------------------------


def test_approval_records_a_code_per_exchange_on_the_client_file(people, questionnaire):
    application = journey(people, questionnaire)
    reviewer = people["reviewer"]
    review_claim(application=application, actor=reviewer)
    review_approve(application=application, actor=reviewer, codes=CODES)
    assert state(application) == S.APPROVED
    grants = {g.exchange.code: g.trading_code for g in TradingCodeGrant.objects.all()}
    assert grants == CODES
    on_file = ClientExchange.objects.filter(client=application.client)
    assert {c.exchange.code: c.trading_code for c in on_file} == CODES
    assert not ReviewClaim.objects.exists()
    event = OutboxEvent.objects.get(name="application.approved")
    assert sorted(event.payload["exchanges"]) == ["DCE", "SHFE"]
    assert "000181000010" not in str(event.payload)  # codes stay out of events


@pytest.mark.parametrize(
    ("codes", "code", "message"),
    [
        (
            {"SHFE": "000181000010"},
            "trading_code_missing",
            "请填写大连商品交易所（DCE）的交易编码。",
        ),
        (
            {**CODES, "DCE": "0002820000"},
            "trading_code_format",
            "大连商品交易所（DCE）的交易编码应为 12 位数字：4 位会员号加 8 位客户编号。",
        ),
        (
            {**CODES, "DCE": "00028200002x"},
            "trading_code_format",
            "大连商品交易所（DCE）的交易编码应为 12 位数字：4 位会员号加 8 位客户编号。",
        ),
        (
            {**CODES, "DCE": "999982000020"},
            "trading_code_member",
            "大连商品交易所（DCE）的交易编码前 4 位应为会员号 0002。",
        ),
        (
            {**CODES, "CZCE": "000383000030"},
            "exchange_not_requested",
            "该投资者未申请开通郑州商品交易所（CZCE），不能录入其交易编码。",
        ),
    ],
)
def test_bad_trading_codes_are_refused_and_nothing_is_recorded(
    people, questionnaire, codes, code, message
):
    application = journey(people, questionnaire)
    reviewer = people["reviewer"]
    review_claim(application=application, actor=reviewer)
    with pytest.raises(BusinessError) as refused:
        review_approve(application=application, actor=reviewer, codes=codes)
    assert (refused.value.code, refused.value.message) == (code, message)
    assert state(application) == S.SUBMITTED
    assert not TradingCodeGrant.objects.exists()
    assert not ClientExchange.objects.filter(client=application.client).exists()


def test_the_client_number_format_comes_from_the_exchange(people, questionnaire):
    from content.models import Exchange

    Exchange.objects.filter(code="DCE").update(trading_code_pattern=r"^82\d{6}$")
    application = journey(people, questionnaire)
    review_claim(application=application, actor=people["reviewer"])
    with pytest.raises(BusinessError) as refused:
        review_approve(
            application=application,
            actor=people["reviewer"],
            codes={**CODES, "DCE": "000281000020"},
        )
    assert refused.value.message == "大连商品交易所（DCE）的交易编码后 8 位（客户编号）格式不正确。"


def test_approving_twice_is_refused(people, questionnaire):
    application = journey(people, questionnaire)
    reviewer = people["reviewer"]
    review_claim(application=application, actor=reviewer)
    review_approve(application=application, actor=reviewer, codes=CODES)
    with pytest.raises(BusinessError) as refused:
        review_approve(application=application, actor=reviewer, codes=CODES)
    assert refused.value.code == "not_submitted"
    assert TradingCodeGrant.objects.count() == 2
    assert OutboxEvent.objects.filter(name="application.approved").count() == 1


# --- the claim and the witness --------------------------------------------------------------


def test_two_reviewers_cannot_act_on_one_application_at_once(people, questionnaire):
    application = journey(people, questionnaire)
    review_claim(application=application, actor=people["reviewer"])
    for act in (
        lambda: review_claim(application=application, actor=people["reviewer2"]),
        lambda: review_approve(application=application, actor=people["reviewer2"], codes=CODES),
        lambda: review_reject(
            application=application, actor=people["reviewer2"], step="exchanges", reason="x"
        ),
    ):
        with pytest.raises(BusinessError) as refused:
            act()
        assert refused.value.code == "claimed_by_other"
        assert "reviewer" in refused.value.message
    assert state(application) == S.SUBMITTED
    # released, the other may take it
    review_release(application=application, actor=people["reviewer"])
    review_claim(application=application, actor=people["reviewer2"])


def test_a_lapsed_claim_may_be_taken(people, questionnaire):
    application = journey(people, questionnaire)
    review_claim(application=application, actor=people["reviewer"])
    ReviewClaim.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    review_claim(application=application, actor=people["reviewer2"])
    assert ReviewClaim.objects.get().reviewer == people["reviewer2"].user


def test_the_reviewer_who_witnessed_may_not_review(people, questionnaire):
    # given an agent who witnessed the application, and who is a reviewer too
    application = journey(people, questionnaire)
    people["agent"].user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.REVIEWER]))
    agent_user = get_user_model().objects.get(pk=people["agent"].user.pk)
    with pytest.raises(BusinessError) as refused:
        review_claim(application=application, actor=Actor.reviewer(agent_user))
    assert refused.value.code == "reviewer_witnessed"
    assert refused.value.message == "您是该业务的见证人员，不能复核同一笔业务。"


# --- rejection and the next round -----------------------------------------------------------


def test_rejecting_without_a_reason_or_step_is_refused(people, questionnaire):
    application = journey(people, questionnaire)
    review_claim(application=application, actor=people["reviewer"])
    with pytest.raises(BusinessError) as refused:
        review_reject(
            application=application, actor=people["reviewer"], step="exchanges", reason=" "
        )
    assert refused.value.message == "请填写原因。"
    with pytest.raises(BusinessError) as refused:
        review_reject(application=application, actor=people["reviewer"], step="witness", reason="x")
    assert refused.value.code == "invalid_step"
    assert state(application) == S.SUBMITTED


def test_rejected_fixed_and_resubmitted_keeps_both_rounds(people, questionnaire):
    # given an application rejected to the exchange step
    application = journey(people, questionnaire)
    reviewer, me = people["reviewer"], people["investor"]
    review_claim(application=application, actor=reviewer)
    review_reject(application=application, actor=reviewer, step="exchanges", reason="请只开上期所")
    application = Application.objects.get(pk=application.pk)
    assert (application.state, application.returned_step) == (S.REJECTED, "exchanges")
    assert application.remarks == "请只开上期所"
    # when the investor fixes the step (a change: what comes after is done again)
    assert step_submit(
        application=application, actor=me, step_name="exchanges", data={"exchanges": ["SHFE"]}
    ).outcome.done
    application = Application.objects.get(pk=application.pk)
    assert application.state == S.IN_PROGRESS
    application_queue(application=application, actor=me)
    application_witness_start(application=application, actor=people["agent"])
    witness_session(application, people["agent"].user)
    step_submit(application=application, actor=people["agent"], step_name="witness", data={})
    assert revisit(application, me, questionnaire).outcome.done
    # then it is submitted again, approved with the one code
    assert state(application) == S.SUBMITTED
    review_claim(application=application, actor=reviewer)
    review_approve(application=application, actor=reviewer, codes={"SHFE": "000181000010"})
    assert state(application) == S.APPROVED
    # and the history keeps both rounds
    actions = [e.action for e in application_history(application=application)]
    assert actions.count("application.submit") == 2
    assert "application.reject" in actions and actions[-1] == "application.approve"
    assert application.revisit_answers.count() == 2


# --- the queue ------------------------------------------------------------------------------


def test_the_queue_filters_by_flags_and_branch(people, questionnaire):
    flagged = journey(people, questionnaire, answer="no")
    other = ClientFactory(
        suitability_class="C4", suitability_expires=timezone.localdate() + datetime.timedelta(365)
    )
    people_other = {**people, "investor": Actor.investor(other)}
    people_other["agent"] = Actor.agent(staff_user("agent_o", Role.WITNESS_AGENT, other.branch))
    plain = journey(people_other, questionnaire)
    assert list(applications_to_review(flagged=True)) == [flagged]
    assert list(applications_to_review(flagged=False)) == [plain]
    assert list(applications_to_review(branch_id=other.branch_id)) == [plain]
    today = timezone.localdate()
    assert len(applications_to_review(submitted_from=today, submitted_to=today)) == 2
    assert not applications_to_review(submitted_to=today - datetime.timedelta(days=1)).exists()


# --- the pages (post/redirect/get) ----------------------------------------------------------


def signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_the_console_approves_through_redirects(people, questionnaire):
    application = journey(people, questionnaire, answer="no")
    browser = signed_in(people["reviewer"].user)
    base = f"/console/review/{application.acceptance_number}/"
    queue = browser.get("/console/review/?flagged=yes&exchange=DCE").content.decode()
    assert application.acceptance_number in queue and "有提醒" in queue
    page = browser.get(base).content.decode()
    assert "1. 是否本人自愿办理？：否" in page  # the flag
    assert "开始复核" in page
    assert browser.post(f"{base}take/").status_code == 302
    page = browser.get(base).content.decode()
    assert 'name="code_SHFE"' in page and 'name="code_DCE"' in page
    # a wrong code comes back as an error on the page, the values kept
    refused = browser.post(f"{base}approve/", {"code_SHFE": CODES["SHFE"], "code_DCE": "12"})
    assert refused.status_code == 302 and refused.url == base
    page = browser.get(base).content.decode()
    assert "大连商品交易所（DCE）的交易编码应为 12 位数字" in page
    assert 'value="000181000010"' in page
    done = browser.post(f"{base}approve/", {f"code_{k}": v for k, v in CODES.items()})
    assert done.status_code == 302 and done.url == "/console/review/"
    assert state(application) == S.APPROVED


def test_the_exchange_filter_finds_an_application_behind_a_full_page_of_others(
    people, questionnaire, monkeypatch
):
    from flows.views import review

    monkeypatch.setattr(review, "QUEUE_LIMIT", 2)

    def another_investor():
        branch = people["investor"].client.branch
        investor = ClientFactory(
            branch=branch,
            suitability_class="C4",
            suitability_expires=timezone.localdate() + datetime.timedelta(365),
        )
        return {**people, "investor": Actor.investor(investor)}

    older = [journey(another_investor(), questionnaire, exchanges=("SHFE",)) for _ in range(3)]
    wanted = journey(another_investor(), questionnaire, exchanges=("SHFE", "DCE"))
    queue = signed_in(people["reviewer"].user).get("/console/review/?exchange=DCE")
    page = queue.content.decode()
    assert wanted.acceptance_number in page
    assert not any(application.acceptance_number in page for application in older)


def test_the_console_refuses_filters_it_cannot_read(people, questionnaire):
    browser = signed_in(people["reviewer"].user)
    page = browser.get("/console/review/?submitted_from=2026-13-40&branch=999999")
    assert page.status_code == 200
    text = page.content.decode()
    assert "请输入正确的日期" in text and "请从列表中选择营业部。" in text


def test_the_console_rejects_without_a_reason_with_a_message(people, questionnaire):
    application = journey(people, questionnaire)
    browser = signed_in(people["reviewer"].user)
    base = f"/console/review/{application.acceptance_number}/"
    browser.post(f"{base}take/")
    response = browser.post(f"{base}reject/", {"step": "exchanges", "reason": ""})
    assert response.status_code == 302
    assert "请填写驳回原因。" in browser.get(base).content.decode()
    assert state(application) == S.SUBMITTED
    response = browser.post(f"{base}reject/", {"step": "exchanges", "reason": "成绩单不清晰"})
    assert response.url == "/console/review/"
    assert state(application) == S.REJECTED


def test_an_agent_cannot_use_the_console(people, questionnaire):
    application = journey(people, questionnaire)
    browser = signed_in(people["agent"].user)
    base = f"/console/review/{application.acceptance_number}/"
    assert browser.get(base).status_code == 403
    assert browser.post(f"{base}approve/", {"code_SHFE": "1"}).status_code == 403
    assert state(application) == S.SUBMITTED


# --- what the investor sees after the decision ----------------------------------------------


def test_my_business_shows_the_reason_then_the_codes_and_every_round(client, people, questionnaire):
    # given an application rejected to the exchange step
    application = journey(people, questionnaire)
    reviewer, me = people["reviewer"], people["investor"]
    review_claim(application=application, actor=reviewer)
    review_reject(application=application, actor=reviewer, step="exchanges", reason="请只开上期所")
    log_in(client, me.client)
    # then my business shows the reason and the step to fix, and leads to it
    page = client.get("/business/").content.decode()
    assert "请只开上期所" in page
    assert "复核未通过，请按备注修改“交易所选择”后重新提交。" in page
    resume = client.get(f"/business/{application.acceptance_number}/")
    assert resume.url.endswith("/exchanges/")
    assert "请只开上期所" in client.get(resume.url).content.decode()
    # when it is fixed without a change: submitted again at once (nothing else to redo)
    assert step_submit(
        application=application,
        actor=me,
        step_name="exchanges",
        data={"exchanges": ["SHFE", "DCE"]},
    ).outcome.done
    assert state(application) == S.SUBMITTED
    review_claim(application=application, actor=reviewer)
    review_approve(application=application, actor=reviewer, codes=CODES)
    # then my business shows the new codes and both rounds
    page = client.get("/business/").content.decode()
    assert "新开交易编码" in page
    assert "上海期货交易所（SHFE）：000181000010" in page
    assert "大连商品交易所（DCE）：000282000020" in page
    assert page.count("提交") >= 2 and "驳回（交易所选择）：请只开上期所" in page
    assert "复核通过" in page
    assert "reviewer" not in page  # staff stay unnamed to the investor


# --- two reviewers at the same moment (PostgreSQL's row locks) -------------------------------


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_reviewer", [True, False])
def test_two_approvals_at_once_record_the_codes_once(
    postgres_url, people, questionnaire, same_reviewer
):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: run with DATABASE_URL set")
    # given a submitted application two approvals reach at the same moment
    application = journey(people, questionnaire)
    reviewers = [people["reviewer"], people["reviewer" if same_reviewer else "reviewer2"]]
    barrier, outcomes = threading.Barrier(2), []

    def attempt(reviewer):
        try:
            barrier.wait()
            review_approve(application=application, actor=reviewer, codes=CODES)
            outcomes.append("done")
        except BusinessError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then one wins; the other is refused (the state moved on, or the other holds it)
    assert outcomes.count("done") == 1
    assert set(outcomes) - {"done"} <= {"not_submitted", "claimed_by_other"}
    assert TradingCodeGrant.objects.count() == 2
    assert ClientExchange.objects.filter(client=application.client).count() == 2


def _stored_photo(client, side="front", content=b"\xff\xd8jpeg-bytes"):
    from django.core.files.base import ContentFile

    from photos.models import IdPhoto
    from privacy import crypto

    photo = IdPhoto(client=client, side=side, content_hash="0" * 64)
    photo.image.save("image", ContentFile(crypto.encrypt(content)), save=False)
    photo.original.save("original", ContentFile(crypto.encrypt(content)), save=False)
    photo.save()
    return photo


def test_the_reviewer_sees_the_photos_the_step_recorded(people, questionnaire):
    from audit.models import AuditEvent

    # given a submitted application whose photos step recorded the front photo
    application = journey(people, questionnaire)
    front = _stored_photo(application.client)
    stranger = _stored_photo(ClientFactory())
    StepRecord.objects.filter(application=application, kind="photos").update(
        evidence={"photos": {"front": front.pk}}
    )
    base = f"/console/review/{application.acceptance_number}/"
    browser = signed_in(people["reviewer"].user)
    # then the screen shows it, and the image is served to the reviewer, audited
    assert f"{base}photos/{front.pk}.jpg" in browser.get(base).content.decode()
    image = browser.get(f"{base}photos/{front.pk}.jpg")
    assert image.status_code == 200 and image.content == b"\xff\xd8jpeg-bytes"
    assert "no-store" in image["Cache-Control"]
    assert AuditEvent.objects.filter(
        action="personal_data.read", object_id=str(front.pk), data__what="id_photo"
    ).exists()
    # and no other photo through this application, nor to an agent
    assert browser.get(f"{base}photos/{stranger.pk}.jpg").status_code == 404
    agent = signed_in(people["agent"].user)
    assert agent.get(f"{base}photos/{front.pk}.jpg").status_code == 403
