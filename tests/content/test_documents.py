"""Documents: sanitised whatever the way in, imported from Word or HTML, approved before they go
live, and frozen per published revision so that any record can be shown again exactly."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Workflow

from content.importing import blocks_from_html, html_from_upload
from content.models import Document, DocumentRendition
from content.selectors import document_snapshot, documents_live
from content.services import COMPLIANCE_WORKFLOW
from staff.roles import Role
from tests.content.docx import make_docx, paragraph, table
from tests.factories import ExchangeFactory, published_document, staff_user

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">条款<script>alert(1)</script>'
    '<a href="javascript:evil()">链接</a><img src=x onerror=alert(2)></p>'
)


def test_script_and_event_handlers_are_stripped_when_saved():
    document = published_document(html=HOSTILE)
    stored = Document.objects.get(pk=document.pk)
    html = stored.render_html()
    for bad in ("script", "onclick", "onerror", "javascript:", "<img"):
        assert bad not in html
    assert "条款" in html


def test_a_word_file_is_imported_with_headings_lists_and_tables():
    data = make_docx(
        paragraph("第一章 总则", "Heading1"),
        paragraph("第一条 甲方应当……"),
        table([["项目", "标准"], ["手续费", "交易所标准的 1.2 倍"]]),
    )
    blocks = blocks_from_html(html_from_upload(data, "协议.docx"))
    assert [kind for kind, _ in blocks] == ["rich_text", "table"]
    assert "<h2>第一章 总则</h2>" in blocks[0][1].source
    assert blocks[1][1]["data"][1] == ["手续费", "交易所标准的 1.2 倍"]


def test_html_import_is_sanitised():
    blocks = blocks_from_html(html_from_upload(HOSTILE.encode(), "agreement.html"))
    source = blocks[0][1].source
    assert "script" not in source and "onclick" not in source and "javascript" not in source


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n fake image", "协议.docx", "不是有效的 Word 文档"),
        (b"PK\x03\x04 broken zip", "协议.docx", "Word 文档已损坏"),
        (b"\xff\xfe\x00garbage", "agreement.html", "UTF-8 编码的 HTML"),
        ("只有文字没有标签".encode(), "agreement.html", "没有 HTML 内容"),
    ],
)
def test_a_file_that_is_not_word_or_html_is_refused_with_a_message(data, name, message):
    with pytest.raises(ValidationError, match=message):
        html_from_upload(data, name)


def test_investors_see_only_the_live_revision_never_a_draft():
    # given a published agreement
    document = published_document(html="<p>第一版</p>")
    first = document_snapshot(document=document)
    # when an editor saves a draft with new text
    draft = Document.objects.get(pk=document.pk)
    draft.body = blocks_from_html("<p>第二版草稿</p>")
    draft.save_revision()
    # then investors still get the first version, with the same record
    live = documents_live(kind="agreement").get()
    assert "第一版" in live.render_html()
    assert document_snapshot(document=live) == first


def test_publishing_freezes_a_rendition_with_its_hash_and_keeps_the_old_one():
    document = published_document(html="<p>第一版</p>")
    first = document_snapshot(document=document)
    document.body = blocks_from_html("<p>第二版</p>")
    document.save_revision().publish()
    second = document_snapshot(document=Document.objects.get(pk=document.pk))
    assert first.revision_id != second.revision_id
    assert "第一版" in DocumentRendition.objects.get(pk=first.pk).html
    assert first.sha256 == DocumentRendition.hash(first.html)
    assert "第二版" in second.html


def test_changes_go_live_only_after_compliance_approval():
    # given the compliance workflow and a live document
    workflow = Workflow.objects.get(name=COMPLIANCE_WORKFLOW)
    editor = staff_user("editor", Role.ADMINISTRATOR)
    approver = staff_user("compliance", Role.COMPLIANCE)
    document = published_document(html="<p>旧条款</p>")
    # when the editor submits new text
    document.body = blocks_from_html("<p>新条款</p>")
    document.save_revision(user=editor)
    state = workflow.start(document, editor)
    # then nothing changes for investors until the compliance officer approves
    assert "旧条款" in documents_live(kind="agreement").get().render_html()
    state.current_task_state.approve(user=approver)
    assert "新条款" in documents_live(kind="agreement").get().render_html()


def test_a_rejected_revision_never_reaches_an_investor():
    workflow = Workflow.objects.get(name=COMPLIANCE_WORKFLOW)
    editor = staff_user("editor", Role.ADMINISTRATOR)
    document = published_document(html="<p>旧条款</p>")
    document.body = blocks_from_html("<p>被驳回的条款</p>")
    document.save_revision(user=editor)
    state = workflow.start(document, editor)
    state.current_task_state.reject(user=staff_user("compliance", Role.COMPLIANCE))
    assert "旧条款" in documents_live(kind="agreement").get().render_html()


def test_documents_are_scoped_to_exchanges():
    cffex, shfe = ExchangeFactory(code="CFFEX", name_zh="中金所"), ExchangeFactory()
    general = published_document("risk_disclosure", title="一般风险")
    financial = published_document("risk_disclosure", title="金融期货风险")
    financial.exchanges.set([cffex])
    financial.save()
    assert set(documents_live(kind="risk_disclosure", exchanges=[shfe])) == {general}
    assert set(documents_live(kind="risk_disclosure", exchanges=[cffex])) == {general, financial}


def test_an_sms_template_needs_its_text():
    document = Document(kind="sms_template", code="sms-x", title="短信")
    with pytest.raises(ValidationError, match="短信内容"):
        document.full_clean()


def test_previews_show_the_phone_view_and_the_pdf(rf):
    # given the preview modes Wagtail offers in the editor
    document = published_document(html="<h2>第一条</h2><p>预览内容</p>")
    assert [mode for mode, _ in document.preview_modes] == ["phone", "pdf"]
    request = rf.get("/")
    request.user = staff_user("cms-admin", Role.ADMINISTRATOR)
    # when each is rendered, then the investor's phone view and the PDF come back
    phone = document.serve_preview(request, "phone")
    assert "预览内容" in phone.rendered_content
    pdf = document.serve_preview(request, "pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_word_heading_levels_are_kept_below_the_title():
    from content.importing import blocks_from_html, html_from_upload
    from tests.content.docx import make_docx, paragraph

    # given a Word file with a chapter (Heading 1) and an article (Heading 2)
    data = make_docx(
        paragraph("第一章 总则", "Heading1"),
        paragraph("第一条 定义", "Heading2"),
        paragraph("正文。"),
    )
    # when it is imported
    source = blocks_from_html(html_from_upload(data, "协议.docx"))[0][1].source
    # then each level keeps its own heading, under the document's title (h1)
    assert "<h2>第一章 总则</h2>" in source and "<h3>第一条 定义</h3>" in source
