"""What the flow API returns: an application with its steps (each with its status and typed
summary), its history, and the result of a step's submission or action. Built from the same
reads as "my business" and the consoles (`flow_position`, `step_summaries`,
`application_history`)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..actors import ActorKind
from ..engine import flow_position
from ..models import Application, ApplicationState, TradingCodeGrant
from ..selectors import application_history
from ..services import step_summaries
from ..services.lifecycle import HISTORY_ACTIONS
from ..steps.base import Effect

COMPLETED, CURRENT, TODO = "completed", "current", "todo"
STEP_STATUSES = [COMPLETED, CURRENT, TODO]
ACTOR_KINDS = [kind.value for kind in ActorKind]


class StepNameField(serializers.CharField):
    """A step kind's name (photos, exchanges, witness…): an enum of the registered kinds in the
    schema (flows.apis.schema)."""


def completed_by_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=ACTOR_KINDS), **kwargs)


class StepStatusSerializer(serializers.Serializer):
    name = StepNameField(help_text="步骤种类，即 URL 中的步骤名，如 photos、exchanges")
    label = serializers.CharField()
    status = serializers.ChoiceField(
        choices=STEP_STATUSES,
        help_text="completed 已完成；current 当前应办理；todo 尚未到达",
    )
    locked = serializers.BooleanField(help_text="已被视频见证或签署锁定，投资者一方不能再修改")
    completed_by = completed_by_field(help_text="由谁完成：investor、integrator、agent…")
    completed_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.DictField(
        allow_null=True, help_text="该步骤记录内容的类型化摘要（StepSummary.as_dict()）"
    )


class TradingCodeSerializer(serializers.Serializer):
    exchange = serializers.CharField()
    trading_code = serializers.CharField()
    granted_at = serializers.DateTimeField()


class ApplicationSerializer(serializers.Serializer):
    acceptance_number = serializers.CharField(help_text="16 位受理单号")
    business_type = serializers.CharField()
    state = serializers.ChoiceField(choices=ApplicationState.choices)
    state_label = serializers.CharField()
    client_no = serializers.CharField()
    branch = serializers.CharField(help_text="开户营业部代码")
    current_step = StepNameField(allow_null=True, help_text="当前应办理的步骤；全部完成为 null")
    returned_step = StepNameField(allow_blank=True, help_text="退回或驳回时需修改的步骤；无则为空")
    remarks = serializers.CharField(allow_blank=True, help_text="退回或驳回的原因")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class ApplicationDetailSerializer(ApplicationSerializer):
    steps = StepStatusSerializer(many=True)
    trading_codes = TradingCodeSerializer(many=True)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(
        choices=HISTORY_ACTIONS, help_text="application.<迁移>、application.start 或 step.complete"
    )
    actor = serializers.CharField(help_text="操作人标识，如 integrator:app、agent:agent_bj")
    reason = serializers.CharField(allow_blank=True)
    data = serializers.DictField(help_text="from、to、step 等")


class StepStateSerializer(StepStatusSerializer):
    state = serializers.DictField(help_text="该步骤当前展示所需的数据（StepService.state()）")


class ApplicationBriefSerializer(serializers.Serializer):
    acceptance_number = serializers.CharField()
    state = serializers.ChoiceField(choices=ApplicationState.choices)
    current_step = StepNameField(allow_null=True, help_text="当前应办理的步骤；全部完成为 null")


class SubmissionSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text="该步骤已完成，流程继续")
    message = serializers.CharField(
        allow_blank=True, help_text="给人看的提示，如“照片已处理，请确认”"
    )
    step = StepStateSerializer()
    application = ApplicationBriefSerializer()


class ActionResultSerializer(serializers.Serializer):
    message = serializers.CharField(allow_blank=True)
    effect = serializers.ChoiceField(
        choices=[Effect.STAY, Effect.COMPLETED, Effect.ABANDONED, Effect.REDIRECT, Effect.RESTART],
        allow_blank=True,
        help_text="completed 步骤已完成；abandoned 业务已结束；redirect 前往 data.url；"
        "restart 之前的步骤已重新打开；空：停留在本步骤",
    )
    data = serializers.DictField(help_text="该操作返回的数据")
    step = StepStateSerializer(allow_null=True, help_text="业务已结束（放弃）时为 null")
    application = ApplicationBriefSerializer()


def application_data(application: Application, *, detail: bool = False) -> dict[str, Any]:
    position = flow_position(application)
    data: dict[str, Any] = {
        "acceptance_number": application.acceptance_number,
        "business_type": application.business_type,
        "state": application.state,
        "state_label": str(application.get_state_display()),
        "client_no": application.client.client_no,
        "branch": application.client.branch.code,
        "current_step": position.current.name if position.current else None,
        "returned_step": application.returned_step,
        "remarks": application.remarks,
        "created_at": application.created_at,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
    }
    if detail:
        summaries = {s.kind: s.as_dict() for s in step_summaries(application=application)}
        data["steps"] = [
            steps_status(position, step, summaries.get(step.name)) for step in position.steps
        ]
        data["trading_codes"] = [
            {
                "exchange": grant.exchange.code,
                "trading_code": grant.trading_code,
                "granted_at": grant.granted_at,
            }
            for grant in TradingCodeGrant.objects.filter(application=application)
            .select_related("exchange")
            .order_by("pk")
        ]
    return data


def steps_status(position, step, summary: dict[str, Any] | None) -> dict[str, Any]:
    record = position.records.get(step.name)
    if position.is_complete(step):
        status = COMPLETED
    elif position.current is not None and position.current.name == step.name:
        status = CURRENT
    else:
        status = TODO
    return {
        "name": step.name,
        "label": str(step.kind.label),
        "status": status,
        "locked": position.is_locked(step),
        "completed_by": sorted(str(kind) for kind in step.kind.completed_by),
        "completed_at": record.completed_at if record else None,
        "summary": summary,
    }


def brief_data(application: Application) -> dict[str, Any]:
    application = Application.objects.get(pk=application.pk)
    position = flow_position(application)
    return {
        "acceptance_number": application.acceptance_number,
        "state": application.state,
        "current_step": position.current.name if position.current else None,
    }


def history_data(application: Application) -> list[dict[str, Any]]:
    return [
        {
            "at": event.at,
            "action": event.action,
            "actor": event.actor_label,
            "reason": event.reason,
            "data": event.data,
        }
        for event in application_history(application=application)
    ]
