"""Where an application is in its flow (reads only; the writes are flows.services.steps).

The server decides: the current step is the first one not complete (or the one the application
was sent back to); any step up to it may be shown and, unless a later step locks it, changed;
a step after it is never shown."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.blocks import StreamValue, StructBlock
from wagtail.models import Revision

from common.prepared import PreparedRead

from .models import Application, FlowDefinition, StepRecord
from .steps import StepKind, registry


@dataclass(frozen=True)
class FlowStep:
    position: int
    kind: StepKind
    # the pinned steps and this step's place among them: its options (documents and
    # questionnaires chosen, each a query) are read only for the steps a request looks at
    source: StreamValue = field(repr=False, compare=False)
    index: int = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.kind.name

    @cached_property
    def options(self) -> Any:
        item = self.source.raw_data[self.index]
        block = self.source.stream_block.child_blocks.get(item["type"])
        if not isinstance(block, StructBlock):
            return self.source[self.index].value
        return StepOptions(block, item.get("value") or {})


class StepOptions(Mapping):
    """A step's options, each built from the pinned revision's raw data when first asked for:
    a chosen document or questionnaire is a query, and a page asks only for what it shows (the
    witness step's page never reads the agent's script)."""

    def __init__(self, block: StructBlock, raw: dict[str, Any]):
        self._block = block
        self._raw = raw
        self._values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            child = self._block.child_blocks[name]  # KeyError for a name the kind has not
            self._values[name] = (
                child.to_python(self._raw[name]) if name in self._raw else child.get_default()
            )
        return self._values[name]

    def raw(self, name: str) -> Any:
        """The option as the revision stores it (a chosen snippet's id), without reading it."""
        return self._raw.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._block.child_blocks)

    def __len__(self) -> int:
        return len(self._block.child_blocks)


# revision id -> the raw steps of that flow revision (JSON text): a revision never changes
_PINNED_STEPS: dict[int, str] = {}
_PINNED_STEPS_LOCK = threading.Lock()
_PINNED_STEPS_KEPT = 256


@receiver(post_save, sender=Revision)
def _revision_saved(sender, instance: Revision, **kwargs) -> None:
    """A revision saved under an id already read (a test database rolled back reuses ids)."""
    with _PINNED_STEPS_LOCK:
        _PINNED_STEPS.pop(instance.pk, None)


def pinned_steps(application: Application) -> StreamValue:
    """The steps of the flow revision the application pinned. Their raw data is read once per
    process; the values are built afresh on each call, so that the documents and questionnaires
    they choose are read as they are now."""
    revision_id = application.flow_revision_id
    raw = _PINNED_STEPS.get(revision_id)
    if raw is None:
        content = Revision.objects.values_list("content", flat=True).get(pk=revision_id)
        raw = content["steps"]
        raw = raw if isinstance(raw, str) else json.dumps(raw)
        with _PINNED_STEPS_LOCK:
            if len(_PINNED_STEPS) >= _PINNED_STEPS_KEPT:
                _PINNED_STEPS.clear()
            _PINNED_STEPS[revision_id] = raw
    return FlowDefinition._meta.get_field("steps").to_python(raw)


def flow_steps(application: Application) -> list[FlowStep]:
    """The steps of the flow revision the application pinned, in order."""
    stream = pinned_steps(application)
    steps: list[FlowStep] = []
    for index, item in enumerate(stream.raw_data):
        kind = registry.get(item["type"])
        if kind is not None:
            steps.append(FlowStep(len(steps), kind, stream, index))
    return steps


def step_records(application: Application) -> dict[str, StepRecord]:
    """The application's step records by kind (read on every step page: SQL built once)."""
    records = _step_records(application_id=application.pk)
    for record in records:
        record.application = application
    return {record.kind: record for record in records}


_step_records = PreparedRead(
    lambda application_id: StepRecord.objects.filter(application_id=application_id)
)


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
