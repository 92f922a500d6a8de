"""A document as the PDF it will become (weasyprint). The URL fetcher only serves the project's
own static files: a document can never make the renderer fetch from the network or read other
local files."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from wagtail.models import Site
from weasyprint import HTML
from weasyprint.document import Document as LaidOut
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from themes.models import Theme

from .models import Document

# Relative URLs in a rendered document resolve under this base, which maps to static files.
STATIC_BASE = "https://static.invalid/"


class FetchRefused(FatalURLFetchingError):
    pass


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith(STATIC_BASE):
            path = finders.find(url.removeprefix(STATIC_BASE).split("?")[0])
            if path:
                return super().fetch(Path(path).as_uri(), headers)
        elif url.startswith("data:"):
            return super().fetch(url, headers)
        raise FetchRefused(f"refused to fetch {url[:80]!r} while rendering a PDF")


def html_document(html: str) -> LaidOut:
    """Any HTML of ours laid out (pages, anchors), fetching nothing but our static files."""
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()).render()


def html_pdf(html: str) -> bytes:
    """Any HTML of ours as a PDF, fetching nothing but the project's static files."""
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()).write_pdf()


def template_html(template_name: str, context: dict) -> str:
    """A PDF template (extending content/document_pdf.html) as HTML, with the site's theme."""
    site = Site.objects.filter(is_default_site=True).first()
    theme = Theme.for_site(site) if site else Theme()  # no site yet: the theme's defaults
    return render_to_string(template_name, {"theme": theme, **context})


def template_document(template_name: str, context: dict) -> LaidOut:
    return html_document(template_html(template_name, context))


def template_pdf(template_name: str, context: dict) -> bytes:
    return html_pdf(template_html(template_name, context))


def document_pdf(document: Document, *, context: dict | None = None) -> bytes:
    return template_pdf("content/document_pdf.html", {"document": document, **(context or {})})
