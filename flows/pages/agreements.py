from __future__ import annotations

from typing import Any

from ..steps.agreements import AgreementsService
from .base import StepPage


class AgreementsPage(StepPage):
    """The agreements, each in its scroll box; agreements.js reports "opened" and "end"."""

    template_name = "flows/steps/agreements.html"
    service: AgreementsService

    def context(self) -> dict[str, Any]:
        readings = self.service.readings()
        return {
            "agreements_step": {
                "items": [
                    {
                        "document_id": document_id,
                        "rendition": rendition,
                        "read": self.service.is_read(readings.get(str(document_id)), rendition),
                    }
                    for document_id, rendition in self.service.shown()
                ]
            }
        }
