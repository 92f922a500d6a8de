"""What investors may see: only live documents and questionnaires (a draft or a rejected revision
never reaches them), scoped to the business and the exchanges."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from .models import CompanySeal, Document, DocumentRendition, Exchange, Questionnaire
from .services import document_rendition_ensure


def documents_live(
    *, kind: str, business_type: str = "", exchanges: Iterable[Exchange] = ()
) -> QuerySet[Document]:
    """Live documents of a kind that apply: to every business or this one, to every exchange
    or at least one of these."""
    exchange_ids = [exchange.pk for exchange in exchanges]
    scoped = Q(n_exchanges=0)
    if exchange_ids:
        scoped |= Q(exchanges__in=exchange_ids)
    return (
        Document.objects.filter(live=True, kind=kind)
        .filter(Q(business_type="") | Q(business_type=business_type))
        .annotate(n_exchanges=Count("exchanges", distinct=True))
        .filter(scoped)
        .distinct()
        .order_by("sort_order", "title")
    )


def document_snapshot(*, document: Document) -> DocumentRendition:
    """The rendition of the document's live revision: its id and SHA-256 are what a record of
    reading, acknowledging or signing keeps."""
    if not document.live or document.live_revision is None:
        raise ValueError("only a live document can be shown to an investor")
    return document_rendition_ensure(revision=document.live_revision)


def document_snapshots_live(*, business_type: str) -> dict[int, DocumentRendition]:
    """The rendition of every live document that applies to a business, by document id."""
    documents = Document.objects.filter(live=True).filter(
        Q(business_type="") | Q(business_type=business_type)
    )
    return {document.pk: document_snapshot(document=document) for document in documents}


def questionnaire_live(*, code: str) -> Questionnaire | None:
    return Questionnaire.objects.filter(live=True, code=code).first()


def seal_image_live() -> bytes | None:
    """The company seal's picture as approved and live (the latest published), or None."""
    seal = CompanySeal.objects.filter(live=True).order_by("-last_published_at", "-pk").first()
    return seal.png if seal is not None and seal.image_png else None
