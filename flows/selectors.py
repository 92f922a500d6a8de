from __future__ import annotations

from django.db.models import QuerySet

from content.models import Document, DocumentRendition
from content.selectors import document_snapshot

from .models import Application, ApplicationState


def application_document(*, application: Application, document: Document) -> DocumentRendition:
    """The version of a document this application shows: the one live when it started, so an
    approval in the middle of a business never changes what its investor reads or signs.
    A document published after the start (not pinned) is shown as it is now."""
    rendition_id = application.pinned_documents.get(str(document.pk))
    if rendition_id is not None:
        return DocumentRendition.objects.get(pk=rendition_id)
    return document_snapshot(document=document)


def applications_to_review() -> QuerySet[Application]:
    return (
        Application.objects.filter(state=ApplicationState.SUBMITTED)
        .select_related("client", "client__branch")
        .order_by("updated_at")
    )
