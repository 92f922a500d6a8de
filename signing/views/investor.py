"""Investor pages of the signing steps that are not the step itself (owned by the browser
work): the PDF a document becomes, before it is signed."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from clients.auth import investor_required
from flows.selectors import application_document, investor_application

from ..documents import agreement_pdf
from ..selectors import sign_step_documents


@require_GET
@investor_required
def document_preview(request, acceptance_number: str, document_id: int):
    """The unsigned PDF of one of the signing step's documents, as this application pinned it
    and with this investor's data: only the investor's own business, never cached (it holds
    personal data)."""
    application = investor_application(client=request.investor, acceptance_number=acceptance_number)
    document = next(
        (d for d in sign_step_documents(application=application) if d.pk == document_id), None
    )
    if document is None:
        raise Http404
    rendition = application_document(application=application, document=document)
    response = HttpResponse(
        agreement_pdf(application=application, rendition=rendition), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="{application.acceptance_number}-{document.code}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
