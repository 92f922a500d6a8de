from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from content.models import Document, DocumentRendition
from content.selectors import document_snapshot

from .models import PENDING_STATES, Application, ApplicationState


def application_document(*, application: Application, document: Document) -> DocumentRendition:
    """The version of a document this application shows: the one live when it started, so an
    approval in the middle of a business never changes what its investor reads or signs.
    A document published after the start (not pinned) is shown as it is now."""
    rendition_id = application.pinned_documents.get(str(document.pk))
    if rendition_id is not None:
        return DocumentRendition.objects.get(pk=rendition_id)
    return document_snapshot(document=document)


def application_documents(
    *, application: Application, documents: list[Document]
) -> list[DocumentRendition]:
    """`application_document` of each, the pinned renditions read in one query."""
    pinned = application.pinned_documents
    wanted = [pinned[str(d.pk)] for d in documents if str(d.pk) in pinned]
    found = DocumentRendition.objects.in_bulk(wanted)
    return [
        found[pinned[str(d.pk)]]
        if pinned.get(str(d.pk)) in found
        else application_document(application=application, document=d)
        for d in documents
    ]


def pending_application(*, client) -> Application | None:
    return Application.objects.filter(client=client, state__in=PENDING_STATES).first()


def investor_applications(*, client) -> QuerySet[Application]:
    return Application.objects.filter(client=client).order_by("-created_at")


def investor_application(*, client, acceptance_number: str) -> Application:
    """The investor's own application; another investor's number is simply not found (404)."""
    return get_object_or_404(Application, client=client, acceptance_number=acceptance_number)


def applications_to_review() -> QuerySet[Application]:
    return (
        Application.objects.filter(state=ApplicationState.SUBMITTED)
        .select_related("client", "client__branch")
        .order_by("submitted_at", "updated_at")
    )
