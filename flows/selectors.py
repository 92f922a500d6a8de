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


def signature_photo_ids(*, applications) -> dict[int, int]:
    """Application pk → the signature photo its photo step recorded, for a page of them at once
    (one query, whatever the number of applications)."""
    from .models import StepRecord

    records = StepRecord.objects.filter(
        application__in=[a.pk for a in applications], kind="photos"
    ).values_list("application_id", "evidence", "data")
    found: dict[int, int] = {}
    for application_id, evidence, data in records:
        photos = (evidence or {}).get("photos") or (data or {}).get("photos") or {}
        if photos.get("signature") is not None:
            found[application_id] = int(photos["signature"])
    return found
