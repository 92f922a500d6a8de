"""The witness step's service: the agent's pass, recorded through the step engine.

The agent completes the step (flows.services.step_submit with the agent as actor: the
lifecycle's `pass_witness`) from the console, for the session they took: it is refused while a
required check of the session's checklist is not ticked. What the witness leaves is a typed
summary (agent, branch, start and end, the checklist with its evidence, the remarks); it names
the agent so that the same person cannot review the application later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from flows.actors import Actor
from flows.models import StepRecord
from flows.steps.base import Data, StepOutcome, StepService, StepSummary, now_iso, value

MAX_REMARKS = 500


@dataclass(frozen=True)
class CheckTicked:
    code: str
    label: str
    required: bool
    ticked_at: str | None
    evidence: str  # what the summary shows: "人像截图 #12 10:01:02", "录像 00:01:10"
    snapshot_id: int | None = None
    recording_second: int | None = None


@dataclass(frozen=True)
class SnapshotTaken:
    kind: str  # "face" / "id_card"
    taken_at: str | None
    face_found: bool | None  # None: the check could not tell
    face_count: int | None

    def describe(self) -> str:
        kind = {"face": _("人像截图"), "id_card": _("手持身份证截图")}.get(self.kind, self.kind)
        if self.face_found is None:
            face = _("未做人脸检测")
        elif not self.face_found:
            face = _("未检测到人脸")
        elif (self.face_count or 0) > 1:
            face = _("检测到 %(n)d 张人脸") % {"n": self.face_count}
        else:
            face = _("检测到人脸")
        return f"{kind} {(self.taken_at or '')[11:19]} {face}".replace("  ", " ")


@dataclass(frozen=True)
class WitnessSummary(StepSummary):
    agent: str  # the actor label, "agent:<username>"
    agent_id: int | None  # the staff account: who witnessed may not review
    passed_at: str | None
    remarks: str
    session_id: int | None = None
    branch_id: int | None = None
    started_at: str | None = None
    checks: tuple[CheckTicked, ...] = field(default_factory=tuple)
    recording_seconds: int | None = None
    recording_sha256: str = ""
    snapshots: int = 0
    snapshots_taken: tuple[SnapshotTaken, ...] = ()
    liveness: tuple[str, ...] = ()

    @property
    def snapshots_without_face(self) -> int:
        return sum(1 for shot in self.snapshots_taken if shot.face_found is False)

    def rows(self) -> list[tuple[str, str]]:
        rows = [(_("见证坐席"), self.agent), (_("通过时间"), (self.passed_at or "")[:19])]
        if self.started_at:
            rows.append((_("开始时间"), self.started_at[:19]))
        for check in self.checks:
            mark = (
                _("已确认 %(at)s") % {"at": (check.ticked_at or "")[:19]}
                if check.ticked_at
                else _("未确认")
            )
            rows.append((check.label, f"{mark} {check.evidence}".strip()))
        if self.recording_sha256:
            rows.append(
                (
                    _("录像"),
                    _("约 %(s)d 秒，SHA-256 %(h)s")
                    % {"s": self.recording_seconds or 0, "h": self.recording_sha256},
                )
            )
        rows.append((_("截图"), str(self.snapshots)))
        for shot in self.snapshots_taken:
            rows.append((_("截图"), shot.describe()))
        for prompt in self.liveness:
            rows.append((_("活体提示"), prompt))
        if self.remarks:
            rows.append((_("坐席备注"), self.remarks))
        return rows


class WitnessService(StepService):
    # the investor's side does not complete it (no 下一步): the agent passes them
    accepts_submission = False

    def prepare(self, *, actor: Actor, data: Data, files: Any) -> Any:
        """The recording's length and SHA-256 (reading it all: before the lock)."""
        from .evidence import recording_facts
        from .selectors import session_open

        session = session_open(application=self.application)
        facts = recording_facts(session=session) if session is not None else None
        return {"recording": facts.as_dict() if facts else None}

    def submit(self, *, actor: Actor, data: Data, prepared: Any) -> StepOutcome:
        from .models import QueueEntry, WitnessOutcome
        from .selectors import session_open

        remarks = value(data, "remarks").strip()
        if len(remarks) > MAX_REMARKS:
            return StepOutcome(
                done=False,
                errors={"remarks": [_("备注不能超过 %(max)d 个字。") % {"max": MAX_REMARKS}]},
            )
        session = session_open(application=self.application)
        if session is None or session.agent_id != getattr(actor.user, "pk", None):
            return StepOutcome(
                done=False, errors={"__all__": [_("只有接入该视频见证的坐席可以通过。")]}
            )
        missing = session.missing_required()
        if missing:
            labels = "、".join(item["label"] for item in missing)
            return StepOutcome(
                done=False,
                errors={
                    "__all__": [_("以下检查项尚未确认，不能通过：%(items)s") % {"items": labels}]
                },
            )
        session.outcome = WitnessOutcome.PASSED
        session.ended_at = timezone.now()
        session.reason = remarks
        session.save(update_fields=["outcome", "ended_at", "reason"])
        QueueEntry.objects.filter(application_id=self.application.pk).delete()
        return StepOutcome(
            done=True,
            data={"remarks": remarks},
            evidence={
                "agent": actor.label,
                "agent_id": session.agent_id,
                "passed_at": now_iso(),
                "remarks": remarks,
                "session": session.pk,
                "branch": session.branch_id,
                "started_at": session.started_at.isoformat(),
                "checklist": session.checklist,
                "ticks": session.ticks,
                "recording": (prepared or {}).get("recording"),
                "liveness": session.liveness,
                "snapshots": [
                    {
                        "id": shot.pk,
                        "kind": shot.kind,
                        "sha256": shot.sha256,
                        "face": shot.face_found,
                        "faces": shot.face_count,
                        "taken_at": shot.taken_at.isoformat(),
                    }
                    for shot in session.snapshots.all()
                ],
            },
        )

    @classmethod
    def summarize(cls, record: StepRecord) -> WitnessSummary:
        evidence = record.evidence or {}
        ticks = evidence.get("ticks", {})
        checks = tuple(
            CheckTicked(
                code=item["code"],
                label=item["label"],
                required=item["required"],
                ticked_at=ticks.get(item["code"], {}).get("at"),
                evidence=ticks.get(item["code"], {}).get("evidence", ""),
                snapshot_id=ticks.get(item["code"], {}).get("snapshot"),
                recording_second=ticks.get(item["code"], {}).get("recording_second"),
            )
            for item in evidence.get("checklist", [])
        )
        return WitnessSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            agent=evidence.get("agent", ""),
            agent_id=evidence.get("agent_id"),
            passed_at=evidence.get("passed_at"),
            remarks=evidence.get("remarks", ""),
            session_id=evidence.get("session"),
            branch_id=evidence.get("branch"),
            started_at=evidence.get("started_at"),
            checks=checks,
            recording_seconds=(evidence.get("recording") or {}).get("seconds"),
            recording_sha256=(evidence.get("recording") or {}).get("sha256", ""),
            snapshots=len(evidence.get("snapshots", [])),
            snapshots_taken=tuple(
                SnapshotTaken(
                    kind=shot.get("kind", ""),
                    taken_at=shot.get("taken_at"),
                    face_found=shot.get("face"),
                    face_count=shot.get("faces"),
                )
                for shot in evidence.get("snapshots", [])
            ),
            liveness=tuple(
                f"{(item.get('at') or '')[11:19]} {item['text']}"
                for item in evidence.get("liveness", [])
            ),
        )
