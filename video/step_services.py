"""The witness step's service: the agent's pass, recorded through the step engine.

The queue, the call and the console come with the video witness issue; the core of the step
is here already, so that the agent's pass goes through the same engine as every other step
(flows.services.step_submit with the agent as actor: the lifecycle's `pass_witness`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from flows.actors import Actor
from flows.models import StepRecord
from flows.steps.base import Data, StepOutcome, StepService, StepSummary, now_iso, value

MAX_REMARKS = 500


@dataclass(frozen=True)
class WitnessSummary(StepSummary):
    agent: str
    passed_at: str | None
    remarks: str

    def rows(self) -> list[tuple[str, str]]:
        rows = [(_("见证坐席"), self.agent), (_("通过时间"), (self.passed_at or "")[:19])]
        if self.remarks:
            rows.append((_("坐席备注"), self.remarks))
        return rows


class WitnessService(StepService):
    # the investor's side does not complete it (no 下一步): the agent passes them
    accepts_submission = False

    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        remarks = value(data, "remarks").strip()
        if len(remarks) > MAX_REMARKS:
            return StepOutcome(
                done=False,
                errors={"remarks": [_("备注不能超过 %(max)d 个字。") % {"max": MAX_REMARKS}]},
            )
        return StepOutcome(
            done=True,
            data={"remarks": remarks},
            evidence={"agent": actor.label, "passed_at": now_iso(), "remarks": remarks},
        )

    @classmethod
    def summarize(cls, record: StepRecord) -> WitnessSummary:
        evidence = record.evidence or {}
        return WitnessSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            agent=evidence.get("agent", ""),
            passed_at=evidence.get("passed_at"),
            remarks=evidence.get("remarks", ""),
        )
