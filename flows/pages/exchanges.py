from __future__ import annotations

from typing import Any

from content.models import ExchangeCategory

from ..steps.exchange_notices import CHOICE_LABELS, PendingNotice
from ..steps.exchanges import ExchangesService
from ..steps.score_reports import MAX_REPORTS, MIN_REPORTS, reports_needed, score_reports_of
from .base import FormActionsPage


class ExchangesPage(FormActionsPage):
    """The exchanges by category, the notice due (shown on the step itself), score reports.
    Its actions (acknowledge, knowledge test, remove a report) are form posts."""

    template_name = "flows/steps/exchanges.html"
    service: ExchangesService

    def context(self) -> dict[str, Any]:
        service = self.service
        pending = service.pending()
        draft = service.draft()
        # after a refused post, the boxes show what was posted
        selected = set(self.flash.values.get("exchanges", draft.get("selected", [])))
        return {
            "exchanges_step": {
                "pending": pending,
                "pending_html": pending.rendition.html if pending else "",
                "alternative_label": CHOICE_LABELS[pending.notice.alternative] if pending else "",
                "suitability_missing": service.suitability_missing(),
                "groups": self._groups(selected),
                "has_opened": bool(service.opened),
                "reports_possible": reports_needed(
                    service.client, service.offered().values(), service.opened_categories
                ),
                "reports": score_reports_of(self.application),
                "score_choice": draft.get("score_choice", "upload"),
                "knowledge_test": bool(service.knowledge_test_url),
                "min_reports": MIN_REPORTS,
                "max_reports": MAX_REPORTS,
            }
        }

    def _groups(self, selected: set[str]) -> list[dict[str, Any]]:
        service = self.service
        opened_categories = {e.category for e in service.exchanges if e.pk in service.opened}
        groups = []
        for category, label in ExchangeCategory.choices:
            items = [
                {
                    "exchange": e,
                    "trading_code": service.opened.get(e.pk),
                    "checked": e.code in selected,
                    "first_reports": e.needs_score_reports and category not in opened_categories,
                }
                for e in service.exchanges
                if e.category == category
            ]
            if items:
                groups.append({"label": label, "items": items})
        return groups


__all__ = ["ExchangesPage", "PendingNotice"]
