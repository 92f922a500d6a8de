"""The video witness through the API, on the investor's behalf: join or leave the branch's
queue and see the place in it; the appointment slots, book one, cancel it. The witness step is
read only here: the agent's side (take, tick, pass, return) is video.agent_apis.
Included under /api/v1/applications/<acceptance_number>/ by onboarding.api."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.serializers import checked_body
from common.exceptions import BusinessError
from flows.actors import ON_INVESTORS_BEHALF
from flows.apis.base import ApplicationsApi, StrictSerializer, application_for
from flows.apis.serializers import ApplicationBriefSerializer, brief_data
from flows.apis.steps import step_endpoints
from flows.models import Application

from .appointments import appointment_book, appointment_cancel, appointment_live, appointment_slots
from .models import AppointmentStatus
from .selectors import queue_count, queue_position
from .services import witness_queue_join, witness_queue_leave
from .steps import WITNESS

TAGS = ["witness"]


class QueueSerializer(serializers.Serializer):
    queued = serializers.BooleanField(help_text="正在排队等待坐席")
    position = serializers.IntegerField(allow_null=True, help_text="排第几位（1 为下一位）")
    waiting = serializers.IntegerField(help_text="本营业部正在排队的人数（含自己）")
    application = ApplicationBriefSerializer()


class LeaveSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


def _queue(application: Application) -> dict:
    position = queue_position(application=application)
    return {
        "queued": position is not None,
        "position": position,
        "waiting": queue_count(branch_id=application.client.branch_id),
        "application": brief_data(application),
    }


class QueueApi(ApplicationsApi):
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(
        operation_id="witness_queue_read",
        tags=TAGS,
        summary="排队位置 / the place in the witness queue",
        responses={200: QueueSerializer},
    )
    def get(self, request, acceptance_number: str):
        application, _actor = application_for(request, acceptance_number)
        return Response(QueueSerializer(_queue(application)).data)

    @extend_schema(
        operation_id="witness_queue_join",
        tags=TAGS,
        summary="进入视频见证排队 / join the witness queue",
        description="视频见证之前的步骤须已完成（否则 400 not_ready_for_witness）。",
        request=None,
        responses={200: QueueSerializer},
    )
    def post(self, request, acceptance_number: str):
        application, actor = application_for(request, acceptance_number)
        witness_queue_join(application=application, actor=actor)
        return Response(QueueSerializer(_queue(application)).data)

    @extend_schema(
        operation_id="witness_queue_leave",
        tags=TAGS,
        summary="离开排队 / leave the queue",
        request=LeaveSerializer,
        responses={200: QueueSerializer},
    )
    def delete(self, request, acceptance_number: str):
        application, actor = application_for(request, acceptance_number)
        body = checked_body(LeaveSerializer, request)
        witness_queue_leave(
            application=application,
            actor=actor,
            reason=body.validated_data.get("reason") or _("投资者离开排队"),
        )
        return Response(QueueSerializer(_queue(application)).data)


# --- appointments -------------------------------------------------------------------------------
class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    free = serializers.IntegerField(help_text="剩余名额；0 为已约满")


class AppointmentSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)


class LiveAppointmentSerializer(serializers.Serializer):
    appointment = AppointmentSerializer(allow_null=True, help_text="无有效预约时为 null")


class BookSerializer(StrictSerializer):
    starts_at = serializers.DateTimeField(help_text="所选时段的开始时间（带时区，取自 slots）")


def _on_investors_behalf(request, acceptance_number: str) -> Application:
    """Appointments are the investor's own: only their side books or cancels them."""
    application, actor = application_for(request, acceptance_number)
    if actor.kind not in ON_INVESTORS_BEHALF:
        raise BusinessError(_("预约由投资者本人办理。"), code="forbidden")
    return application


def _appointment(application: Application):
    live = appointment_live(client=application.client)
    return AppointmentSerializer(live).data if live is not None else None


class SlotListApi(ApplicationsApi):
    @extend_schema(
        operation_id="witness_slots",
        tags=TAGS,
        summary="可预约的见证时段（30 天内）/ appointment slots",
        responses={200: SlotSerializer(many=True)},
    )
    def get(self, request, acceptance_number: str):
        application, _actor = application_for(request, acceptance_number)
        slots = appointment_slots(branch=application.client.branch)
        return Response(SlotSerializer(slots, many=True).data)


class AppointmentApi(ApplicationsApi):
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(
        operation_id="witness_appointment_read",
        tags=TAGS,
        summary="当前预约 / the live appointment",
        responses={200: LiveAppointmentSerializer},
    )
    def get(self, request, acceptance_number: str):
        application, _actor = application_for(request, acceptance_number)
        return Response({"appointment": _appointment(application)})

    @extend_schema(
        operation_id="witness_appointment_book",
        tags=TAGS,
        summary="预约见证时段 / book a slot",
        description="每位投资者只能有一个有效预约（400 appointment_exists）；"
        "时段须来自 slots（400 invalid_slot），已约满 400 slot_full。",
        request=BookSerializer,
        responses={201: AppointmentSerializer},
        examples=[
            OpenApiExample(
                "预约", value={"starts_at": "2026-12-08T09:00:00+08:00"}, request_only=True
            )
        ],
    )
    def post(self, request, acceptance_number: str):
        application = _on_investors_behalf(request, acceptance_number)
        body = checked_body(BookSerializer, request)
        booked = appointment_book(
            client=application.client, starts_at=body.validated_data["starts_at"]
        )
        return Response(AppointmentSerializer(booked).data, status=201)

    @extend_schema(
        operation_id="witness_appointment_cancel",
        tags=TAGS,
        summary="取消预约 / cancel the appointment",
        request=None,
        responses={200: AppointmentSerializer},
    )
    def delete(self, request, acceptance_number: str):
        application = _on_investors_behalf(request, acceptance_number)
        return Response(AppointmentSerializer(appointment_cancel(client=application.client)).data)


application_urlpatterns = [
    *step_endpoints(kind=WITNESS, label="视频见证", submit=None),
    path("witness/queue/", QueueApi.as_view(), name="api-witness-queue"),
    path("witness/slots/", SlotListApi.as_view(), name="api-witness-slots"),
    path("witness/appointment/", AppointmentApi.as_view(), name="api-witness-appointment"),
]
