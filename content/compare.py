"""The revision comparison of a document's text, paragraph by paragraph.

Wagtail compares a rich-text block as one flattened string, so a change to one clause of an
agreement shows as a single run-on paragraph. A compliance officer reviews clauses: here each
heading, paragraph and list item stays its own line, unchanged ones plain, changed ones with the
words that changed marked, added and removed ones marked whole."""

from __future__ import annotations

from difflib import SequenceMatcher

from bs4 import BeautifulSoup
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from wagtail.admin.compare import BlockComparison, TextDiff

PARAGRAPHS = ["h2", "h3", "h4", "p", "li"]


def paragraphs(html: str) -> list[str]:
    soup = BeautifulSoup(html or "", "html.parser")
    found = [element.get_text(" ", strip=True) for element in soup.find_all(PARAGRAPHS)]
    return [text for text in found if text] or ([soup.get_text(" ", strip=True)] if html else [])


def chars_diff(before: str, after: str) -> SafeString:
    """Marks the characters that changed: Chinese has no spaces for a word diff to split on."""
    changes = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            changes.append(("equal", before[i1:i2]))
            continue
        if i2 > i1:
            changes.append(("deletion", before[i1:i2]))
        if j2 > j1:
            changes.append(("addition", after[j1:j2]))
    return mark_safe(TextDiff(changes).to_html())  # noqa: S308 (TextDiff escapes each part)


def _line(text: str, change: str = "") -> SafeString:
    if change:
        return format_html('<p><span class="{}">{}</span></p>', change, text)
    return format_html("<p>{}</p>", text)


def paragraphs_diff(a: list[str], b: list[str]) -> SafeString:
    lines: list[SafeString] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [_line(text) for text in a[i1:i2]]
            continue
        old, new = a[i1:i2], b[j1:j2]
        paired = min(len(old), len(new)) if tag == "replace" else 0
        for before, after in zip(old[:paired], new[:paired], strict=True):
            lines.append(format_html("<p>{}</p>", chars_diff(before, after)))
        lines += [_line(text, "deletion") for text in old[paired:]]
        lines += [_line(text, "addition") for text in new[paired:]]
    return mark_safe("".join(lines))  # noqa: S308 (every line is built by format_html)


class ParagraphsComparison(BlockComparison):
    def htmlvalue(self, val):
        return format_html_join(
            "", "<p>{}</p>", ((text,) for text in paragraphs(self.block.get_prep_value(val)))
        )

    def htmldiff(self):
        return paragraphs_diff(
            paragraphs(self.block.get_prep_value(self.val_a)),
            paragraphs(self.block.get_prep_value(self.val_b)),
        )
