"""Rich text is sanitised at the field, whatever writes it: the editor, the import, or code that
stores raw StreamField JSON (issue 16: code bypassed the sanitiser)."""

from __future__ import annotations

import json

import pytest
from wagtail.rich_text import RichText

from content.models import Document

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p>第一条</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    '<a href="javascript:alert(3)" onclick="alert(4)">链接</a><p style="color:red">x</p>'
)


def stored_body(document: Document) -> str:
    raw = Document.objects.filter(pk=document.pk).values_list("body", flat=True)[0]
    return raw.raw_data if hasattr(raw, "raw_data") else str(raw)


@pytest.mark.parametrize(
    "body",
    [
        json.dumps([{"type": "rich_text", "value": HOSTILE}]),
        [{"type": "rich_text", "value": HOSTILE}],
        [("rich_text", RichText(HOSTILE))],
        [("rich_text", HOSTILE)],
    ],
    ids=["json text", "raw dicts", "RichText", "plain string"],
)
def test_rich_text_written_by_code_is_sanitised_when_stored(body):
    # given
    document = Document(kind="agreement", code="hostile", title="t", body=body)
    # when
    document.save()
    # then what the database holds, and what an investor is shown, has none of it
    stored = json.dumps(list(Document.objects.get(pk=document.pk).body.raw_data))
    shown = Document.objects.get(pk=document.pk).render_html()
    for text in (stored, shown):
        for bad in ("<script", "onerror", "onclick", "javascript:", "style="):
            assert bad not in text
    assert "第一条" in shown


def test_a_revision_published_from_raw_json_is_sanitised():
    # given a revision whose stored content was written directly
    document = Document(kind="agreement", code="rev", title="t", body=[("rich_text", "<p>a</p>")])
    document.save()
    revision = document.save_revision()
    content = dict(revision.content)
    content["body"] = json.dumps([{"type": "rich_text", "value": HOSTILE}])
    revision.content = content
    revision.save()
    # when
    revision.publish()
    # then
    shown = Document.objects.get(pk=document.pk).render_html()
    assert "<script" not in shown and "onerror" not in shown
