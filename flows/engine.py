"""Where an application is in its flow (reads only; the writes are flows.services.steps).

The server decides: the current step is the first one not complete (or the one the application
was sent back to); any step up to it may be shown and, unless a later step locks it, changed;
a step after it is never shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Application, StepRecord
from .steps import StepKind, registry


@dataclass(frozen=True)
class FlowStep:
    position: int
    kind: StepKind
    options: Any

    @property
    def name(self) -> str:
        return self.kind.name


def flow_steps(application: Application) -> list[FlowStep]:
    """The steps of the flow revision the application pinned, in order."""
    steps: list[FlowStep] = []
    for block in application.flow.steps:
        kind = registry.get(block.block_type)
        if kind is not None:
            steps.append(FlowStep(len(steps), kind, block.value))
    return steps


def step_records(application: Application) -> dict[str, StepRecord]:
    return {record.kind: record for record in application.step_records.all()}


def current_step(
    application: Application, steps: list[FlowStep], records: dict[str, StepRecord]
) -> FlowStep | None:
    """None when every step is complete."""
    if application.returned_step:
        for step in steps:
            if step.name == application.returned_step:
                return step
    for step in steps:
        record = records.get(step.name)
        if record is None or not record.is_complete:
            return step
    return None


def step_is_locked(
    step: FlowStep, steps: list[FlowStep], records: dict[str, StepRecord], application: Application
) -> bool:
    """A step before a completed locking step (witness, signing) cannot change, except the one
    the application was returned to."""
    if application.returned_step == step.name:
        return False
    return any(
        later.kind.locks_previous and records.get(later.name) and records[later.name].is_complete
        for later in steps[step.position + 1 :]
    )


def find_step(steps: list[FlowStep], name: str) -> FlowStep | None:
    return next((step for step in steps if step.name == name), None)


@dataclass(frozen=True)
class FlowPosition:
    """An application's steps, their records and the current step (None: all complete)."""

    application: Application
    steps: list[FlowStep]
    records: dict[str, StepRecord]
    current: FlowStep | None

    def find(self, name: str) -> FlowStep | None:
        return find_step(self.steps, name)

    def is_locked(self, step: FlowStep) -> bool:
        return step_is_locked(step, self.steps, self.records, self.application)

    def is_complete(self, step: FlowStep) -> bool:
        record = self.records.get(step.name)
        return record is not None and record.is_complete

    def record(self, step: FlowStep) -> StepRecord:
        """The step's record, or a new unsaved one."""
        return self.records.get(step.name) or StepRecord(
            application=self.application, kind=step.name
        )


def flow_position(application: Application) -> FlowPosition:
    steps = flow_steps(application)
    records = step_records(application)
    return FlowPosition(application, steps, records, current_step(application, steps, records))
