"""The witness agent's console through the API, for the company's side: a key of a witness
agent's account with the `witness` scope, or the agent's own staff session. What the console
does, through the same services (video.services): see the branch's queue, take the next
investor (the same atomic take), read the call's record and checklist, tick an item with its
evidence, pass, return to a named step with a reason, or release the investor to the queue.

An agent sees only their branch's queue and only the calls they took (another's is not found);
the services and the lifecycle judge everything else. Included under /api/v1/ by onboarding.api.
The call itself (WebRTC, snapshots, the recording) stays in the console's page. The bodies and
the call's record: video.agent_serializers."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api.base import ApiView
from api.openapi import error_response
from api.scopes import Scope
from api.serializers import checked_body
from audit.services import audit_record
from common.exceptions import BusinessError
from flows.actors import Actor, ActorKind
from flows.apis.serializers import brief_data
from flows.apis_auth import request_actor
from staff.roles import Role

from . import services
from .agent_serializers import (
    AgentQueueSerializer,
    EndSerializer,
    PassRequestSerializer,
    ReleaseRequestSerializer,
    ReturnRequestSerializer,
    TickRequestSerializer,
    WitnessRecordSerializer,
    record_data,
)
from .models import WitnessSession
from .selectors import agent_open_sessions, queue_snapshot

TAGS = ["witness agent"]
SESSION = OpenApiParameter("session_id", int, OpenApiParameter.PATH, description="视频见证记录编号")


def _session_of(agent, pk: int) -> WitnessSession:
    """The agent's own session, open or ended; another agent's is as if it did not exist."""
    session = (
        WitnessSession.objects.select_related("application", "application__client", "branch")
        .filter(pk=pk, agent=agent)
        .first()
    )
    if session is None:
        raise BusinessError(_("未找到该视频见证。"), code="not_found")
    return session


def _shown(agent, session: WitnessSession) -> dict:
    """The call's record as answered, on the audit log each time it is shown, as the console's
    page is (it shows the investor's application)."""
    audit_record(
        action="witness.application_viewed",
        actor=agent,
        actor_label=Actor.agent(agent).label,
        target=session.application,
        data={"session": session.pk, "via": "api"},
    )
    return WitnessRecordSerializer(record_data(session)).data


def _record(agent, session_id: int) -> dict:
    return _shown(agent, _session_of(agent, session_id))


def _ended(agent, session_id: int) -> Response:
    session = _session_of(agent, session_id)
    return Response(
        EndSerializer(
            {"session": _shown(agent, session), "application": brief_data(session.application)}
        ).data
    )


# --- the endpoints -------------------------------------------------------------------------------
NOT_FOUND = error_response(
    "视频见证不存在，或不是本坐席接入的",
    {"不是本坐席的见证": {"code": "not_found", "message": "未找到该视频见证。"}},
)
CLOSED = error_response(
    "该视频见证已经结束",
    {"已结束": {"code": "session_closed", "message": "该视频见证已经结束。"}},
)
SCOPE = error_response(
    "密钥没有 witness 权限范围，或所属账号不是见证坐席",
    {
        "缺少权限范围": {
            "code": "scope_missing",
            "message": "该凭据没有调用此接口所需的权限范围：witness。",
            "details": {"scope": "witness"},
        },
        "不是见证坐席": {"code": "permission_denied", "message": "无权调用该接口。"},
    },
)


class WitnessAgentApi(ApiView):
    """A witness agent: their key (scope `witness`, the owner a 见证坐席) or their session;
    never an investor token."""

    required_scopes = (Scope.WITNESS,)
    key_roles = (Role.WITNESS_AGENT,)
    session_roles = (Role.WITNESS_AGENT,)
    investor_tokens = False
    parser_classes = [JSONParser]

    def agent(self, request):
        return request_actor(request, staff_as=ActorKind.AGENT).user


class AgentQueueApi(WitnessAgentApi):
    @extend_schema(
        operation_id="witness_agent_queue",
        tags=TAGS,
        summary="本营业部的见证排队 / the branch's witness queue",
        description="坐席所属营业部正在等待的投资者（只显示受理单号与时间，不显示个人信息），"
        "以及本坐席尚未结束的见证。",
        responses={200: AgentQueueSerializer, 403: SCOPE},
        examples=[
            OpenApiExample(
                "两人排队",
                response_only=True,
                value={
                    "branch": "0001",
                    "waiting": 2,
                    "entries": [
                        {
                            "application": "2026120600000012",
                            "queued_at": "2026-12-06T10:00:02+08:00",
                            "waiting_seconds": 95,
                            "connected": True,
                            "appointment": False,
                        },
                        {
                            "application": "2026120600000015",
                            "queued_at": "2026-12-06T10:01:10+08:00",
                            "waiting_seconds": 27,
                            "connected": True,
                            "appointment": False,
                        },
                    ],
                    "open_sessions": [],
                },
            )
        ],
    )
    def get(self, request):
        agent = self.agent(request)
        branch_id = services.agent_branch(agent)
        entries = queue_snapshot(branch_id=branch_id)
        profile = agent.staff_profile
        return Response(
            AgentQueueSerializer(
                {
                    "branch": profile.branch.code,
                    "waiting": len(entries),
                    "entries": entries,
                    "open_sessions": [
                        {"id": s.pk, "application": s.application.acceptance_number}
                        for s in agent_open_sessions(agent=agent)
                    ],
                }
            ).data
        )


class TakeNextApi(WitnessAgentApi):
    @extend_schema(
        operation_id="witness_take_next",
        tags=TAGS,
        summary="接入下一位投资者 / take the next investor",
        description="与坐席台的“接入下一位”相同：原子地取出本营业部队列的第一位（两位坐席同时"
        "接入不会取到同一人），开始视频见证。队列为空 409 queue_empty；本坐席已有未结束的见证 "
        "409 session_open；账号未分配营业部 400 no_branch。视频通话本身在坐席台页面进行。",
        request=None,
        responses={
            201: WitnessRecordSerializer,
            403: SCOPE,
            409: error_response(
                "队列为空，或本坐席尚有未结束的见证",
                {
                    "队列为空": {"code": "queue_empty", "message": "当前没有等待的投资者。"},
                    "已有进行中的见证": {
                        "code": "session_open",
                        "message": "请先结束当前的视频见证。",
                    },
                },
            ),
        },
    )
    def post(self, request):
        agent = self.agent(request)
        session = services.witness_take_next(agent=agent)
        if session is None:
            raise BusinessError(_("当前没有等待的投资者。"), code="queue_empty")
        return Response(_record(agent, session.pk), status=201)


class SessionApi(WitnessAgentApi):
    @extend_schema(
        operation_id="witness_session_read",
        tags=TAGS,
        summary="视频见证记录与检查清单 / the call's record and checklist",
        description="本坐席接入的见证：检查清单及勾选（含证据）、尚未勾选的必选项、可退回的步骤、"
        "截图、投资者的业务及各步骤摘要。每次返回见证记录（含各写操作的应答）均记入审计日志。",
        parameters=[SESSION],
        responses={200: WitnessRecordSerializer, 403: SCOPE, 404: NOT_FOUND},
    )
    def get(self, request, session_id: int):
        agent = self.agent(request)
        return Response(_record(agent, session_id))


class TickApi(WitnessAgentApi):
    @extend_schema(
        operation_id="witness_tick",
        tags=TAGS,
        summary="勾选检查项 / tick a checklist item",
        description="证据与坐席台相同：无证据、录像的当前时间点（录像须已开始，否则 400 "
        "no_recording），或本次见证的一张截图（否则 400 invalid_evidence）。未知检查项 400 "
        "unknown_item。重复勾选以最后一次为准，审计日志保留每一次。",
        parameters=[SESSION],
        request=TickRequestSerializer,
        responses={200: WitnessRecordSerializer, 403: SCOPE, 404: NOT_FOUND, 409: CLOSED},
        examples=[
            OpenApiExample("无证据", value={"item": "identity"}, request_only=True),
            OpenApiExample(
                "截图为证",
                value={"item": "face_match", "evidence": "snapshot", "snapshot": 12},
                request_only=True,
            ),  # fmt: skip
            OpenApiExample(
                "录像时间点",
                value={"item": "risk_told", "evidence": "recording"},
                request_only=True,
            ),  # fmt: skip
        ],
    )
    def post(self, request, session_id: int):
        agent = self.agent(request)
        body = checked_body(TickRequestSerializer, request)
        services.witness_tick(
            session_id=_session_of(agent, session_id).pk,
            agent=agent,
            code=body.validated_data["item"],
            evidence=body.reference(),
        )
        return Response(_record(agent, session_id))


class PassApi(WitnessAgentApi):
    @extend_schema(
        operation_id="witness_pass",
        tags=TAGS,
        summary="见证通过 / pass the investor",
        description="通过视频见证步骤，投资者继续下一步（数字证书）。必选检查项未全部勾选时 400 "
        "step_invalid，details.missing 列出其编号；什么也不保存。",
        parameters=[SESSION],
        request=PassRequestSerializer,
        responses={
            200: EndSerializer,
            400: error_response(
                "必选检查项尚未勾选，或备注过长",
                {
                    "检查项未勾选": {
                        "code": "step_invalid",
                        "message": "以下检查项尚未确认，不能通过：本人与身份证一致",
                        "fields": {"__all__": ["以下检查项尚未确认，不能通过：本人与身份证一致"]},
                        "details": {"missing": ["identity"]},
                    }
                },
            ),
            403: SCOPE,
            404: NOT_FOUND,
            409: CLOSED,
        },
        examples=[OpenApiExample("通过", value={"remarks": "已核实本人"}, request_only=True)],
    )
    def post(self, request, session_id: int):
        agent = self.agent(request)
        body = checked_body(PassRequestSerializer, request)
        session = _session_of(agent, session_id)
        outcome = services.witness_pass(
            session_id=session.pk, agent=agent, remarks=body.validated_data.get("remarks", "")
        ).outcome
        if not outcome.done:
            raise _not_passed(outcome, session)
        return _ended(agent, session_id)


def _not_passed(outcome, session: WitnessSession) -> BusinessError:
    if not outcome.errors:  # the application changed meanwhile
        return BusinessError(_("业务状态已变化，请刷新后重试。"), code="concurrent_change")
    messages = [str(m) for ms in outcome.errors.values() for m in ms]
    session.refresh_from_db(fields=["ticks"])
    return BusinessError(
        messages[0],
        code="step_invalid",
        extra={
            "fields": {name: [str(m) for m in ms] for name, ms in outcome.errors.items()},
            "missing": [item["code"] for item in session.missing_required()],
        },
    )


class ReturnApi(WitnessAgentApi):
    @extend_schema(
        operation_id="witness_return",
        tags=TAGS,
        summary="退回投资者修改某一步骤 / return to a named step",
        description="投资者须修改的步骤须是视频见证之前、由投资者填写的步骤（return_steps），"
        "否则 400 invalid_step；原因必填。投资者修改后重新排队。",
        parameters=[SESSION],
        request=ReturnRequestSerializer,
        responses={
            200: EndSerializer,
            400: error_response(
                "步骤不可退回，或原因为空",
                {
                    "未知步骤": {
                        "code": "invalid_step",
                        "message": "请选择投资者需要修改的步骤。",
                        "details": {"step": "colour"},
                    }
                },
            ),
            403: SCOPE,
            404: NOT_FOUND,
            409: CLOSED,
        },
        examples=[
            OpenApiExample(
                "退回照片",
                value={"step": "photos", "reason": "身份证照片模糊，请重新拍摄。"},
                request_only=True,
            )
        ],  # fmt: skip
    )
    def post(self, request, session_id: int):
        agent = self.agent(request)
        body = checked_body(ReturnRequestSerializer, request)
        services.witness_return(
            session_id=_session_of(agent, session_id).pk,
            agent=agent,
            step=body.validated_data["step"],
            reason=body.validated_data["reason"],
        )
        return _ended(agent, session_id)


class ReleaseApi(WitnessAgentApi):
    @extend_schema(
        operation_id="witness_release",
        tags=TAGS,
        summary="中断，投资者回到排队 / release the investor to the queue",
        description="通话无法继续：投资者回到原来的排队位置，见证须重新进行。",
        parameters=[SESSION],
        request=ReleaseRequestSerializer,
        responses={200: EndSerializer, 403: SCOPE, 404: NOT_FOUND, 409: CLOSED},
    )
    def post(self, request, session_id: int):
        agent = self.agent(request)
        body = checked_body(ReleaseRequestSerializer, request)
        services.witness_release(
            session_id=_session_of(agent, session_id).pk,
            agent=agent,
            reason=body.validated_data.get("reason") or _("通话中断"),
        )
        return _ended(agent, session_id)


urlpatterns = [
    path("witness/agent/queue/", AgentQueueApi.as_view(), name="api-witness-agent-queue"),
    path("witness/agent/take-next/", TakeNextApi.as_view(), name="api-witness-take-next"),
    path("witness/sessions/<int:session_id>/", SessionApi.as_view(), name="api-witness-session"),
    path("witness/sessions/<int:session_id>/ticks/", TickApi.as_view(), name="api-witness-tick"),
    path("witness/sessions/<int:session_id>/pass/", PassApi.as_view(), name="api-witness-pass"),
    path(
        "witness/sessions/<int:session_id>/return/", ReturnApi.as_view(), name="api-witness-return"
    ),
    path(
        "witness/sessions/<int:session_id>/release/",
        ReleaseApi.as_view(),
        name="api-witness-release",
    ),
]
