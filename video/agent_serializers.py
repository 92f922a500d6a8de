"""What the witness agent's API reads and sends (video.agent_apis): the branch queue, the call's
record (as the console's page shows it) and the bodies of tick, pass, return and release."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from flows.actors import Actor
from flows.apis.base import StrictSerializer
from flows.apis.serializers import (
    ApplicationBriefSerializer,
    ApplicationDetailSerializer,
    StepNameField,
    application_data,
)

from .models import SnapshotKind, WitnessOutcome, WitnessSession
from .selectors import id_photo_front, witness_return_steps
from .services import RECORDING_NOW
from .step_services import MAX_REMARKS


class Evidence:
    """What a tick points at, as the console offers it (video.services._evidence)."""

    NONE, RECORDING, SNAPSHOT = "none", "recording", "snapshot"
    CHOICES = [NONE, RECORDING, SNAPSHOT]


# --- what the agent reads ------------------------------------------------------------------------
class QueueEntrySerializer(serializers.Serializer):
    application = serializers.CharField(help_text="受理单号（队列中不显示个人信息）")
    queued_at = serializers.DateTimeField()
    waiting_seconds = serializers.IntegerField()
    connected = serializers.BooleanField(help_text="投资者页面仍在线（断线者在宽限期内保留位置）")
    appointment = serializers.BooleanField(help_text="预约时段正在进行，优先接入")


class OpenSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.CharField(help_text="受理单号")


class AgentQueueSerializer(serializers.Serializer):
    branch = serializers.CharField(help_text="坐席所属营业部代码")
    waiting = serializers.IntegerField(help_text="正在等待的投资者人数")
    entries = QueueEntrySerializer(many=True, help_text="排队顺序，第一位即下一位被接入者")
    open_sessions = OpenSessionSerializer(
        many=True, help_text="本坐席尚未结束的见证（须先结束才能接入下一位）"
    )


class TickSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    evidence = serializers.CharField(
        allow_blank=True,
        help_text="证据的文字说明，如“人像截图 #12 10:02:13”“录像 00:01:30”；空为无证据",
    )
    snapshot = serializers.IntegerField(required=False, help_text="证据截图的编号")
    recording_second = serializers.IntegerField(required=False, help_text="录像中的秒数")


class ChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField(help_text="通过前必须勾选")
    evidence_hint = serializers.CharField(allow_blank=True)
    tick = TickSerializer(allow_null=True, help_text="未勾选为 null；重复勾选以最后一次为准")


class ReturnStepSerializer(serializers.Serializer):
    name = StepNameField()
    label = serializers.CharField()


class SnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SnapshotKind.choices)
    taken_at = serializers.DateTimeField()
    face_found = serializers.BooleanField(allow_null=True)
    face_count = serializers.IntegerField(allow_null=True)


class WitnessRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(
        choices=WitnessOutcome.choices,
        help_text="open 进行中；passed 通过；returned 退回修改；released 中断，回到排队",
    )
    agent = serializers.CharField(help_text="坐席标识，如 agent:agent_bj")
    branch = serializers.CharField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True, help_text="通过的备注，或退回、中断的原因")
    returned_step = StepNameField(allow_blank=True, help_text="退回时为退回到的步骤；否则为空")
    checklist = ChecklistItemSerializer(many=True)
    missing_required = serializers.ListField(
        child=serializers.CharField(), help_text="尚未勾选的必选检查项编号；为空才能通过"
    )
    return_steps = ReturnStepSerializer(many=True, help_text="可退回的步骤（视频见证之前的步骤）")
    snapshots = SnapshotSerializer(many=True)
    has_recording = serializers.BooleanField()
    has_id_photo = serializers.BooleanField(help_text="有身份证人像面照片可供比对")
    application = ApplicationDetailSerializer(help_text="投资者的业务，含各步骤的摘要")


class EndSerializer(serializers.Serializer):
    session = WitnessRecordSerializer()
    application = ApplicationBriefSerializer()


# --- what the agent sends ------------------------------------------------------------------------
class TickRequestSerializer(StrictSerializer):
    item = serializers.SlugField(max_length=40, help_text="检查项编号（checklist[].code）")
    evidence = serializers.ChoiceField(
        choices=Evidence.CHOICES,
        default=Evidence.NONE,
        help_text="none 无证据；recording 录像的当前时间点；snapshot 本次见证的一张截图",
    )
    snapshot = serializers.IntegerField(
        required=False, min_value=1, help_text="evidence 为 snapshot 时必填：截图编号"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        chose_snapshot = attrs.get("evidence") == Evidence.SNAPSHOT
        if chose_snapshot and "snapshot" not in attrs:
            raise serializers.ValidationError({"snapshot": [_("请选择作为证据的截图。")]})
        if not chose_snapshot and "snapshot" in attrs:
            raise serializers.ValidationError({"snapshot": [_("仅在证据为截图时填写。")]})
        return attrs

    def reference(self) -> str:
        """The evidence as the service reads it ("", "recording", "snapshot:<id>")."""
        chosen = self.validated_data["evidence"]
        if chosen == Evidence.SNAPSHOT:
            return f"snapshot:{self.validated_data['snapshot']}"
        return "" if chosen == Evidence.NONE else RECORDING_NOW


class PassRequestSerializer(StrictSerializer):
    remarks = serializers.CharField(
        max_length=MAX_REMARKS, required=False, allow_blank=True, help_text="备注（可空）"
    )


class ReturnRequestSerializer(StrictSerializer):
    step = StepNameField(max_length=40, help_text="退回到的步骤（return_steps[].name）")
    reason = serializers.CharField(max_length=500, help_text="退回原因，展示给投资者")


class ReleaseRequestSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="中断原因；空为“通话中断”"
    )


def record_data(session: WitnessSession) -> dict[str, Any]:
    """The call's record as the console's page shows it."""
    application = session.application
    return {
        "id": session.pk,
        "outcome": session.outcome,
        "agent": Actor.agent(session.agent).label,
        "branch": session.branch.code,
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "reason": session.reason,
        "returned_step": session.returned_step,
        "checklist": [
            {**item, "tick": session.ticks.get(item["code"])} for item in session.checklist
        ],
        "missing_required": [item["code"] for item in session.missing_required()],
        "return_steps": [
            {"name": step.name, "label": str(step.kind.label)}
            for step in witness_return_steps(application=application)
        ]
        if session.is_open
        else [],
        "snapshots": [
            {
                "id": shot.pk,
                "kind": shot.kind,
                "taken_at": shot.taken_at,
                "face_found": shot.face_found,
                "face_count": shot.face_count,
            }
            for shot in session.snapshots.all()
        ],
        "has_recording": session.recording_chunks.exists(),
        "has_id_photo": id_photo_front(application=application) is not None,
        "application": application_data(application, detail=True),
    }
