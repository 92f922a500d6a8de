"""The integrator API of the signing capability: check a PDF's signatures, list an application's
signed documents and download them (integrator keys with `documents:read`, every download on
the audit log under the key's owner; an investor token, the investor's own applications only:
another's is not found). Included
under /api/v1/ by onboarding.api; the steps' endpoints are built by flows.apis.steps."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import renderers, serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import ApiView
from api.models import InvestorToken
from api.scopes import Scope
from flows.actors import Actor
from flows.apis.base import StrictSerializer, application_for
from flows.apis.steps import StepAction, step_endpoints
from flows.models import Application

from .models import SignedDocument
from .selectors import signed_documents
from .steps import CERTIFICATE, SIGN
from .verification import pdf_from_upload, pdf_verify
from .views.records import signed_download_record, signed_pdf_response


class SignatureReportSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="PDF 签名域名称（InvestorSignature / CompanySeal）")
    signer = serializers.CharField(help_text="签署人证书的 CN")
    signer_dn = serializers.CharField(help_text="签署人证书主题（完整 DN）")
    serial = serializers.CharField(help_text="签署人证书序列号（十六进制）")
    signing_time = serializers.DateTimeField(allow_null=True, help_text="签署人声明的签署时间")
    timestamp_time = serializers.DateTimeField(allow_null=True, help_text="时间戳时间")
    timestamp_valid = serializers.BooleanField()
    intact = serializers.BooleanField(help_text="签名覆盖的内容未被改动")
    valid = serializers.BooleanField(help_text="签名值正确")
    trusted = serializers.BooleanField(help_text="证书链到本公司根 CA")
    revoked = serializers.BooleanField(help_text="证书已被吊销")
    coverage = serializers.CharField()
    coverage_label = serializers.CharField()
    modification = serializers.CharField()
    modification_label = serializers.CharField()
    modified_after = serializers.BooleanField(help_text="签署后文件被修改")
    summary = serializers.CharField()
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="使该签名无效的问题；为空表示有效"
    )
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="不影响有效性的说明，如签署后证书才被吊销"
    )


class VerifyRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF 文件，不超过 30 MB")


class VerifyResponseSerializer(serializers.Serializer):
    signatures = SignatureReportSerializer(many=True)
    all_valid = serializers.BooleanField(
        help_text="每个签名都完整、正确、可信、未吊销，且签署后未被修改"
    )


class SignedDocumentSerializer(serializers.ModelSerializer):
    document_code = serializers.CharField(source="document.code")
    certificate_serial = serializers.CharField(source="certificate.serial")
    certificate_revoked_at = serializers.DateTimeField(
        source="certificate.revoked_at", allow_null=True
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SignedDocument
        fields = [
            "id",
            "title",
            "document_code",
            "revision_id",
            "content_sha256",
            "unsigned_sha256",
            "signed_sha256",
            "certificate_serial",
            "certificate_revoked_at",
            "size",
            "filename",
            "prepared_at",
            "signed_at",
            "sealed_at",
            "download_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, signed: SignedDocument) -> str:
        url = reverse(
            "api-signed-document-file", args=[signed.application.acceptance_number, signed.pk]
        )
        return self.context["request"].build_absolute_uri(url)


def _application(request, acceptance_number: str) -> Application:
    if isinstance(request.auth, InvestorToken):  # their own only, another's as if absent
        return application_for(request, acceptance_number)[0]
    application = Application.objects.filter(acceptance_number=acceptance_number).first()
    if application is None:
        raise NotFound("业务不存在 / no such application.")
    return application


def _label(request) -> str:
    """Who downloads, for the audit log: the key's owner is the staff account; an investor is
    named by their number only."""
    if isinstance(request.auth, InvestorToken):
        return Actor.investor(request.auth.client).label
    return ""


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the PDF itself is a plain response."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class SignatureVerifyApi(ApiView):
    required_scopes = (Scope.DOCUMENTS_READ,)
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "verify"

    @extend_schema(
        operation_id="signatures_verify",
        tags=["signatures"],
        summary="验证 PDF 的数字签名 / verify a PDF's signatures",
        request={"multipart/form-data": VerifyRequestSerializer},
        responses={200: VerifyResponseSerializer},
    )
    def post(self, request):
        reports = pdf_verify(pdf_from_upload(request.FILES.get("file")))
        return Response(
            {
                "signatures": SignatureReportSerializer(
                    [r.as_dict() for r in reports], many=True
                ).data,
                "all_valid": all(report.ok for report in reports),
            }
        )


class SignedDocumentsApi(ApiView):
    required_scopes = (Scope.DOCUMENTS_READ,)


class SignedDocumentListApi(SignedDocumentsApi):
    @extend_schema(
        operation_id="signed_documents_list",
        tags=["signatures"],
        summary="业务的已签署文档 / an application's signed documents",
        description="接口密钥：任一业务；投资者令牌：仅本人的业务（他人的业务 404 not_found）。",
        responses={200: SignedDocumentSerializer(many=True)},
    )
    def get(self, request, acceptance_number: str):
        records = signed_documents(application=_application(request, acceptance_number))
        return Response(
            SignedDocumentSerializer(records, many=True, context={"request": request}).data
        )


class SignedDocumentFileApi(SignedDocumentsApi):
    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="signed_documents_file",
        tags=["signatures"],
        summary="下载已签署的 PDF / download a signed PDF",
        description="接口密钥：任一业务；投资者令牌：仅本人的业务（他人的业务 404 not_found）。"
        "每次下载记入审计日志。",
        parameters=[OpenApiParameter("format", location=OpenApiParameter.QUERY, exclude=True)],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request, acceptance_number: str, pk: int):
        application = _application(request, acceptance_number)
        signed = (
            SignedDocument.objects.select_related("application", "document")
            .filter(pk=pk, application=application)
            .first()
        )
        if signed is None:
            raise NotFound("签署文档不存在 / no such signed document.")
        response = signed_pdf_response(signed)
        signed_download_record(
            user=request.user, signed=signed, via="api", actor_label=_label(request)
        )
        return response

    def handle_exception(self, exc):
        # errors are JSON whatever the client accepted
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)


urlpatterns = [
    path("signatures/verify/", SignatureVerifyApi.as_view(), name="api-signature-verify"),
    path(
        "applications/<str:acceptance_number>/signed-documents/",
        SignedDocumentListApi.as_view(),
        name="api-signed-documents",
    ),
    path(
        "applications/<str:acceptance_number>/signed-documents/<int:pk>/file/",
        SignedDocumentFileApi.as_view(),
        name="api-signed-document-file",
    ),
]


# --- the certificate and signing steps ---------------------------------------------------------
# Both are driven by actions that the signing services judge (flows.apis.steps runs them through
# the step engine, as the browser's script does). Binary values are standard base64; a signature
# is ECDSA P-256 over the bytes given in `to_sign` (SHA-256 inside the signing), as 64 bytes r‖s.
class ChallengeResultSerializer(serializers.Serializer):
    nonce = serializers.CharField()
    to_sign = serializers.CharField(
        help_text="待签名的字节（Base64）：用新密钥对其签名以证明持有私钥"
    )
    expires_at = serializers.DateTimeField()


class IssueSerializer(StrictSerializer):
    nonce = serializers.CharField(max_length=200, help_text="challenge 返回的 nonce")
    public_key = serializers.CharField(
        max_length=4096, help_text="P-256 公钥，SubjectPublicKeyInfo DER 的 Base64"
    )
    signature = serializers.CharField(
        max_length=4096, help_text="用私钥对 to_sign 的 ECDSA-SHA256 签名，64 字节 r‖s 的 Base64"
    )


class IssueResultSerializer(serializers.Serializer):
    serial = serializers.CharField()
    certificate = serializers.CharField(help_text="签发的 X.509 证书（PEM）")
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()
    validity = serializers.CharField()


class ReinstallResultSerializer(serializers.Serializer):
    redirect = serializers.CharField(help_text="网页流程中的去向（接口调用方可忽略）")
    reopened = serializers.ListField(
        child=serializers.CharField(), help_text="重新打开、需再次办理的步骤（如 witness）"
    )


class PrepareSerializer(StrictSerializer):
    document = serializers.IntegerField(
        help_text="要签署的文档编号（步骤状态中的 documents[].document）"
    )


class PrepareResultSerializer(serializers.Serializer):
    request_id = serializers.IntegerField()
    document = serializers.IntegerField()
    to_sign = serializers.CharField(
        help_text="CMS 签名属性的 DER（Base64）：投资者私钥对其做 ECDSA-SHA256 签名"
    )
    serial = serializers.CharField(help_text="用于签署的证书序列号")
    expires_at = serializers.DateTimeField()


class CompleteSerializer(StrictSerializer):
    request_id = serializers.IntegerField()
    signature = serializers.CharField(max_length=4096, help_text="64 字节 r‖s 的 Base64")


class CompleteResultSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    title = serializers.CharField()
    signed = serializers.BooleanField()
    signed_at = serializers.DateTimeField()
    signed_at_shown = serializers.CharField()
    sha256 = serializers.CharField(help_text="签署并加盖公司印章后的 PDF 的 SHA-256")
    download_url = serializers.CharField(
        help_text="投资者网页的下载地址；接口请用 signed-documents"
    )


application_urlpatterns = [
    *step_endpoints(
        kind=CERTIFICATE,
        label="数字证书",
        submit_description="证书已签发后提交以完成本步骤；未安装：400 step_invalid。",
        state_example={"certificate": None, "reinstall_required": False},
        actions={
            "challenge": StepAction(
                response=ChallengeResultSerializer,
                summary="取得证书申请挑战 / get the challenge",
                description="第一步：取得 nonce 与 to_sign；"
                "在设备上生成 P-256 密钥对并对 to_sign 签名。",
            ),
            "issue": StepAction(
                request=IssueSerializer,
                response=IssueResultSerializer,
                summary="签发证书 / issue the certificate",
                description="第二步：提交公钥与对 to_sign 的签名；"
                "公司 CA 签发证书。私钥不离开设备。",
                examples=[
                    OpenApiExample(
                        "签发",
                        value={
                            "nonce": "d3c1…",
                            "public_key": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…",
                            "signature": "q1w2…（64 字节 Base64）",
                        },
                        request_only=True,
                    )
                ],
            ),
            "reinstall": StepAction(
                response=ReinstallResultSerializer,
                summary="重新安装证书 / install again",
                description="已签发的证书被吊销，视频见证及之后的步骤需重新办理。",
            ),
        },
    ),
    *step_endpoints(
        kind=SIGN,
        label="签署协议",
        submit_description="每份文档都签署后提交以完成本步骤；"
        "否则 400 step_invalid 列出未签署的文档。",
        actions={
            "prepare": StepAction(
                request=PrepareSerializer,
                response=PrepareResultSerializer,
                summary="准备签署（第一步）/ prepare a signature",
                description="服务器生成 PDF 并计算待签名的签名属性；"
                "投资者在设备上用私钥签名 to_sign。",
            ),
            "complete": StepAction(
                request=CompleteSerializer,
                response=CompleteResultSerializer,
                summary="完成签署（第二步）/ complete the signature",
                description="提交签名值；服务器嵌入签名、加时间戳并加盖公司印章。",
            ),
            "reinstall": StepAction(
                response=ReinstallResultSerializer, summary="重新安装证书 / install again"
            ),
        },
    ),
]
