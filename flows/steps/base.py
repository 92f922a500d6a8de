"""The step-kind contract (docs/flows.md).

A step kind's core is a `StepService`: it takes plain data and an `Actor` and returns plain
results, with no request, no redirect and no flash message. The engine (flows.services.steps)
resolves the step, checks who may do what in which state, runs the service, and records the
outcome; the investor's pages (flows.pages), the agent's console and the REST API are adapters
over the same engine. What a step recorded is read through its typed `summary`, never through
its raw JSON.

A submission runs in two parts, so that no slow work happens inside the application's row lock:
`prepare` (outside the lock: judge photos, write encrypted files) and `submit` (inside it, with
the record's version checked: create rows, judge the step). `discard` undoes what `prepare` did
when the submission is not taken (an old page posted again, a refusal, an error)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import datetime

    from ..actors import Actor
    from ..models import Application, StepRecord

Data = Mapping[str, Any]  # a form's values: a QueryDict, or a dict (lists for many values)
Files = Mapping[str, Any]  # name → an uploaded file, or a list of them


def values(data: Data, name: str) -> list[str]:
    """Every value posted under a name, whether `data` is a QueryDict or a dict from JSON."""
    if hasattr(data, "getlist"):
        return [str(value) for value in data.getlist(name)]
    value = data.get(name)
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def value(data: Data, name: str, default: str = "") -> str:
    found = values(data, name)
    return found[-1] if found else default


def uploads(files: Files | None, name: str) -> list[Any]:
    if not files:
        return []
    if hasattr(files, "getlist"):
        return list(files.getlist(name))
    found = files.get(name)
    if found is None:
        return []
    return list(found) if isinstance(found, list | tuple) else [found]


@dataclass
class StepOutcome:
    """The result of a submission. `done`: the step is complete and the flow moves on.
    `errors`: field → messages; the step stays where it is. `data` and `evidence`, when given,
    replace what the record holds (what was entered; what proves it). `message`: what the
    person is told (e.g. "照片已处理，请确认"). `stale` is set by the engine: an old page was
    posted again and nothing was done."""

    done: bool
    errors: dict[str, list[str]] = field(default_factory=dict)
    data: dict[str, Any] | None = None
    evidence: dict[str, Any] | None = None
    message: str = ""
    stale: bool = False

    @property
    def stores(self) -> bool:
        return self.done or self.data is not None or self.evidence is not None


class Effect:
    """What an action did to the flow, for the adapters to follow."""

    STAY = ""
    COMPLETED = "completed"  # the step completed: go on
    ABANDONED = "abandoned"  # the business ended: go to "my business"
    REDIRECT = "redirect"  # leave for data["url"] (the online knowledge test)
    RESTART = "restart"  # earlier steps reopened: go to the current step


@dataclass
class ActionResult:
    """The result of a step's action: `data` goes back to the caller (the browser's script,
    the API client); `outcome`, when given, is recorded like a submission's; `transition` is
    performed by the engine in the same transaction (giving up at a suitability notice ends
    the business)."""

    data: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    effect: str = Effect.STAY
    outcome: StepOutcome | None = None
    transition: str = ""  # a lifecycle transition the engine performs after ("abandon")
    reason: str = ""  # why, for that transition's audit entry


@dataclass(frozen=True)
class StepSummary:
    """What a completed (or started) step recorded, typed, for "my business", the review
    console and the API. Each kind subclasses it with its own fields."""

    kind: str
    completed_at: datetime.datetime | None

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) lines for a person: the consoles show these."""
        return []

    def flags(self) -> list[str]:
        """What the reviewer is to look at (the revisit's alerting answers); none by default."""
        return []

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the API (dates as ISO strings)."""
        return _plain(dataclasses.asdict(self))


@dataclass(frozen=True)
class DocumentVersion:
    """Which version of a CMS document a person read, acknowledged, agreed to or signed."""

    title: str
    rendition: int | None
    revision: int | None
    sha256: str

    @classmethod
    def of(cls, recorded: dict[str, Any] | None) -> DocumentVersion | None:
        if not recorded:
            return None
        return cls(
            title=recorded.get("title", ""),
            rendition=recorded.get("rendition"),
            revision=recorded.get("revision"),
            sha256=recorded.get("sha256", ""),
        )

    def __str__(self) -> str:
        return f"《{self.title}》（{_('版本')} {self.revision}，SHA-256 {self.sha256[:12]}…）"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class StepService:
    """The core of a step kind. Subclasses implement `submit` and, where they have them,
    `state`, `prepare`/`discard`, `act` (with the action names in `actions`) and `summarize`.

    Actions run inside the application's row lock (they change the record: a reading, an
    acknowledgement), except those named in `unlocked_actions`, which manage their own short
    locks around slow work (signing)."""

    actions: ClassVar[tuple[str, ...]] = ()
    unlocked_actions: ClassVar[frozenset[str]] = frozenset()
    # False: nobody on the investor's side completes this step here (no 下一步 is offered)
    accepts_submission: ClassVar[bool] = True

    def __init__(self, *, application: Application, record: StepRecord, options: Any):
        self.application = application
        self.record = record
        self.options = options or {}

    def stored_option(self, name: str) -> Any:
        """An option as the flow revision stores it (a chosen snippet's id, a list of ids),
        without reading what it names; None when the options are a plain dict (no revision)."""
        raw = getattr(self.options, "raw", None)  # flows.engine.StepOptions, or a dict
        return raw(name) if raw else None

    # --- reading --------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Plain data an adapter shows for this step (JSON-able)."""
        return {}

    @classmethod
    def summarize(cls, record: StepRecord) -> StepSummary:
        return StepSummary(kind=record.kind, completed_at=record.completed_at)

    # --- a submission ---------------------------------------------------------------------
    def prepare(self, *, actor: Actor, data: Data, files: Files) -> Any:
        """Slow work before the lock; its result is given to `submit`."""
        return None

    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        raise NotImplementedError

    def discard(self, prepared: Any) -> None:
        """Undo what `prepare` did, when its result was not used."""

    # --- actions --------------------------------------------------------------------------
    def act(self, *, actor: Actor, name: str, data: Data, files: Files) -> ActionResult:
        raise NotImplementedError


def now_iso() -> str:
    return timezone.now().isoformat()


class UnavailableStep(StepService):
    """A registered kind whose service is not built yet: it says so, and nothing completes it."""

    accepts_submission = False

    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        return StepOutcome(
            done=False, errors={"__all__": [str(_("此步骤暂未开放网上办理，请致电客服热线。"))]}
        )
