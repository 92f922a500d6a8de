"""Step 4, read agreements (manual 3.5): every agreement of the step must be read to its end
before "下一步", otherwise "请完整阅读该协议内容".

The browser reports two background actions per agreement: "opened" when it comes into view,
"end" when the end of its scroll box is reached (a text that needs no scrolling reaches it at
once). The server is the authority: it keeps, per agreement, the rendition this application
pinned (revision and SHA-256), the server times of the first "opened" and of the first "end"
after it, and the seconds in between; an "end" without an "opened" is refused, and a document
that is not one of this step's is ignored."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from content.models import Document, DocumentRendition

from ..actors import Actor
from ..models import StepRecord
from ..selectors import application_documents, renditions
from .base import ActionResult, Data, Files, StepOutcome, StepService, StepSummary, value

OPENED = "opened"
END = "end"


@dataclass(frozen=True)
class Reading:
    title: str
    rendition: int
    revision: int | None
    sha256: str
    opened_at: str | None
    end_at: str | None
    seconds: float | None


@dataclass(frozen=True)
class AgreementsSummary(StepSummary):
    readings: list[Reading]

    def rows(self) -> list[tuple[str, str]]:
        return [
            (
                f"《{reading.title}》",
                _("已阅读至末尾，用时 %(seconds)s 秒（版本 %(revision)s）")
                % {"seconds": reading.seconds, "revision": reading.revision}
                if reading.end_at
                else _("未读完"),
            )
            for reading in self.readings
        ]


class AgreementsService(StepService):
    actions = (OPENED, END)

    @cached_property
    def items(self) -> list[tuple[Document, DocumentRendition]]:
        """The step's agreements, each in the version pinned when the application started."""
        documents = [d for d in self.options.get("documents") or [] if d is not None]
        renditions = application_documents(application=self.application, documents=documents)
        return list(zip(documents, renditions, strict=True))

    def shown(self) -> list[tuple[int, DocumentRendition]]:
        """What the page shows: each agreement's id and the version this application pinned,
        without reading the documents when every one was pinned (as the photos step's letter);
        a pinned rendition keeps its document (PROTECT), so none of them is gone."""
        chosen = _chosen_ids(self.stored_option("documents"))
        pinned = [self.application.pinned_documents.get(str(pk)) for pk in chosen or []]
        if not chosen or None in pinned:
            return [(document.pk, rendition) for document, rendition in self.items]
        found = renditions(pinned)
        if len(found) < len(set(pinned)):
            return [(document.pk, rendition) for document, rendition in self.items]
        return [(pk, found[rendition]) for pk, rendition in zip(chosen, pinned, strict=True)]

    def readings(self) -> dict[str, dict[str, Any]]:
        return dict((self.record.evidence or {}).get("readings", {}))

    @staticmethod
    def is_read(reading: dict[str, Any] | None, rendition: DocumentRendition) -> bool:
        return bool(
            reading
            and reading.get("rendition") == rendition.pk
            and reading.get("opened_at")
            and reading.get("end_at")
        )

    def state(self) -> dict[str, Any]:
        readings = self.readings()
        return {
            "agreements": [
                {
                    "document": document.pk,
                    "title": rendition.title,
                    "rendition": rendition.pk,
                    "read": self.is_read(readings.get(str(document.pk)), rendition),
                }
                for document, rendition in self.items
            ]
        }

    # --- "下一步" ----------------------------------------------------------------------------
    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        readings = self.readings()
        unread = [
            rendition
            for document, rendition in self.items
            if not self.is_read(readings.get(str(document.pk)), rendition)
        ]
        if not unread:
            return StepOutcome(done=True, data={"documents": [d.pk for d, _r in self.items]})
        if len(self.items) == 1:
            return StepOutcome(done=False, errors={"agreements": [_("请完整阅读该协议内容")]})
        return StepOutcome(
            done=False,
            errors={
                "agreements": [
                    _("请完整阅读该协议内容：《%(title)s》") % {"title": rendition.title}
                    for rendition in unread
                ]
            },
        )

    # --- what the browser reports (inside the application's row lock) --------------------------
    def act(self, *, actor: Actor, name: str, data: Data, files: Files) -> ActionResult:
        item = next(
            (item for item in self.items if str(item[0].pk) == value(data, "document")), None
        )
        if item is None:  # not an agreement of this step: nothing to record
            return ActionResult(data={"ignored": True})
        document, rendition = item
        readings = self.readings()
        before = readings.get(str(document.pk))
        now = timezone.now()
        if name == OPENED:
            reading = _opened(before, document, rendition, now)
        elif before is None or before.get("rendition") != rendition.pk:
            raise BusinessError(_("请先打开协议再阅读。"), code="not_opened")
        else:
            reading = _ended(before, now)
        if reading != before:
            readings[str(document.pk)] = reading
            self.record.evidence = {**(self.record.evidence or {}), "readings": readings}
        return ActionResult(
            data={"document": document.pk, "opened": True, "read": self.is_read(reading, rendition)}
        )

    @classmethod
    def summarize(cls, record: StepRecord) -> AgreementsSummary:
        readings = (record.evidence or {}).get("readings", {})
        return AgreementsSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            readings=[
                Reading(
                    title=reading.get("title", ""),
                    rendition=reading["rendition"],
                    revision=reading.get("revision"),
                    sha256=reading.get("sha256", ""),
                    opened_at=reading.get("opened_at"),
                    end_at=reading.get("end_at"),
                    seconds=reading.get("seconds"),
                )
                for reading in readings.values()
            ],
        )


def _chosen_ids(raw: Any) -> list[int] | None:
    """The document ids of the step's ListBlock as the revision stores them: each item a
    {"type": "item", "value": id} (Wagtail's format) or a bare id (the older one); None for
    anything else, which the documents are then read to make sense of."""
    if not isinstance(raw, list):
        return None
    ids: list[int] = []
    for item in raw:
        pk = item.get("value") if isinstance(item, dict) else item
        if not isinstance(pk, int):
            return None
        ids.append(pk)
    return ids


def _opened(
    before: dict[str, Any] | None,
    document: Document,
    rendition: DocumentRendition,
    now: datetime.datetime,
) -> dict[str, Any]:
    """The first opening counts; opening again changes nothing."""
    if before and before.get("rendition") == rendition.pk:
        return before
    return {
        "document": document.pk,
        "code": document.code,
        "title": rendition.title,
        "rendition": rendition.pk,
        "revision": rendition.revision_id,
        "sha256": rendition.sha256,
        "opened_at": now.isoformat(),
        "end_at": None,
        "seconds": None,
    }


def _ended(before: dict[str, Any], now: datetime.datetime) -> dict[str, Any]:
    """The first time the end is reached counts."""
    if before.get("end_at"):
        return before
    opened = datetime.datetime.fromisoformat(before["opened_at"])
    return {
        **before,
        "end_at": now.isoformat(),
        "seconds": round((now - opened).total_seconds(), 3),
    }
