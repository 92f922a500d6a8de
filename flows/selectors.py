from __future__ import annotations

import copy
import datetime
import threading
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.shortcuts import get_object_or_404

from audit.models import AuditEvent
from common.prepared import PreparedRead
from content.models import Document, DocumentRendition
from content.selectors import document_snapshot

from .models import PENDING_STATES, Application, ApplicationState, StepRecord

# rendition id -> the rendition: the HTML of one published revision, never changed once written
# (content.models.DocumentRendition), so each process reads it once; callers get copies
_RENDITIONS: dict[int, DocumentRendition] = {}
_RENDITIONS_LOCK = threading.Lock()
_RENDITIONS_KEPT = 128


@receiver(post_save, sender=DocumentRendition)
@receiver(post_delete, sender=DocumentRendition)
def _rendition_changed(sender, instance: DocumentRendition, **kwargs) -> None:
    """Written under an id already read (a test database rolled back reuses ids), or deleted."""
    with _RENDITIONS_LOCK:
        _RENDITIONS.pop(instance.pk, None)


def renditions(ids: Iterable[int]) -> dict[int, DocumentRendition]:
    """The renditions of these ids that exist, those not read yet by this process in one query."""
    wanted = list(dict.fromkeys(ids))
    missing = [pk for pk in wanted if pk not in _RENDITIONS]
    found = DocumentRendition.objects.in_bulk(missing) if missing else {}
    if found:
        with _RENDITIONS_LOCK:
            if len(_RENDITIONS) + len(found) > _RENDITIONS_KEPT:
                _RENDITIONS.clear()
            _RENDITIONS.update(found)
    kept = ((pk, found.get(pk) or _RENDITIONS.get(pk)) for pk in wanted)
    return {pk: copy.copy(rendition) for pk, rendition in kept if rendition is not None}


def application_document(*, application: Application, document: Document) -> DocumentRendition:
    """The version of a document this application shows: the one live when it started, so an
    approval in the middle of a business never changes what its investor reads or signs.
    A document published after the start (not pinned) is shown as it is now."""
    rendition_id = application.pinned_documents.get(str(document.pk))
    if rendition_id is not None:
        found = renditions([rendition_id]).get(rendition_id)
        if found is None:
            raise DocumentRendition.DoesNotExist(rendition_id)
        return found
    return document_snapshot(document=document)


def application_documents(
    *, application: Application, documents: list[Document]
) -> list[DocumentRendition]:
    """`application_document` of each, the pinned renditions read in one query."""
    pinned = application.pinned_documents
    wanted = [pinned[str(d.pk)] for d in documents if str(d.pk) in pinned]
    found = renditions(wanted)
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


def earlier_step_record(*, application: Application, kind: str) -> StepRecord | None:
    """The client's latest completed record of this step kind in an earlier business (given up,
    rejected or finished): what they answered last time, to offer again rather than ask afresh.
    Read by every basic information page: its SQL built once."""
    found = _earlier_step_record(
        client_id=application.client_id,
        created_at=application.created_at,
        application_id=application.pk,
        kind=kind,
    )
    return found[0] if found else None


_earlier_step_record = PreparedRead(
    lambda client_id, created_at, application_id, kind: (
        StepRecord.objects.filter(
            application__client_id=client_id,
            application__created_at__lt=created_at,
            kind=kind,
            completed_at__isnull=False,
        )
        .exclude(application_id=application_id)
        .order_by("-completed_at", "-pk")[:1]
    )
)


def investor_application(*, client, acceptance_number: str) -> Application:
    """The investor's own application; another investor's number is simply not found (404).
    Its client is the one asked for, already loaded (not read a second time)."""
    application = get_object_or_404(Application, client=client, acceptance_number=acceptance_number)
    application.client = client
    return application


def investor_application_with_client(
    *, client_id: int, acceptance_number: str
) -> Application | None:
    """The application of this number if it is this client's, read with its client (and the
    client's branch) in one query; None otherwise. Every step page reads it: its SQL is built
    once (common.prepared)."""
    found = _application_with_client(client_id=client_id, acceptance_number=acceptance_number)
    return found[0] if found else None


_application_with_client = PreparedRead(
    lambda client_id, acceptance_number: Application.objects.select_related(
        "client__branch"
    ).filter(client_id=client_id, acceptance_number=acceptance_number)[:1]
)


def applications_to_review(
    *,
    branch_id: int | None = None,
    submitted_from: datetime.date | None = None,
    submitted_to: datetime.date | None = None,
    flagged: bool | None = None,
) -> QuerySet[Application]:
    """The review queue, oldest submission first, with the console's filters (dates are days of
    the company's calendar, both ends included). `flagged`: a step's evidence carries `flags`
    for the reviewer (the revisit's alerting answers)."""
    queryset = Application.objects.filter(state=ApplicationState.SUBMITTED).annotate(
        flagged=Exists(
            StepRecord.objects.filter(application=OuterRef("pk"), evidence__has_key="flags")
        )
    )
    if branch_id is not None:
        queryset = queryset.filter(client__branch_id=branch_id)
    if submitted_from is not None:
        queryset = queryset.filter(submitted_at__date__gte=submitted_from)
    if submitted_to is not None:
        queryset = queryset.filter(submitted_at__date__lte=submitted_to)
    if flagged is not None:
        queryset = queryset.filter(flagged=flagged)
    return queryset.select_related("client", "client__branch").order_by("submitted_at", "pk")


def requested_exchange_codes(application: Application) -> list[str]:
    """The exchange codes the exchanges step's evidence recorded as selected (no decryption:
    for the queue's filter and columns)."""
    for record in application.step_records.all():
        if record.kind != "exchanges":
            continue
        selection = (record.evidence or {}).get("selection")
        if isinstance(selection, dict):
            return list(selection.get("exchanges", []))
    return []


def application_history(*, application: Application) -> QuerySet[AuditEvent]:
    """Every transition and step completion of the application, oldest first: each round of a
    return or a rejection stays."""
    return AuditEvent.objects.filter(
        Q(action__startswith="application.") | Q(action="step.complete"),
        object_type=application._meta.label_lower,
        object_id=str(application.pk),
    ).order_by("at", "pk")
