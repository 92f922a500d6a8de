"""Steps 1–4 driven through the step services alone, with no HTTP: what the REST API and a mobile
app will do. The same rules hold as on the investor's pages; summaries are typed."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from common.exceptions import BusinessError
from flows.actors import Actor
from flows.models import Application, ApplicationState, ScoreReport, StepRecord
from flows.services import application_start, step_act, step_submit, step_summaries
from flows.services.steps import step_state
from flows.steps.agreements import AgreementsSummary
from flows.steps.exchanges import ExchangesSummary
from flows.steps.photos import PhotosSummary
from photos.models import IdPhoto
from staff.roles import Role
from tests.factories import (
    ClientFactory,
    ExchangeFactory,
    published_document,
    published_flow,
    staff_user,
)
from tests.flows.test_step_basic_info import VALID as BASIC_INFO_ANSWERS
from tests.flows.test_step_photos import signature_photo
from tests.photos.photos_helpers import card_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(db):
    letter = published_document("security_letter", title="数字证书安全责任书")
    agreement = published_document("agreement", "read-me", "期货经纪合同", "<p>条款。</p>")
    ExchangeFactory(code="SHFE", name_zh="上海期货交易所", category="commodity")
    ExchangeFactory(
        code="CFFEX", name_zh="中国金融期货交易所", category="financial", needs_score_reports=True
    )
    published_flow(
        [
            ("photos", {"security_letter": letter}),
            ("basic_info", {"suitability_questionnaire": None}),
            ("exchanges", {}),
            ("agreements", {"documents": [agreement]}),
            ("witness", {"script": None}),
        ]
    )
    return agreement


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.jpg", data, content_type="image/jpeg")


def at_exchanges(**client_fields) -> tuple[Application, Actor]:
    """An application whose photos and basic information are done."""
    investor = ClientFactory(**client_fields)
    application = application_start(client=investor)
    for kind in ("photos", "basic_info"):
        StepRecord.objects.create(
            application=application, kind=kind, completed_at="2026-12-01T10:00:00+08:00"
        )
    return application, Actor.investor(investor)


def test_steps_one_to_four_through_the_services_alone(flow):
    # given an investor (C4, assessed until next year: no notices, no assessment due) and an
    # integrator acting for them
    investor = ClientFactory(
        suitability_class="C4", suitability_expires=timezone.localdate() + datetime.timedelta(365)
    )
    application = application_start(client=investor)
    me = Actor.investor(investor)

    # when: 1. photos, judged and then confirmed with the letter agreed
    photos = {"front": [upload("front", card_photo("front")[0])]}
    photos["back"] = [upload("back", card_photo("back")[0])]
    photos["signature"] = [upload("signature", signature_photo())]
    shown = step_submit(
        application=application, actor=me, step_name="photos", data={}, files=photos
    )
    assert not shown.outcome.done and not shown.outcome.errors
    done = step_submit(
        application=application, actor=me, step_name="photos", data={"letter_agreed": "true"}
    )
    assert done.outcome.done
    # 2. basic information, by an integrator's app on the investor's behalf
    integrator = Actor.integrator(staff_user("app", Role.INTEGRATOR))
    assert step_submit(
        application=application, actor=integrator, step_name="basic_info", data=BASIC_INFO_ANSWERS
    ).outcome.done
    # 3. exchanges
    assert step_submit(
        application=application, actor=me, step_name="exchanges", data={"exchanges": ["SHFE"]}
    ).outcome.done
    # 4. the agreement read to its end, then "下一步"
    for action in ("opened", "end"):
        step_act(
            application=application,
            actor=me,
            step_name="agreements",
            action=action,
            data={"document": str(flow.pk)},
        )
    assert step_submit(
        application=application, actor=me, step_name="agreements", data={}
    ).outcome.done

    # then the witness is current, and each step's summary is typed
    assert step_state(application=application, actor=me, step_name="exchanges")["exchanges"]
    summaries = {summary.kind: summary for summary in step_summaries(application=application)}
    assert isinstance(summaries["photos"], PhotosSummary)
    assert set(summaries["photos"].photos) == {"front", "back", "signature"}
    assert summaries["photos"].security_letter.title == "数字证书安全责任书"
    assert isinstance(summaries["exchanges"], ExchangesSummary)
    assert summaries["exchanges"].selected == ["SHFE"]
    assert isinstance(summaries["agreements"], AgreementsSummary)
    assert summaries["agreements"].readings[0].end_at is not None
    assert summaries["basic_info"].answers["tax_residency"] == "china_only"
    assert summaries["basic_info"].as_dict()["kind"] == "basic_info"
    assert StepRecord.objects.get(application=application, kind="basic_info").completed_by == (
        "integrator:app"
    )


def front_photo_posted(application, actor, version):
    return step_submit(
        application=application,
        actor=actor,
        step_name="photos",
        data={},
        files={"front": [upload("front", card_photo("front")[0])]},
        version=version,
    )


def test_a_photo_posted_for_an_old_version_is_not_kept(flow):
    # given the investor's photos step moved on since the page was shown (version 0)
    investor = ClientFactory(suitability_class="C4")
    application = application_start(client=investor)
    me = Actor.investor(investor)
    step_submit(application=application, actor=me, step_name="photos", data={"letter_agreed": ""})
    # when the old page posts a photo
    stale = front_photo_posted(application, me, version=0)
    # then nothing is judged or kept
    assert stale.outcome.stale
    assert not IdPhoto.objects.exists()


def test_a_photo_judged_for_a_post_that_loses_the_race_is_removed(flow, monkeypatch):
    # given a post whose version moves on while its photo is being judged
    investor = ClientFactory(suitability_class="C4")
    application = application_start(client=investor)
    me = Actor.investor(investor)
    from flows.steps.photos import PhotosService

    judged = PhotosService.prepare

    def judged_then_overtaken(self, **kwargs):
        prepared = judged(self, **kwargs)
        StepRecord.objects.update_or_create(
            application=application, kind="photos", defaults={"version": 5}
        )
        return prepared

    monkeypatch.setattr(PhotosService, "prepare", judged_then_overtaken)
    # when
    result = front_photo_posted(application, me, version=0)
    # then the photo is not kept
    assert result.outcome.stale
    assert not IdPhoto.objects.exists()


def _report(shade: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 100, 100)).save(buffer, "PNG")
    return SimpleUploadedFile("r.png", buffer.getvalue())


def test_score_reports_of_a_refused_post_are_not_kept(flow):
    # given a C4 investor choosing CFFEX with an invalid code beside it
    application, me = at_exchanges(suitability_class="C4")
    # when
    outcome = step_submit(
        application=application,
        actor=me,
        step_name="exchanges",
        data={"exchanges": ["CFFEX", "NOPE"], "score_choice": "upload"},
        files={"score_reports": [_report(1), _report(2)]},
    ).outcome
    # then refused, and no report (nor file) kept
    assert outcome.errors == {"exchanges": ["所选交易所无效，请重新选择。"]}
    assert not ScoreReport.objects.exists()


@pytest.mark.parametrize(
    ("who", "code"),
    [("agent", "wrong_actor"), ("reviewer", "wrong_actor"), ("stranger", "not_found")],
)
def test_a_step_posted_by_an_actor_who_does_not_complete_it_is_refused(flow, who, code):
    investor = ClientFactory(suitability_class="C4")
    application = application_start(client=investor)
    actor = {
        "agent": Actor.agent(staff_user("a", Role.WITNESS_AGENT, investor.branch)),
        "reviewer": Actor.reviewer(staff_user("r", Role.REVIEWER)),
        "stranger": Actor.investor(ClientFactory()),
    }[who]
    with pytest.raises(BusinessError) as refused:
        step_submit(application=application, actor=actor, step_name="photos", data={})
    assert refused.value.code == code
    assert not StepRecord.objects.exists()


def test_giving_up_at_a_notice_abandons_through_the_lifecycle(flow):
    # given a C1 investor facing the first notice, whose text is live
    published_document("notice_c1_c2", "c1c2", "适当性告知", "<p>风险。</p>")
    application, me = at_exchanges(suitability_class="C1")
    notice = step_state(application=application, actor=me, step_name="exchanges")["pending_notice"]
    # when they choose to give up
    result = step_act(
        application=application,
        actor=me,
        step_name="exchanges",
        action="acknowledge",
        data={"document": str(notice["document"]), "confirmation": "1", "choice": "give_up"},
    )
    # then the business is abandoned, with the reason on record
    assert result.effect == "abandoned"
    assert Application.objects.get(pk=application.pk).state == ApplicationState.ABANDONED


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_one_form_posted_six_times_at_once_stores_its_reports_once(postgres_url, flow):
    import threading

    from django.core.files.storage import default_storage
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: run with DATABASE_URL set")
    # given a C4 investor at the exchanges step, and one form shown (version 0)
    application, me = at_exchanges(suitability_class="C4")
    files_before = (
        len(default_storage.listdir("score-reports")[1])
        if default_storage.exists("score-reports")
        else 0
    )
    barrier, outcomes = threading.Barrier(6), []

    def post():
        try:
            barrier.wait()
            result = step_submit(
                application=application,
                actor=me,
                step_name="exchanges",
                data={"exchanges": ["CFFEX"], "score_choice": "upload"},
                files={"score_reports": [_report(11), _report(12)]},
                version=0,
            )
            outcomes.append("stale" if result.outcome.stale else "taken")
        finally:
            connection.close()

    # when the same form is posted six times at once
    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then it is taken once: two reports, and no file left behind by the others
    assert sorted(outcomes) == ["stale"] * 5 + ["taken"]
    assert ScoreReport.objects.filter(application=application).count() == 2
    assert len(default_storage.listdir("score-reports")[1]) == files_before + 2
