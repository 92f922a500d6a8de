"""An agreement as the PDF the investor signs: the version the application pinned, with the
investor's data, the acceptance number on every page and the revision and content hash in the
footer (content/pdf.py's renderer: CJK fonts embedded, nothing fetched but our static files).
The template marks where the two signatures go (signing/appearance.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from content.models import DocumentRendition
from content.pdf import template_document
from flows.models import Application

from .appearance import INVESTOR_PLACE, SEAL_PLACE, Place, places_of

TEMPLATE = "signing/agreement_pdf.html"


@dataclass(frozen=True)
class AgreementPdf:
    pdf: bytes
    investor_place: Place
    seal_place: Place


def agreement_render(*, application: Application, rendition: DocumentRendition) -> AgreementPdf:
    document = template_document(
        TEMPLATE,
        {"application": application, "client": application.client, "rendition": rendition},
    )
    places = places_of(document)
    missing = [name for name in (INVESTOR_PLACE, SEAL_PLACE) if name not in places]
    if missing:  # a template edited without the marks: signing would put nothing on the page
        raise BusinessError(
            _("协议模板缺少签名位置（%(ids)s），无法签署。") % {"ids": "、".join(missing)},
            code="template_without_places",
        )
    return AgreementPdf(
        pdf=document.write_pdf(),
        investor_place=places[INVESTOR_PLACE],
        seal_place=places[SEAL_PLACE],
    )


def agreement_pdf(*, application: Application, rendition: DocumentRendition) -> bytes:
    return agreement_render(application=application, rendition=rendition).pdf
