"""The investor's page of each step: one adapter over the step's service (flows.steps).

A page shows what its service says (`service.state()` and its reads); it judges nothing and
stores nothing. A refused post comes back through the session as a `Flash` (the values posted
and the errors, encrypted), after a redirect, so that no page is ever the direct answer to a
POST: reloading never sends a form again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect

from common.exceptions import BusinessError
from privacy import crypto

from ..steps.base import ActionResult, Effect, StepService

FLASH_KEY = "flows.flash"
NOT_KEPT = {"csrfmiddlewaretoken", "step_token", "action"}


@dataclass
class Flash:
    """A refused submission, kept for the next showing of its step."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)

    def data(self) -> QueryDict:
        """The posted values as a form would have received them."""
        query = QueryDict(mutable=True)
        for name, items in self.values.items():
            query.setlist(name, items)
        return query

    @property
    def page_errors(self) -> list[str]:
        return [message for messages_ in self.errors.values() for message in messages_]


def flash_keep(request: HttpRequest, key: str, *, errors: dict[str, list[str]]) -> None:
    """Keep a refused post's errors and values (never files, never the tokens) for one showing.
    Encrypted: the values may hold ID numbers of controllers and beneficiaries."""
    posted = {name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT}
    payload = json.dumps({"errors": errors, "values": posted}, ensure_ascii=False)
    request.session[FLASH_KEY] = {"key": key, "token": crypto.encrypt_text(payload)}


def flash_take(request: HttpRequest, key: str) -> Flash | None:
    kept = request.session.get(FLASH_KEY)
    if not kept or kept.get("key") != key:
        return None
    del request.session[FLASH_KEY]
    payload = json.loads(crypto.decrypt_text(kept["token"]))
    return Flash(errors=payload["errors"], values=payload["values"])


@dataclass(frozen=True)
class ErrorLine:
    """One line of the error summary at the top of a step: the message, and where the page can
    tell it, the name of what it concerns and the id of its field (a link to it)."""

    message: str
    label: str = ""
    target: str = ""


class StepPage:
    """A step's page. Subclasses name their template and add what it needs to the context."""

    template_name: ClassVar[str] = "flows/steps/unavailable.html"
    # asked in a confirm dialog when "下一步" is pressed (the revisit's), or nothing
    confirm_text: ClassVar[str] = ""

    def __init__(self, *, service: StepService, request: HttpRequest, flash: Flash | None):
        self.service = service
        self.request = request
        self.flash = flash or Flash()
        self.application = service.application

    @property
    def accepts_submission(self) -> bool:
        return self.service.accepts_submission

    def context(self) -> dict[str, Any]:
        return {}

    def error_fields(self) -> dict[str, tuple[str, str]]:
        """The error keys this page can name: key → (what it concerns, the id of its field)."""
        return {}

    def error_summary(self, errors: dict[str, list[str]]) -> list[ErrorLine]:
        fields = self.error_fields()
        lines: list[ErrorLine] = []
        for key, messages_ in errors.items():
            label, target = fields.get(key, ("", ""))
            lines.extend(ErrorLine(str(message), str(label), target) for message in messages_)
        return lines

    # --- a step's background actions (the browser's script calls them) ------------------------
    def action_response(self, name: str, result: ActionResult) -> HttpResponse:
        """JSON for the script: the action's data, its message and what to do next."""
        body = dict(result.data)
        if result.effect:
            body["effect"] = result.effect
        if result.message:
            body["message"] = result.message
        return JsonResponse(body)

    def action_refused(self, name: str, error: BusinessError) -> HttpResponse:
        return JsonResponse({"message": error.message, "code": error.code}, status=400)


class FormActionsPage(StepPage):
    """A page whose actions are plain form posts: answered with a redirect and a message
    (post/redirect/get), never a page."""

    def action_response(self, name: str, result: ActionResult) -> HttpResponse:
        if result.message:
            level = messages.WARNING if result.effect == Effect.ABANDONED else messages.INFO
            messages.add_message(self.request, level, result.message)
        number = self.application.acceptance_number
        if result.effect == Effect.ABANDONED:
            return redirect("flows:my_business")
        if result.effect == Effect.REDIRECT:
            return redirect(result.data["url"])
        if result.effect in (Effect.COMPLETED, Effect.RESTART):
            return redirect("flows:resume", number)
        return redirect("flows:step", number, self.service.record.kind)

    def action_refused(self, name: str, error: BusinessError) -> HttpResponse:
        messages.error(self.request, error.message)
        return redirect("flows:step", self.application.acceptance_number, self.service.record.kind)
