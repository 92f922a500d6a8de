from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from wagtail import blocks

from ..actors import ON_INVESTORS_BEHALF, ActorKind

if TYPE_CHECKING:
    from ..pages import StepPage
    from .base import StepService

# The lifecycle transitions a step's completion may perform (flows.models.Application).
COMPLETIONS = frozenset({"pass_witness", "submit"})


@dataclass(frozen=True)
class StepKind:
    """One kind of step a flow definition can use, registered by the app that provides it.

    `options` builds the block with the kind's settings in the flow definition (which documents,
    which questionnaire). The ordering rules are declared by the kind itself: `after` names the
    kinds that must come earlier in the flow, `last` that it must end it.

    `service` and `page` are dotted paths (a kind is registered before its modules are
    imported): the step's core (a `StepService`) and its investor page (a `flows.pages.StepPage`).
    `completed_by`: who completes it (the witness: an agent; most steps: the investor or an
    integrator for them). `locks_previous`: once complete, the earlier steps can no longer change
    (what the agent witnessed, what was signed) unless the application is sent back to one of
    them. `completion`: the lifecycle transition completing it performs ("pass_witness" for the
    witness, "submit" for the revisit), so that the engine needs no code per kind.
    """

    name: str
    label: str | Promise
    options: Callable[[], blocks.StructBlock] = field(
        default=lambda: blocks.StructBlock([], form_classname="step-without-options")
    )
    after: tuple[str, ...] = ()
    last: bool = False
    icon: str = "form"
    service: str = "flows.steps.base.UnavailableStep"
    page: str = "flows.pages.StepPage"
    completed_by: frozenset[ActorKind] = ON_INVESTORS_BEHALF
    locks_previous: bool = False
    completion: str = ""

    def __post_init__(self) -> None:
        if not self.completed_by:
            raise ValueError(f"step kind {self.name!r}: nobody completes it")
        if self.completion and self.completion not in COMPLETIONS:
            raise ValueError(f"step kind {self.name!r}: unknown completion {self.completion!r}")

    @property
    def submits(self) -> bool:
        """Completing it submits the application."""
        return self.completion == "submit"

    def service_class(self) -> type[StepService]:
        return import_string(self.service)

    def page_class(self) -> type[StepPage]:
        return import_string(self.page)


class StepRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, StepKind] = {}

    def register(self, kind: StepKind) -> StepKind:
        """Register a kind; the same name with another definition is refused at start-up."""
        if kind.name in self._kinds and self._kinds[kind.name] != kind:
            raise ValueError(f"step kind {kind.name!r} is registered twice")
        self._kinds[kind.name] = kind
        return kind

    def get(self, name: str) -> StepKind | None:
        return self._kinds.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._kinds

    def __iter__(self):
        return iter(self._kinds.values())

    def names(self) -> list[str]:
        return list(self._kinds)


registry = StepRegistry()
