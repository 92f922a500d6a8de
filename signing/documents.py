"""An agreement as the PDF the investor signs: the version the application pinned, with the
investor's data, the acceptance number on every page and the revision and content hash in the
footer (content/pdf.py's renderer: CJK fonts embedded, nothing fetched but our static files)."""

from __future__ import annotations

from content.models import DocumentRendition
from content.pdf import template_pdf
from flows.models import Application


def agreement_pdf(*, application: Application, rendition: DocumentRendition) -> bytes:
    return template_pdf(
        "signing/agreement_pdf.html",
        {"application": application, "client": application.client, "rendition": rendition},
    )
