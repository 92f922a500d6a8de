"""The suitability notices of the exchanges step (manual 3.4): which texts an ordinary investor
must acknowledge, how many times, and which acknowledgement is due next.

Everything is derived from the step record: the acknowledgement log in its evidence (append-only)
and the selection in its data. A notice counts as acknowledged when the log holds consecutive
"insist" confirmations 1..n for the rendition this application pinned; any other choice starts the
count again. So a reload, the back button or a forged post can never skip a confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.models import Document, DocumentKind, DocumentRendition, Exchange, ExchangeCategory
from content.selectors import documents_live

from ..models import Application
from ..selectors import application_document

INSIST = "insist"
GIVE_UP = "give_up"
CHOOSE_AGAIN = "choose_again"

# Financial (CFFEX) and crude-oil (INE) futures: R4 products, above C1-C3.
RISKY_CATEGORIES = frozenset({ExchangeCategory.FINANCIAL, ExchangeCategory.CRUDE_OIL})

CHOICE_LABELS = {
    INSIST: _("坚持开立交易编码"),
    GIVE_UP: _("放弃开户"),
    CHOOSE_AGAIN: _("重新选择交易所"),
}


@dataclass(frozen=True)
class Notice:
    kind: str
    times: int  # confirmations needed, each of the same text
    alternative: str  # the choice other than "insist"
    before_selection: bool
    insist_label: Any = CHOICE_LABELS[INSIST]


# C1/C2: shown twice before the selection; giving up ends the business.
NOTICE_C1_C2 = Notice(DocumentKind.NOTICE_C1_C2, 2, GIVE_UP, before_selection=True)
# C3 choosing financial or crude oil: shown twice; "choose again" unticks those exchanges.
NOTICE_C3 = Notice(DocumentKind.NOTICE_C3, 2, CHOOSE_AGAIN, before_selection=False)
# C1/C2 choosing financial or crude oil: review may refuse. The manual gives it as a note
# ("说明"), not as a two-step notice, and its text asks for one "我已知悉": once is enough.
WARNING_C1_C2 = Notice(
    DocumentKind.WARNING_C1_C2, 1, CHOOSE_AGAIN, before_selection=False, insist_label=_("我已知悉")
)

NOTICES = {notice.kind: notice for notice in (NOTICE_C1_C2, NOTICE_C3, WARNING_C1_C2)}


@dataclass(frozen=True)
class PendingNotice:
    notice: Notice
    document: Document
    rendition: DocumentRendition
    confirmation: int  # 1 for the first showing, 2 for "再次确认"


def is_risky(exchange: Exchange) -> bool:
    return exchange.category in RISKY_CATEGORIES


def notices_for(client, exchanges: Iterable[Exchange]) -> list[Notice]:
    """The notices a client must acknowledge for a selection (empty selection: the notices
    before the selection only). Professional investors and C4/C5 get none."""
    if client.investor_type == "professional":
        return []
    risky = any(is_risky(exchange) for exchange in exchanges)
    if client.suitability_class in ("C1", "C2"):
        return [NOTICE_C1_C2, WARNING_C1_C2] if risky else [NOTICE_C1_C2]
    if client.suitability_class == "C3" and risky:
        return [NOTICE_C3]
    return []


def notice_documents(
    *, application: Application, notice: Notice, exchanges: Iterable[Exchange]
) -> list[Document]:
    """The live texts of a notice for this business and, for the notices about financial and
    crude-oil futures, these exchanges (a text may be scoped to CFFEX or INE)."""
    scope = [] if notice.before_selection else [e for e in exchanges if is_risky(e)]
    return list(
        documents_live(kind=notice.kind, business_type=application.business_type, exchanges=scope)
    )


def confirmations(acknowledgements: list[dict], rendition_id: int) -> int:
    """How many consecutive confirmations the log holds for one rendition."""
    count = 0
    for entry in acknowledgements:
        if entry.get("rendition") != rendition_id:
            continue
        if entry.get("choice") == INSIST and entry.get("confirmation") == count + 1:
            count += 1
        else:
            count = 0
    return count


def notices_missing(
    *, application: Application, notices: list[Notice], exchanges: Iterable[Exchange]
) -> list[Notice]:
    """Required notices without any live text: the step cannot go on without them."""
    exchanges = list(exchanges)
    return [
        notice
        for notice in notices
        if not notice_documents(application=application, notice=notice, exchanges=exchanges)
    ]


def notice_pending(
    *,
    application: Application,
    acknowledgements: list[dict],
    notices: list[Notice],
    exchanges: Iterable[Exchange],
) -> PendingNotice | None:
    """The acknowledgement due next, in order: notice by notice, text by text."""
    exchanges = list(exchanges)
    for notice in notices:
        for document in notice_documents(
            application=application, notice=notice, exchanges=exchanges
        ):
            rendition = application_document(application=application, document=document)
            done = confirmations(acknowledgements, rendition.pk)
            if done < notice.times:
                return PendingNotice(notice, document, rendition, done + 1)
    return None


def acknowledgement_entry(
    pending: PendingNotice, choice: str, selection: list[str]
) -> dict[str, Any]:
    """What proves an acknowledgement: the exact text version, which confirmation, the choice,
    the server time, and the selection it was about."""
    rendition = pending.rendition
    return {
        "notice": pending.notice.kind,
        "document": pending.document.pk,
        "code": pending.document.code,
        "title": rendition.title,
        "rendition": rendition.pk,
        "revision": rendition.revision_id,
        "sha256": rendition.sha256,
        "confirmation": pending.confirmation,
        "choice": choice,
        "selection": list(selection),
        "at": timezone.now().isoformat(),
    }
