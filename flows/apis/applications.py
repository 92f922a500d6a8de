"""Business types and their published flows; applications: start one for a client, list and
filter them, read one with its steps and history, give it up, submit it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.response import Response

from api.serializers import checked_body
from clients.models import Client
from clients.services import client_check_id_valid
from common.exceptions import BusinessError
from content.apis import DocumentDetailSerializer, document_data
from content.models import BusinessType, Document

from ..actors import ActorKind
from ..apis_auth import request_actor
from ..models import ApplicationState, FlowDefinition
from ..permissions import applications_visible
from ..selectors import application_document
from ..services import application_abandon, application_start, application_submit
from ..steps import registry
from .base import (
    ApplicationChangeApi,
    ApplicationsApi,
    ApplicationsGenericApi,
    StrictSerializer,
    application_detail,
    application_for,
)
from .serializers import (
    ApplicationDetailSerializer,
    ApplicationSerializer,
    HistoryEntrySerializer,
    StepNameField,
    application_data,
    completed_by_field,
    history_data,
)

TAG = ["applications"]


# --- business types and their flows ------------------------------------------------------------
class FlowStepSerializer(serializers.Serializer):
    name = StepNameField()
    label = serializers.CharField()
    completed_by = completed_by_field()
    options = serializers.DictField(help_text="步骤配置：文档与问卷以 {id, code, title} 给出")


class BusinessTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    available = serializers.BooleanField(help_text="已发布流程，可网上办理")
    flow_revision = serializers.IntegerField(allow_null=True, help_text="已发布的流程版本")
    steps = FlowStepSerializer(many=True)


def _option(value):
    """A flow option as plain data: CMS snippets by id, code and title."""
    if hasattr(value, "items"):
        return {key: _option(item) for key, item in value.items()}
    if isinstance(value, list | tuple) or type(value).__name__ == "ListValue":
        return [_option(item) for item in value]
    if hasattr(value, "pk"):
        return {"id": value.pk, "code": getattr(value, "code", ""), "title": str(value)}
    return value


def _business_type(code: str, label: str) -> dict:
    definition = FlowDefinition.objects.filter(business_type=code, live=True).first()
    steps = []
    revision = None
    if definition is not None and definition.live_revision_id is not None:
        revision = definition.live_revision_id
        for block in definition.live_revision.as_object().steps:
            kind = registry.get(block.block_type)
            if kind is not None:
                steps.append(
                    {
                        "name": kind.name,
                        "label": str(kind.label),
                        "completed_by": sorted(str(k) for k in kind.completed_by),
                        "options": _option(block.value),
                    }
                )
    return {
        "code": code,
        "label": label,
        "available": revision is not None,
        "flow_revision": revision,
        "steps": steps,
    }


class BusinessTypeListApi(ApplicationsApi):
    @extend_schema(
        operation_id="business_types_list",
        tags=["business types"],
        summary="业务类型及其已发布的流程 / business types and their published flows",
        responses={200: BusinessTypeSerializer(many=True)},
    )
    def get(self, request):
        data = [_business_type(code, str(label)) for code, label in BusinessType.choices]
        return Response(BusinessTypeSerializer(data, many=True).data)


# --- applications ------------------------------------------------------------------------------
class StartSerializer(StrictSerializer):
    client_no = serializers.CharField(max_length=20, help_text="客户号")
    business_type = serializers.ChoiceField(
        choices=BusinessType.choices, default=BusinessType.ADD_TRADING_CODE
    )


class ListFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ApplicationState.choices, required=False)
    branch = serializers.CharField(max_length=4, required=False, help_text="营业部代码")
    client_no = serializers.CharField(max_length=20, required=False)
    business_type = serializers.ChoiceField(choices=BusinessType.choices, required=False)
    created_from = serializers.DateField(required=False, help_text="创建日期起（含）")
    created_to = serializers.DateField(required=False, help_text="创建日期止（含）")
    submitted_from = serializers.DateField(required=False, help_text="提交日期起（含）")
    submitted_to = serializers.DateField(required=False, help_text="提交日期止（含）")


FILTERS = {
    "state": "state",
    "branch": "client__branch__code",
    "client_no": "client__client_no",
    "business_type": "business_type",
    "created_from": "created_at__date__gte",
    "created_to": "created_at__date__lte",
    "submitted_from": "submitted_at__date__gte",
    "submitted_to": "submitted_at__date__lte",
}


class ApplicationListApi(ApplicationsGenericApi):
    """The list is cursor-paginated, newest first (`-pk`, unique as the cursor needs)."""

    serializer_class = ApplicationSerializer

    @extend_schema(
        operation_id="applications_list",
        tags=TAG,
        summary="业务列表（可筛选）/ list applications",
        parameters=[ListFilterSerializer],
        responses={200: ApplicationSerializer(many=True)},
    )
    def get(self, request):
        filters = ListFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        applications = applications_visible(request_actor(request)).filter(
            **{FILTERS[name]: value for name, value in filters.validated_data.items()}
        )
        page = self.paginate_queryset(applications)
        assert page is not None  # noqa: S101 (the API's default pagination is always on)
        return self.get_paginated_response(
            ApplicationSerializer([application_data(a) for a in page], many=True).data
        )

    @extend_schema(
        operation_id="applications_create",
        tags=TAG,
        summary="为客户开始办理业务 / start a business for a client",
        description="对接系统代投资者发起业务，规则与网页相同：客户须在册、证件未过期、"
        "同一业务只能有一笔办理中的申请（否则 409 pending_business_exists）。",
        request=StartSerializer,
        responses={
            201: ApplicationDetailSerializer,
            404: OpenApiResponse(description="客户不存在（fields.client_no）"),
        },
        examples=[
            OpenApiExample("增开交易编码", value={"client_no": "80010010"}, request_only=True)
        ],
    )
    def post(self, request):
        actor = request_actor(request)
        if actor.kind != ActorKind.INTEGRATOR:
            raise BusinessError(_("只有对接系统可以代客户发起业务。"), code="forbidden")
        body = checked_body(StartSerializer, request)
        client = (
            Client.objects.select_related("branch")
            .filter(client_no=body.validated_data["client_no"])
            .first()
        )
        if client is None:
            message = _("未找到该客户。")
            raise BusinessError(
                message, code="not_found", extra={"fields": {"client_no": [message]}}
            )
        client_check_id_valid(client=client, now=timezone.now())
        application = application_start(
            client=client, business_type=body.validated_data["business_type"], actor=actor
        )
        return application_detail(application, status=201)


NUMBER = OpenApiParameter("acceptance_number", str, OpenApiParameter.PATH, description="受理单号")


class ApplicationDetailApi(ApplicationsApi):
    @extend_schema(
        operation_id="applications_read",
        tags=TAG,
        summary="业务详情：当前步骤、各步骤状态与摘要 / an application with its steps",
        parameters=[NUMBER],
        responses={200: ApplicationDetailSerializer},
    )
    def get(self, request, acceptance_number: str):
        application, _actor = application_for(request, acceptance_number)
        return application_detail(application)


class ApplicationHistoryApi(ApplicationsApi):
    @extend_schema(
        operation_id="applications_history",
        tags=TAG,
        summary="业务的状态变迁与步骤完成记录 / an application's history",
        parameters=[NUMBER],
        responses={200: HistoryEntrySerializer(many=True)},
    )
    def get(self, request, acceptance_number: str):
        application, _actor = application_for(request, acceptance_number)
        return Response(HistoryEntrySerializer(history_data(application), many=True).data)


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


@extend_schema_view(
    post=extend_schema(
        operation_id="applications_abandon",
        tags=TAG,
        summary="放弃办理 / give the business up",
        parameters=[NUMBER],
        request=ReasonSerializer,
        responses={200: ApplicationDetailSerializer},
    )
)
class ApplicationAbandonApi(ApplicationChangeApi):
    body = ReasonSerializer

    def change(self, *, application, actor, values):
        return application_abandon(
            application=application, actor=actor, reason=values.get("reason", "")
        )


@extend_schema_view(
    post=extend_schema(
        operation_id="applications_submit",
        tags=TAG,
        summary="提交复核 / submit for review",
        description="通常由回访步骤的完成自动提交；所有步骤已完成而未提交时可调用。"
        "尚有步骤未完成：400 steps_incomplete。",
        parameters=[NUMBER],
        request=None,
        responses={200: ApplicationDetailSerializer},
    )
)
class ApplicationSubmitApi(ApplicationChangeApi):
    body = None  # no body is read

    def change(self, *, application, actor, values):
        return application_submit(application=application, actor=actor)


class PinnedDocumentApi(ApplicationsApi):
    @extend_schema(
        operation_id="applications_document",
        tags=TAG,
        summary="本业务所展示的文档版本（开始办理时固定）/ a document as this application shows it",
        parameters=[NUMBER],
        responses={200: DocumentDetailSerializer},
    )
    def get(self, request, acceptance_number: str, document_id: int):
        application, _actor = application_for(request, acceptance_number)
        document = Document.objects.filter(pk=document_id).first()
        if document is None or (
            str(document.pk) not in application.pinned_documents and not document.live
        ):
            raise BusinessError(_("未找到该文档。"), code="not_found")
        rendition = application_document(application=application, document=document)
        return Response(
            DocumentDetailSerializer(document_data(document, rendition, html=True)).data
        )
