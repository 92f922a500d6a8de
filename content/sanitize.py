"""Cleaning HTML that comes from outside (a pasted or imported agreement): only the structure an
agreement needs survives; scripts, styles, event handlers and foreign URLs schemes do not. nh3
(Ammonia) does the cleaning."""

from __future__ import annotations

import nh3

# Wagtail's stored rich text uses <a linktype=... id=...> and <embed embedtype=...>.
TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "embed",
}
ATTRIBUTES = {
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        clean_content_tags={"script", "style"},
    )
