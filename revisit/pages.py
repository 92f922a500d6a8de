from __future__ import annotations

from typing import Any

from flows.pages import StepPage

from .step_services import CONFIRM_TEXT, RevisitService


class RevisitPage(StepPage):
    """The questionnaire; "下一步" asks the confirm dialog before it is sent."""

    template_name = "revisit/step.html"
    service: RevisitService
    confirm_text = CONFIRM_TEXT

    def context(self) -> dict[str, Any]:
        data = self.flash.data() if self.flash.values else None
        form = self.service.form(data)
        if form is not None and self.flash.errors:
            form.is_valid()  # shows the errors of the refused post on its fields
        shown = self.service.shown()
        return {"revisit": {"form": form, "questionnaire": shown.content if shown else None}}
