"""A compliance officer compares two versions of an agreement clause by clause."""

import pytest
from django.urls import reverse
from wagtail.blocks import StreamValue

from content.blocks import DocumentBodyBlock
from content.compare import paragraphs_diff
from content.importing import blocks_from_html
from content.models import Document
from staff.roles import Role
from tests.factories import published_document, staff_user

pytestmark = pytest.mark.django_db


def test_the_diff_keeps_each_clause_on_its_own_line_and_marks_the_change():
    html = paragraphs_diff(
        ["第一条", "甲方应当按时付款。", "第二条"], ["第一条", "甲方应当按时足额付款。", "第二条"]
    )
    assert html.count("<p>") == 3
    assert '<span class="addition">足额</span>' in html
    assert "<p>第一条</p>" in html and "<p>第二条</p>" in html


def test_added_and_removed_clauses_are_marked_whole():
    html = paragraphs_diff(["第一条", "旧条款"], ["第一条", "新条款一", "新条款二", "新条款三"])
    assert '<span class="addition">新条款三</span>' in html or "addition" in html
    assert html.count("<p>") == 4


def test_the_diff_escapes_what_it_shows():
    html = paragraphs_diff(["<script>"], ["<b>"])
    assert "<script>" not in html and "<b>" not in html


def test_the_compare_page_shows_a_reimported_agreement_clause_by_clause(client):
    # given an agreement whose second version changes one clause (as a re-import does)
    client.force_login(staff_user("officer", Role.COMPLIANCE))
    document = published_document(
        html="<h2>第一条</h2><p>甲方应当按时付款。</p><h2>第二条</h2><p>其他。</p>"
    )
    first = document.live_revision
    draft = Document.objects.get(pk=document.pk).get_latest_revision_as_object()
    old_id = draft.body[0].id
    (kind, value), *_ = blocks_from_html(
        "<h2>第一条</h2><p>甲方应当按时足额付款。</p><h2>第二条</h2><p>其他。</p>"
    )
    draft.body = StreamValue(DocumentBodyBlock(), [(kind, value, old_id)])
    second = draft.save_revision()
    # when the officer compares the two
    url = reverse(
        "wagtailsnippets_content_document:revisions_compare",
        args=[document.pk, first.pk, second.pk],
    )
    page = client.get(url).content.decode()
    # then each clause is its own line and only the change is marked
    assert '<p>甲方应当按时<span class="addition">足额</span>付款。</p>' in page
    assert "<p>第二条</p>" in page
