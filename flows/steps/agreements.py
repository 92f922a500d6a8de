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
from functools import cached_property
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.locking import lock
from content.models import Document, DocumentRendition

from ..models import Application, StepRecord
from ..selectors import application_document
from ..services import step_evidence_merge
from .base import StepHandler, StepResult

OPENED = "opened"
END = "end"


class AgreementsStep(StepHandler):
    template_name = "flows/steps/agreements.html"

    @cached_property
    def items(self) -> list[tuple[Document, DocumentRendition]]:
        """The step's agreements, each in the version pinned when the application started."""
        documents = (self.options or {}).get("documents") or []
        return [
            (document, application_document(application=self.application, document=document))
            for document in documents
            if document is not None
        ]

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

    # --- showing ---------------------------------------------------------------------------
    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        readings = self.readings()
        return {
            "agreements_step": {
                "items": [
                    {
                        "document": document,
                        "rendition": rendition,
                        "read": self.is_read(readings.get(str(document.pk)), rendition),
                    }
                    for document, rendition in self.items
                ]
            }
        }

    # --- "下一步" ----------------------------------------------------------------------------
    def submit(self, request: HttpRequest) -> StepResult:
        readings = self.readings()
        unread = [
            rendition
            for document, rendition in self.items
            if not self.is_read(readings.get(str(document.pk)), rendition)
        ]
        if not unread:
            return StepResult(done=True, data={"documents": [d.pk for d, _r in self.items]})
        if len(self.items) == 1:
            return StepResult(done=False, errors={"agreements": [_("请完整阅读该协议内容")]})
        return StepResult(
            done=False,
            errors={
                "agreements": [
                    _("请完整阅读该协议内容：《%(title)s》") % {"title": rendition.title}
                    for rendition in unread
                ]
            },
        )

    # --- background actions ------------------------------------------------------------------
    def action(self, request: HttpRequest, name: str) -> HttpResponse | None:
        if name not in (OPENED, END):
            return None
        item = next(
            (item for item in self.items if str(item[0].pk) == request.POST.get("document", "")),
            None,
        )
        if item is None:  # not an agreement of this step: nothing to record
            return JsonResponse({"ignored": True})
        return self._record(name, *item)

    def _record(self, name: str, document: Document, rendition: DocumentRendition) -> JsonResponse:
        """Update one agreement's reading under the application's row lock (the two actions of
        several agreements may arrive at once)."""
        now = timezone.now()
        with transaction.atomic():
            lock(Application, pk=self.application.pk)
            stored = StepRecord.objects.filter(
                application=self.application, kind=self.record.kind
            ).first()
            readings = dict(stored.evidence.get("readings", {})) if stored else {}
            before = readings.get(str(document.pk))
            if name == OPENED:
                reading = _opened(before, document, rendition, now)
            elif before is None or before.get("rendition") != rendition.pk:
                return JsonResponse({"message": _("请先打开协议再阅读。")}, status=409)
            else:
                reading = _ended(before, now)
            if reading != before:
                readings[str(document.pk)] = reading
                self.record = step_evidence_merge(
                    application=self.application,
                    step_name=self.record.kind,
                    update={"readings": readings},
                )
        return JsonResponse(
            {"document": document.pk, "opened": True, "read": self.is_read(reading, rendition)}
        )


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
