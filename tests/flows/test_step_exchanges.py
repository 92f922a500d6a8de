"""Step 3, exchanges: the notices each investor must acknowledge (and how often), giving up,
choosing again, opened exchanges, tampered posts, score reports and the knowledge test."""

from __future__ import annotations

import datetime
import io
import itertools
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from clients.models import ClientExchange
from content.models import Document
from flows.models import Application, ApplicationState, ScoreReport, StepRecord
from flows.selectors import application_document
from flows.steps import score_reports
from flows.steps.score_reports import score_report_read
from tests.factories import ClientFactory, ExchangeFactory, published_document, published_flow
from tests.flows.step_client import post_step
from tests.flows.test_engine import log_in, start, token

pytestmark = pytest.mark.django_db

INVALID = "所选交易所无效，请重新选择。"
AT_LEAST_ONE = "请至少选择一个新的交易所。"
COUNT = "请上传 2 至 10 张成绩报告单。"


@pytest.fixture(autouse=True)
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # uploaded reports go away with the test
    ExchangeFactory(code="SHFE", name_zh="上海期货交易所", category="commodity", sort_order=1)
    ExchangeFactory(code="DCE", name_zh="大连商品交易所", category="commodity", sort_order=2)
    ExchangeFactory(
        code="CFFEX",
        name_zh="中国金融期货交易所",
        category="financial",
        needs_score_reports=True,
        sort_order=5,
    )
    ExchangeFactory(
        code="INE",
        name_zh="上海国际能源交易中心",
        category="crude_oil",
        needs_score_reports=True,
        sort_order=6,
    )
    ExchangeFactory(code="OLD", name_zh="已停用交易所", category="commodity", active=False)
    published_document("notice_c1_c2", "notice-c1-c2", "C1C2告知书", "<p>低风险承受能力告知。</p>")
    published_document("notice_c3", "notice-c3", "C3告知书", "<p>金融原油告知。</p>")
    published_document("warning_c1_c2", "warning-c1-c2", "C1C2提示", "<p>复核可能不通过。</p>")
    published_flow([("exchanges", {"knowledge_test_url": KNOWLEDGE_TEST})])


KNOWLEDGE_TEST = "https://exam.example.invalid/test"


def begin(client, **investor):
    log_in(client, ClientFactory(**investor))
    application, base = start(client)
    return application, f"{base}/exchanges/"


def choose(client, url, codes, **extra):
    data = {"step_token": token(client, url), "exchanges": codes, **extra}
    return post_step(client, url, data)


def shown_notice(client, url) -> tuple[str, str] | None:
    page = client.get(url).content.decode()
    found = re.search(
        r'name="document" value="(\d+)".*?name="confirmation" value="(\d)"', page, re.S
    )
    return (found[1], found[2]) if found else None


def acknowledge(client, url, choice="insist", notice=None):
    document, confirmation = notice or shown_notice(client, url)
    return client.post(
        f"{url}action/acknowledge/",
        {"document": document, "confirmation": confirmation, "choice": choice},
    )


def acknowledge_all(client, url) -> int:
    count = 0
    while shown_notice(client, url):
        acknowledge(client, url)
        count += 1
    return count


def record(application) -> StepRecord:
    return StepRecord.objects.get(application=application, kind="exchanges")


def acks(application) -> list[tuple[str, int, str]]:
    stored = StepRecord.objects.filter(application=application, kind="exchanges").first()
    return [
        (a["notice"], a["confirmation"], a["choice"])
        for a in (stored.evidence.get("acknowledgements", []) if stored else [])
    ]


_shade = itertools.count()


def image(kind="PNG", name="report.png", shade=None) -> SimpleUploadedFile:
    """A small image, a different one at each call unless `shade` is given (the same file
    uploaded twice is one report)."""
    buffer = io.BytesIO()
    level = next(_shade) if shade is None else shade
    Image.new("RGB", (40, 30), (level % 256, level // 256 % 256, 200)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


C1C2 = [("notice_c1_c2", 1, "insist"), ("notice_c1_c2", 2, "insist")]
C3 = [("notice_c3", 1, "insist"), ("notice_c3", 2, "insist")]
WARNING = [("warning_c1_c2", 1, "insist")]


@pytest.mark.parametrize(
    ("suitability", "investor_type", "code", "expected"),
    [
        ("C1", "ordinary", "SHFE", C1C2),
        ("C1", "ordinary", "CFFEX", C1C2 + WARNING),
        ("C1", "ordinary", "INE", C1C2 + WARNING),
        ("C2", "ordinary", "SHFE", C1C2),
        ("C2", "ordinary", "CFFEX", C1C2 + WARNING),
        ("C2", "ordinary", "INE", C1C2 + WARNING),
        ("C3", "ordinary", "SHFE", []),
        ("C3", "ordinary", "CFFEX", C3),
        ("C3", "ordinary", "INE", C3),
        ("C4", "ordinary", "SHFE", []),
        ("C4", "ordinary", "CFFEX", []),
        ("C4", "ordinary", "INE", []),
        ("C5", "ordinary", "SHFE", []),
        ("C5", "ordinary", "CFFEX", []),
        ("C5", "ordinary", "INE", []),
        ("C1", "professional", "SHFE", []),
        ("C1", "professional", "CFFEX", []),
        ("C3", "professional", "INE", []),
        ("C5", "professional", "CFFEX", []),
    ],
)
def test_notices_by_suitability_and_exchange(client, suitability, investor_type, code, expected):
    # given
    application, url = begin(client, suitability_class=suitability, investor_type=investor_type)
    # when
    before = acknowledge_all(client, url)
    choose(client, url, [code], score_choice="test")
    acknowledge_all(client, url)
    # then
    assert before == (2 if expected[:2] == C1C2 else 0)
    assert acks(application) == expected
    assert record(application).is_complete
    assert record(application).data == {"selected": [code], "score_choice": "test"}


def test_c1_sees_the_selection_only_after_two_confirmations_of_the_same_text(client):
    application, url = begin(client, suitability_class="C1")
    first = client.get(url).content.decode()
    assert 'name="exchanges"' not in first and "第一次告知" in first
    assert "低风险承受能力告知" in first and "放弃开户" in first
    acknowledge(client, url)
    second = client.get(url).content.decode()
    assert 'name="exchanges"' not in second and "再次确认" in second
    assert "低风险承受能力告知" in second
    acknowledge(client, url)
    assert 'name="exchanges"' in client.get(url).content.decode()


@pytest.mark.parametrize("at_confirmation", [1, 2])
def test_c1_giving_up_ends_the_business(client, at_confirmation):
    application, url = begin(client, suitability_class="C2")
    for _ in range(at_confirmation - 1):
        acknowledge(client, url)
    response = acknowledge(client, url, choice="give_up")
    assert response.url == "/business/"
    assert Application.objects.get(pk=application.pk).state == ApplicationState.ABANDONED
    assert acks(application)[-1] == ("notice_c1_c2", at_confirmation, "give_up")


def test_c1_cannot_choose_before_the_notices(client):
    application, url = begin(client, suitability_class="C1")
    response = choose(client, url, ["SHFE"])
    assert response.status_code == 400
    assert "请先阅读并确认适当性告知书。" in response.content.decode()
    assert not StepRecord.objects.filter(application=application).exists()


def test_c3_choosing_again_unticks_financial_and_crude_oil(client):
    application, url = begin(client, suitability_class="C3")
    choose(client, url, ["SHFE", "CFFEX", "INE"], score_choice="test")
    acknowledge(client, url)
    response = acknowledge(client, url, choice="choose_again")
    assert response.url == url
    page = client.get(url).content.decode()
    assert 'name="document"' not in page
    assert 'value="SHFE" checked' in page and 'value="CFFEX" checked' not in page
    assert acks(application) == [("notice_c3", 1, "insist"), ("notice_c3", 2, "choose_again")]
    assert not record(application).is_complete
    # choosing CFFEX again starts the two confirmations over
    choose(client, url, ["CFFEX"], score_choice="test")
    assert shown_notice(client, url)[1] == "1"


def test_c1_choosing_again_at_the_warning(client):
    application, url = begin(client, suitability_class="C1")
    acknowledge_all(client, url)
    choose(client, url, ["DCE", "CFFEX"], score_choice="test")
    acknowledge(client, url, choice="choose_again")
    assert record(application).data["draft"]["selected"] == ["DCE"]
    assert acks(application)[-1] == ("warning_c1_c2", 1, "choose_again")


def test_give_up_is_not_a_choice_of_the_c3_notice(client):
    application, url = begin(client, suitability_class="C3")
    choose(client, url, ["CFFEX"], score_choice="test")
    acknowledge(client, url, choice="give_up")
    assert Application.objects.get(pk=application.pk).state == ApplicationState.IN_PROGRESS
    assert acks(application) == []


def test_reload_keeps_the_notice_due_and_a_forged_confirmation_is_ignored(client):
    application, url = begin(client, suitability_class="C3")
    choose(client, url, ["CFFEX"], score_choice="test")
    document, _ = shown_notice(client, url)
    assert shown_notice(client, url) == (document, "1")  # reload
    acknowledge(client, url, notice=(document, "2"))  # skipping the first
    assert shown_notice(client, url) == (document, "1")
    acknowledge(client, url, notice=(document, "1"))
    acknowledge(client, url, notice=(document, "1"))  # the same form posted twice
    assert acks(application) == [("notice_c3", 1, "insist")]
    assert shown_notice(client, url) == (document, "2")
    # "下一步" posted again cannot skip the second confirmation
    choose(client, url, ["CFFEX"], score_choice="test")
    assert not record(application).is_complete


def test_the_last_confirmation_completes_the_step(client):
    application, url = begin(client, suitability_class="C3")
    choose(client, url, ["INE"], score_choice="test")
    acknowledge(client, url)
    response = acknowledge(client, url)
    assert response.url == f"/business/{application.acceptance_number}/"
    assert record(application).is_complete
    assert "draft" not in record(application).data


def test_acknowledgements_record_the_pinned_text_version(client):
    application, url = begin(client, suitability_class="C1")
    acknowledge_all(client, url)
    entry = record(application).evidence["acknowledgements"][0]
    rendition = application_document(
        application=application, document=Document.objects.get(code="notice-c1-c2")
    )
    assert entry["document"] == rendition.document_id
    assert (entry["rendition"], entry["revision"], entry["sha256"]) == (
        rendition.pk,
        rendition.revision_id,
        rendition.sha256,
    )
    assert entry["choice"] == "insist" and entry["confirmation"] == 1
    assert datetime.datetime.fromisoformat(entry["at"]).tzinfo is not None


def test_opened_exchanges_are_ticked_disabled_with_their_code_and_refused_if_posted(client):
    investor = ClientFactory(suitability_class="C4")
    ClientExchange.objects.create(
        client=investor, exchange=ExchangeFactory(code="SHFE"), trading_code="81000010"
    )
    log_in(client, investor)
    application, base = start(client)
    url = f"{base}/exchanges/"
    page = client.get(url).content.decode()
    assert "81000010" in page and 'value="SHFE"' not in page
    assert re.search(r'<input type="checkbox" checked disabled>\s*<span>上海期货交易所', page)
    response = choose(client, url, ["SHFE", "DCE"])
    assert response.status_code == 400 and INVALID in response.content.decode()
    assert not StepRecord.objects.filter(application=application).exists()


@pytest.mark.parametrize("codes", [["NOPE"], ["OLD"], ["DCE", "DCE"]])
def test_a_tampered_selection_is_refused_and_nothing_stored(client, codes):
    application, url = begin(client, suitability_class="C4")
    response = choose(client, url, codes)
    assert response.status_code == 400 and INVALID in response.content.decode()
    assert not StepRecord.objects.filter(application=application).exists()


def test_at_least_one_new_exchange(client):
    application, url = begin(client, suitability_class="C4")
    response = choose(client, url, [])
    assert response.status_code == 400 and AT_LEAST_ONE in response.content.decode()


def test_commodity_only_needs_no_score_reports(client):
    application, url = begin(client, suitability_class="C4")
    choose(client, url, ["SHFE"])
    assert record(application).is_complete
    assert record(application).evidence["reports_required"] is False


@pytest.mark.parametrize("uploaded", [0, 1, 11])
def test_a_first_financial_account_needs_two_to_ten_reports(client, uploaded):
    application, url = begin(client, suitability_class="C4")
    files = [image(name=f"r{n}.png") for n in range(uploaded)]
    response = choose(client, url, ["CFFEX"], score_choice="upload", score_reports=files)
    assert response.status_code == 400 and COUNT in response.content.decode()
    assert ScoreReport.objects.count() == (uploaded if uploaded <= 10 else 0)
    assert not StepRecord.objects.get(application=application).is_complete


def test_two_reports_complete_the_step_stored_encrypted_under_random_names(client):
    application, url = begin(client, suitability_class="C4")
    files = [image("PNG", "张三成绩.png"), image("JPEG", "scan.txt")]  # content decides, not name
    choose(client, url, ["CFFEX", "INE"], score_choice="upload", score_reports=files)
    assert record(application).is_complete
    reports = list(ScoreReport.objects.filter(application=application))
    assert [r.content_type for r in reports] == ["image/png", "image/jpeg"]
    stored = default_storage.open(reports[0].file.name).read()
    assert b"PNG" not in stored[:16] and "张三" not in reports[0].file.name
    assert score_report_read(reports[0]).startswith(b"\x89PNG")
    evidence = record(application).evidence
    assert [r["sha256"] for r in evidence["score_reports"]] == [r.sha256 for r in reports]


def test_reports_accumulate_over_posts_up_to_ten(client):
    application, url = begin(client, suitability_class="C4")
    choose(client, url, ["CFFEX"], score_reports=[image()])
    choose(client, url, ["CFFEX"], score_reports=[image()])
    assert record(application).is_complete


def test_the_same_report_posted_twice_is_one_report(client):
    # given: the 2-10 rule cannot be met by posting one report twice
    application, url = begin(client, suitability_class="C4")
    # when
    choose(client, url, ["CFFEX"], score_reports=[image(shade=7)])
    response = choose(client, url, ["CFFEX"], score_reports=[image(shade=7), image(shade=7)])
    # then
    assert response.status_code == 400 and COUNT in response.content.decode()
    assert ScoreReport.objects.filter(application=application).count() == 1
    assert not record(application).is_complete


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"%PDF-1.4 not an image", "report.png", "不是 JPEG 或 PNG 图片"),
        (b"\x89PNG\r\n\x1a\n broken", "report.png", "不是 JPEG 或 PNG 图片"),
        (b"GIF89a......", "report.jpg", "不是 JPEG 或 PNG 图片"),
    ],
)
def test_a_file_that_is_not_a_jpeg_or_png_is_refused(client, content, name, reason):
    application, url = begin(client, suitability_class="C4")
    files = [image(), SimpleUploadedFile(name, content)]
    response = choose(client, url, ["CFFEX"], score_reports=files)
    assert response.status_code == 400 and reason in response.content.decode()
    assert ScoreReport.objects.count() == 0  # none of the batch


def test_a_truncated_jpeg_report_is_refused_as_incomplete(client):
    # given a JPEG report cut short in upload, in a process where weasyprint has made Pillow
    # pad truncated images silently (and Image.verify() checks nothing for JPEG)
    import weasyprint  # noqa: F401 - turns ImageFile.LOAD_TRUNCATED_IMAGES on

    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 40).convert("RGB").save(buffer, "JPEG")
    cut = SimpleUploadedFile("report.jpg", buffer.getvalue()[: buffer.tell() // 2])
    application, url = begin(client, suitability_class="C4")

    # when
    response = choose(client, url, ["CFFEX"], score_reports=[image(), cut])

    # then it is refused with its reason, and nothing of the batch is kept
    assert response.status_code == 400
    assert "成绩报告单“report.jpg”不完整（可能上传中断），请重新上传。" in response.content.decode()
    assert ScoreReport.objects.count() == 0


def test_a_report_over_ten_megabytes_is_refused(client, monkeypatch):
    monkeypatch.setattr(score_reports, "MAX_BYTES", 10)
    application, url = begin(client, suitability_class="C4")
    response = choose(client, url, ["CFFEX"], score_reports=[image(), image()])
    assert "超过 10 MB" in response.content.decode()
    assert ScoreReport.objects.count() == 0


def test_a_client_with_a_financial_account_needs_no_reports_for_another(client):
    investor = ClientFactory(suitability_class="C4")
    ClientExchange.objects.create(
        client=investor, exchange=ExchangeFactory(code="CFFEX"), trading_code="00000001"
    )
    ExchangeFactory(
        code="FINX", name_zh="另一金融交易所", category="financial", needs_score_reports=True
    )
    log_in(client, investor)
    application, base = start(client)
    response = choose(client, f"{base}/exchanges/", ["INE"])  # a first crude-oil account
    assert response.status_code == 400 and COUNT in response.content.decode()
    choose(client, f"{base}/exchanges/", ["FINX"])
    assert record(application).is_complete


def test_the_knowledge_test_instead_of_reports_is_recorded(client):
    application, url = begin(client, suitability_class="C4")
    assert "在线测试入口" in client.get(url).content.decode()
    response = client.post(f"{url}action/knowledge-test/")
    assert response.url == "https://exam.example.invalid/test"
    choose(client, url, ["CFFEX"], score_choice="test")
    evidence = record(application).evidence
    assert record(application).is_complete
    assert evidence["knowledge_test"]["url"] == "https://exam.example.invalid/test"
    assert evidence["knowledge_test"]["chosen_at"]
    assert evidence["knowledge_test"]["first_followed_at"]


def test_without_a_knowledge_test_in_the_flow_only_score_reports_are_offered(client):
    # given the flow's exchanges step names no online test
    published_flow([("exchanges", {})])
    application, url = begin(client, suitability_class="C4")

    # when / then: the page offers none, and a forged choice of the test is refused
    page = client.get(url).content.decode()
    assert "在线测试入口" not in page and 'value="test"' not in page
    response = choose(client, url, ["CFFEX"], score_choice="test")
    assert response.status_code == 400
    assert "暂未提供在线知识测试，请上传成绩报告单。" in response.content.decode()
    followed = client.post(f"{url}action/knowledge-test/")
    assert followed.url == url
    kept = StepRecord.objects.filter(application=application, kind="exchanges").first()
    assert kept is None or not (kept.is_complete or "knowledge_test" in (kept.evidence or {}))


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("https://www.cfmmc.com/", "而不是网站首页"),
        ("https://exam.example.com", "而不是网站首页"),
        ("/", "而不是网站首页"),
        ("ftp://exam.example.com/test", "https://"),
        ("exam.example.com/test", "https://"),
        ("https://exam.example.com/test", None),
        ("/help/knowledge-test/", None),
        ("", None),
    ],
)
def test_the_knowledge_test_link_in_the_cms_must_be_the_test_page_itself(link, problem):
    from django.core.exceptions import ValidationError

    from flows.steps.kinds import KnowledgeTestLinkBlock

    block = KnowledgeTestLinkBlock(required=False)
    if problem is None:
        assert block.clean(link) == link
        return
    with pytest.raises(ValidationError) as refused:
        block.clean(link)
    assert problem in " ".join(refused.value.messages)


def test_a_report_can_be_removed_before_the_step_is_complete(client):
    application, url = begin(client, suitability_class="C4")
    choose(client, url, ["CFFEX"], score_reports=[image()])
    report = ScoreReport.objects.get()
    client.post(f"{url}action/remove-report/", {"report": report.pk})
    assert not ScoreReport.objects.exists()


def test_going_back_shows_the_selection_kept(client):
    published_flow(
        [
            ("exchanges", {"knowledge_test_url": KNOWLEDGE_TEST}),
            ("agreements", {"documents": [published_document()]}),
        ]
    )
    application, url = begin(client, suitability_class="C5")
    choose(client, url, ["DCE", "INE"], score_choice="test")
    page = client.get(url).content.decode()
    assert 'value="DCE" checked' in page and 'value="INE" checked' in page
    assert 'value="test" checked' in page
    assert Application.objects.get().pk == application.pk
