from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from wagtail import blocks

if TYPE_CHECKING:
    from .base import StepHandler


@dataclass(frozen=True)
class StepKind:
    """One kind of step a flow definition can use.

    `options` builds the block with the kind's settings in the flow definition (which documents,
    which questionnaire). The ordering rules are declared here, by the kind itself:
    `after` names the kinds that must come earlier in the flow, `last` that it must end it.
    """

    name: str
    label: str | Promise
    options: Callable[[], blocks.StructBlock] = field(
        default=lambda: blocks.StructBlock([], form_classname="step-without-options")
    )
    after: tuple[str, ...] = ()
    last: bool = False
    icon: str = "form"
    # How the step behaves for the investor: a StepHandler subclass, by dotted path so that a
    # kind can be registered before its views exist (resolved when first used).
    handler: str = "flows.steps.base.UnavailableStep"
    # Once this step is complete, earlier steps can no longer be changed (what the agent
    # witnessed, what was signed) unless the application is returned to one of them.
    locks_previous: bool = False

    def handler_class(self) -> type[StepHandler]:
        from django.utils.module_loading import import_string

        return import_string(self.handler)


class StepRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, StepKind] = {}

    def register(self, kind: StepKind) -> StepKind:
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
