"""What a step kind does for an investor. The engine (flows.engine and the step view) owns the
navigation: which step is current, the URL of each, "上一步", reloads and double posts; a handler
only shows its step and judges a submission."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ..models import Application, StepRecord


@dataclass
class StepResult:
    """The outcome of a submission. `done`: the step is complete and the flow moves on.
    `errors`: field → messages, shown on the step, which stays where it is. `data` and
    `evidence` are stored on the step record (what was entered; what proves it)."""

    done: bool
    errors: dict[str, list[str]] = field(default_factory=dict)
    data: dict[str, Any] | None = None
    evidence: dict[str, Any] | None = None
    message: str = ""


class StepHandler:
    template_name = "flows/steps/unavailable.html"
    accepts_submission = True  # False hides 下一步 (a step the investor cannot complete here)

    def __init__(self, *, application: Application, record: StepRecord, options: Any):
        self.application = application
        self.record = record
        self.options = options

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def action(self, request: HttpRequest, name: str) -> HttpResponse | None:
        """A step's own background call (POST .../<step>/action/<name>/), e.g. "this agreement
        was scrolled to its end" or "upload this photo". Return None for an unknown name (404).
        Save through `flows.services.step_evidence_merge` so that records stay consistent."""
        return None

    def submit(self, request: HttpRequest) -> StepResult:
        raise NotImplementedError


class UnavailableStep(StepHandler):
    """A registered kind whose investor pages are not built yet: it says so, offers no 下一步."""

    accepts_submission = False

    def submit(self, request: HttpRequest) -> StepResult:
        message = str(_("此步骤暂未开放网上办理，请致电客服热线。"))
        return StepResult(done=False, errors={"__all__": [message]})
