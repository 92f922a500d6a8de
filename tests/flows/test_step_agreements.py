"""Step 4, read agreements: "下一步" only after each agreement was opened and read to its end;
the server records the pinned version, when and for how long."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from content.models import DocumentRendition
from content.services import document_rendition_ensure
from flows.models import StepRecord
from flows.steps import agreements as agreements_module
from tests.factories import ClientFactory, published_document, published_flow
from tests.flows.step_client import post_step
from tests.flows.test_engine import log_in, start, token

pytestmark = pytest.mark.django_db

MESSAGE = "请完整阅读该协议内容"


@pytest.fixture
def two_agreements(db):
    first = published_document("agreement", "agreement-a", "期货交易风险说明", "<p>甲条款。</p>")
    second = published_document("agreement", "agreement-b", "反洗钱协议", "<p>乙条款。</p>")
    published_flow([("agreements", {"documents": [first, second]})])
    return first, second


@pytest.fixture
def one_agreement(db):
    document = published_document("agreement", "agreement-c", "居间协议", "<p>丙条款。</p>")
    published_flow([("agreements", {"documents": [document]})])
    return document


def begin(client):
    log_in(client, ClientFactory())
    application, base = start(client)
    return application, f"{base}/agreements/"


def act(client, url, name, document):
    return client.post(f"{url}action/{name}/", {"document": document.pk})


def next_step(client, url):
    return post_step(client, url, {"step_token": token(client, url), "action": "next"})


def readings(application) -> dict:
    record = StepRecord.objects.filter(application=application, kind="agreements").first()
    return record.evidence.get("readings", {}) if record else {}


def test_next_is_refused_without_reading(client, one_agreement):
    application, url = begin(client)
    response = next_step(client, url)
    assert response.status_code == 400
    assert f"<li>{MESSAGE}</li>" in response.content.decode()
    assert not StepRecord.objects.filter(application=application, completed_at__isnull=False)


def test_opened_without_reaching_the_end_is_refused(client, one_agreement):
    application, url = begin(client)
    act(client, url, "opened", one_agreement)
    assert next_step(client, url).status_code == 400


def test_several_agreements_name_the_unread_one(client, two_agreements):
    first, second = two_agreements
    application, url = begin(client)
    act(client, url, "opened", first)
    act(client, url, "end", first)
    page = next_step(client, url).content.decode()
    assert f"{MESSAGE}：《反洗钱协议》" in page and "《期货交易风险说明》" not in page


def test_reading_records_version_times_and_duration(client, one_agreement, monkeypatch):
    # given
    application, url = begin(client)
    start_time = timezone.now()
    times = iter([start_time, start_time + datetime.timedelta(seconds=42.5)])
    monkeypatch.setattr(agreements_module, "timezone", SimpleNamespace(now=lambda: next(times)))
    # when
    act(client, url, "opened", one_agreement)
    answer = act(client, url, "end", one_agreement).json()
    monkeypatch.undo()
    # then
    rendition = DocumentRendition.objects.get(
        pk=application.pinned_documents[str(one_agreement.pk)]
    )
    reading = readings(application)[str(one_agreement.pk)]
    assert answer["read"] is True
    assert (reading["rendition"], reading["revision"], reading["sha256"]) == (
        rendition.pk,
        rendition.revision_id,
        rendition.sha256,
    )
    assert reading["opened_at"] == start_time.isoformat()
    assert reading["seconds"] == 42.5
    response = next_step(client, url)
    assert response.status_code == 302
    record = StepRecord.objects.get(application=application, kind="agreements")
    assert record.is_complete and record.evidence["readings"] == readings(application)


def test_the_first_opening_and_the_first_end_count(client, one_agreement):
    application, url = begin(client)
    act(client, url, "opened", one_agreement)
    act(client, url, "end", one_agreement)
    before = readings(application)
    act(client, url, "opened", one_agreement)
    act(client, url, "end", one_agreement)
    assert readings(application) == before


def test_an_end_before_opened_is_refused(client, one_agreement):
    application, url = begin(client)
    response = act(client, url, "end", one_agreement)
    assert response.status_code == 400
    assert response.json() == {"message": "请先打开协议再阅读。", "code": "not_opened"}
    assert readings(application) == {}
    assert next_step(client, url).status_code == 400


def test_an_unknown_document_is_ignored(client, one_agreement):
    other = published_document("agreement", "not-in-step", "别的协议", "<p>丁。</p>")
    application, url = begin(client)
    for name in ("opened", "end"):
        assert act(client, url, name, other).json() == {"ignored": True}
    assert readings(application) == {}


def test_an_unknown_action_is_not_found(client, one_agreement):
    _, url = begin(client)
    assert act(client, url, "skip", one_agreement).status_code == 404


def test_a_new_revision_published_later_does_not_change_what_is_read(client, one_agreement):
    # given: the business started, then the agreement was changed and published again
    application, url = begin(client)
    pinned = application.pinned_documents[str(one_agreement.pk)]
    one_agreement.title = "居间协议（修订）"
    one_agreement.save_revision().publish()
    one_agreement.refresh_from_db()
    newer = document_rendition_ensure(revision=one_agreement.live_revision)
    assert newer.pk != pinned
    # when
    page = client.get(url).content.decode()
    act(client, url, "opened", one_agreement)
    act(client, url, "end", one_agreement)
    # then
    assert "居间协议（修订）" not in page and "居间协议" in page
    assert readings(application)[str(one_agreement.pk)]["rendition"] == pinned
    assert next_step(client, url).status_code == 302


def test_the_page_shows_each_agreement_in_a_scroll_box_with_an_end_marker(client, two_agreements):
    _, url = begin(client)
    page = client.get(url).content.decode()
    assert page.count('class="agreement-end"') == 2
    assert "甲条款" in page and "乙条款" in page
    assert 'data-message="请完整阅读该协议内容"' in page
    assert "flows/agreements.js" in page


def test_the_page_names_each_agreement_by_its_document_pinned_or_not(client, two_agreements):
    # given one agreement pinned at the start, the other not (as one published after it)
    first, second = two_agreements
    application, url = begin(client)
    application.pinned_documents.pop(str(second.pk))
    application.save(update_fields=["pinned_documents"])
    # when
    page = client.get(url).content.decode()
    # then both are shown under their own documents, the unpinned one as it is now
    assert f'data-document="{first.pk}"' in page and f'data-document="{second.pk}"' in page
    assert page.index("甲条款") < page.index("乙条款")
    assert act(client, url, "opened", second).json()["opened"] is True
