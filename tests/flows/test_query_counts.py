"""The SQL of a step page is a small constant: it does not grow with what the company configured
(exchanges, agreements) or with what the investor did before (no N+1). Measured as the page of a
logged-in investor at that step, with a little and with a lot of configuration."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flows.models import Application, StepRecord
from tests.factories import (
    ClientFactory,
    ExchangeFactory,
    published_document,
    published_flow,
    published_questionnaire,
)
from tests.flows.test_engine import log_in

pytestmark = pytest.mark.django_db

MAX_QUERIES = 30  # a step page's whole request: session, investor, application, records, content


def _exchanges(first: int, last: int) -> None:
    for n in range(first, last):
        ExchangeFactory(code=f"X{n:02d}", name_zh=f"交易所{n}", category="commodity", sort_order=n)


def _page_queries(client, kind: str, done: tuple[str, ...] = ()) -> int:
    investor = log_in(client, ClientFactory())
    assert client.get("/business/enter/").status_code == 302
    application = Application.objects.filter(client=investor).get()
    base = f"/business/{application.acceptance_number}"
    for earlier in done:
        StepRecord.objects.create(
            application=application, kind=earlier, completed_at="2026-12-01T10:00:00+08:00"
        )
    url = f"{base}/{kind}/"
    assert client.get(url).status_code == 200  # warm: the first view may create records
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_exchanges_page_makes_the_same_queries_for_two_exchanges_or_twelve(client):
    published_flow([("exchanges", {})])
    _exchanges(0, 2)
    few = _page_queries(client, "exchanges")
    client.logout()
    _exchanges(2, 12)
    many = _page_queries(client, "exchanges")
    assert few == many <= MAX_QUERIES


def test_the_agreements_page_makes_the_same_queries_for_one_agreement_or_eight(client):
    # the flow is republished between the cases: the last two have the same history behind them
    counts = []
    for total in (1, 8, 1):
        documents = [published_document("agreement", title=f"协议{n}") for n in range(total)]
        published_flow([("agreements", {"documents": documents})])
        counts.append(_page_queries(client, "agreements"))
        client.logout()
    assert counts[1] == counts[2] <= MAX_QUERIES


def test_a_later_step_page_does_not_grow_with_the_steps_before_it(client):
    letter = published_document("security_letter", title="数字证书安全责任书")
    agreement = published_document("agreement", title="期货经纪合同")
    _exchanges(0, 3)
    published_flow(
        [
            ("photos", {"security_letter": letter}),
            ("basic_info", {"suitability_questionnaire": None}),
            ("exchanges", {}),
            ("agreements", {"documents": [agreement]}),
        ]
    )
    counted = _page_queries(client, "agreements", done=("photos", "basic_info", "exchanges"))
    assert counted <= MAX_QUERIES


# The queries of each step page of a whole flow (the demo's: the letter, the suitability
# questionnaire, exchanges, two agreements, the witness with its script), at that step: the
# application with its investor (one query), its step records, then what the page shows (the
# session comes from the cache: common.sessions). The CMS renditions an application pinned are
# read once per process (flows.selectors.renditions); the options a page does not show (the
# witness script) are not read (flows.engine.StepOptions). The queries a page makes on every
# request build their SQL once per process (common.prepared): fewer queries and cheaper ones.
STEP_PAGE_QUERIES = {
    "photos": 3,  # + the photos on file (the letter: the rendition pinned)
    "basic_info": 3,  # + the questionnaire with its revisions (or the earlier answers)
    "exchanges": 5,  # + the exchanges with the client's accounts, the score reports
    "agreements": 2,  # + nothing: the renditions the application pinned (documents unread)
    "witness": 5,  # + the live appointment with the booked seats, the calendar
}


def _whole_flow() -> list[str]:
    from tests.flows.test_step_basic_info import BANDS, QUESTIONS

    letter = published_document("security_letter", title="数字证书安全责任书")
    agreements = [published_document("agreement", title=f"协议{n}") for n in range(2)]
    suitability = published_questionnaire("suitability", questions=QUESTIONS, bands=BANDS)
    script = published_questionnaire("witness_script", code="script")
    _exchanges(0, 3)
    steps = [
        ("photos", {"security_letter": letter}),
        ("basic_info", {"suitability_questionnaire": suitability}),
        ("exchanges", {}),
        ("agreements", {"documents": agreements}),
        ("witness", {"script": script}),
    ]
    published_flow(steps)
    return [kind for kind, _options in steps]


@pytest.mark.parametrize("kind", list(STEP_PAGE_QUERIES))
def test_each_step_page_of_a_whole_flow_makes_a_few_queries(
    client, kind, django_assert_max_num_queries
):
    kinds = _whole_flow()
    investor = log_in(client, ClientFactory())
    assert client.get("/business/enter/").status_code == 302
    application = Application.objects.filter(client=investor).get()
    for earlier in kinds[: kinds.index(kind)]:
        StepRecord.objects.create(
            application=application, kind=earlier, completed_at="2026-12-01T10:00:00+08:00"
        )
    url = f"/business/{application.acceptance_number}/{kind}/"
    assert client.get(url).status_code == 200  # warm: the first view may create records
    with django_assert_max_num_queries(STEP_PAGE_QUERIES[kind]):
        assert client.get(url).status_code == 200


def test_the_reads_of_every_step_page_keep_their_sql(client):
    # given a whole flow
    from content.models import reference
    from flows import engine, selectors
    from flows.steps import exchanges, score_reports
    from flows.steps.basic_info import suitability
    from photos import selectors as photo_selectors
    from video import appointments

    reads = {
        "application": selectors._application_with_client,
        "step records": engine._step_records,
        "earlier answers": selectors._earlier_step_record,
        "questionnaire": suitability._live_questionnaire,
        "exchanges": exchanges._catalogue_read,
        "score reports": score_reports._reports_of,
        "photos on file": photo_selectors._photos_of,
        "appointments": appointments._live_and_booked,
        "calendar": reference._calendar_between,
    }
    for read in reads.values():
        read._compiled.clear()
    kinds = _whole_flow()
    investor = log_in(client, ClientFactory(suitability_expires=datetime.date(2099, 1, 1)))
    assert client.get("/business/enter/").status_code == 302
    application = Application.objects.filter(client=investor).get()
    # when each step page is shown while it is the current step
    for kind in kinds:
        url = f"/business/{application.acceptance_number}/{kind}/"
        assert client.get(url).status_code == 200
        StepRecord.objects.update_or_create(
            application=application,
            kind=kind,
            defaults={"completed_at": "2026-12-01T10:00:00+08:00"},
        )
    # and the basic information page of an investor due a suitability assessment
    client.logout()
    due = log_in(client, ClientFactory(suitability_expires=None))
    assert client.get("/business/enter/").status_code == 302
    second = Application.objects.filter(client=due).get()
    StepRecord.objects.create(
        application=second, kind="photos", completed_at="2026-12-01T10:00:00+08:00"
    )
    page = client.get(f"/business/{second.acceptance_number}/basic_info/")
    assert page.status_code == 200
    # then each read kept its SQL (none fell back to building its queryset on every request)
    not_kept = [
        name
        for name, read in reads.items()
        if not read._compiled or None in read._compiled.values()
    ]
    assert not_kept == []
