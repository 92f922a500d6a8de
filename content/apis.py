"""Reference data and published content for integrators: which exchanges exist, and the
documents and questionnaires as they are live (never a draft), with the revision and SHA-256
that a record of reading, acknowledging or signing keeps."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.base import ApiGenericView, ApiView
from api.scopes import Scope

from .blocks import QuestionType
from .models import Document, DocumentKind, Exchange, Questionnaire, QuestionnaireKind
from .selectors import document_snapshot


class ExchangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exchange
        fields = ["code", "name_zh", "name_en", "category", "needs_score_reports"]


class ExchangeListApi(ApiGenericView, generics.ListAPIView):
    """A short reference list: not paginated."""

    required_scopes = (Scope.APPLICATIONS_READ,)
    queryset = Exchange.objects.filter(active=True)
    serializer_class = ExchangeSerializer
    pagination_class = None


# --- documents ---------------------------------------------------------------------------------
class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField()
    rendition = serializers.IntegerField(help_text="发布版本的呈现编号")
    revision = serializers.IntegerField(help_text="发布的修订版本")
    sha256 = serializers.CharField(help_text="所展示 HTML 的 SHA-256")


class DocumentDetailSerializer(DocumentSerializer):
    html = serializers.CharField(help_text="文档正文（HTML），与投资者看到的相同")


def document_data(document: Document, rendition, *, html: bool = False) -> dict:
    data = {
        "id": document.pk,
        "code": document.code,
        "kind": document.kind,
        "title": rendition.title,
        "rendition": rendition.pk,
        "revision": rendition.revision_id,
        "sha256": rendition.sha256,
    }
    if html:
        data["html"] = rendition.html
    return data


def _live_documents():
    """What investors are shown (SMS templates are the company's own wording, not shown)."""
    return Document.objects.filter(live=True).exclude(kind=DocumentKind.SMS_TEMPLATE)


class ContentApi(ApiView):
    """Published documents and questionnaires: short lists, not paginated."""

    required_scopes = (Scope.DOCUMENTS_READ,)


class DocumentListApi(ContentApi):
    @extend_schema(
        operation_id="documents_list",
        tags=["content"],
        summary="已发布的文档 / the live documents",
        parameters=[
            OpenApiParameter(
                "kind", str, enum=[k for k, _l in DocumentKind.choices], required=False
            )
        ],
        responses={200: DocumentSerializer(many=True)},
    )
    def get(self, request):
        documents = _live_documents().order_by("kind", "sort_order", "title")
        kind = request.query_params.get("kind")
        if kind:
            documents = documents.filter(kind=kind)
        return Response(
            DocumentSerializer(
                [document_data(d, document_snapshot(document=d)) for d in documents], many=True
            ).data
        )


class DocumentDetailApi(ContentApi):
    @extend_schema(
        operation_id="documents_read",
        tags=["content"],
        summary="已发布文档的正文 / a live document with its text",
        responses={200: DocumentDetailSerializer},
    )
    def get(self, request, pk: int):
        document = _live_documents().filter(pk=pk).first()
        if document is None:
            raise NotFound("文档不存在或未发布 / no such live document.")
        rendition = document_snapshot(document=document)
        return Response(
            DocumentDetailSerializer(document_data(document, rendition, html=True)).data
        )


# --- questionnaires ----------------------------------------------------------------------------
class OptionSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="作答时提交的选项序号")
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label


class QuestionSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="题号（从 0 开始），作答时的键")
    text = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=QuestionType.CHOICES,
        help_text="single 单选、multiple 多选、yes_no 是非、free_text 填空",
    )
    required = serializers.BooleanField()  # type: ignore[assignment]
    options = OptionSerializer(many=True)


class QuestionnaireSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=QuestionnaireKind.choices)
    title = serializers.CharField()
    intro = serializers.CharField(allow_blank=True)
    revision = serializers.IntegerField(help_text="发布的修订版本：作答时一并提交")
    questions = QuestionSerializer(many=True)


def questionnaire_data(questionnaire: Questionnaire) -> dict:
    revision = questionnaire.live_revision
    content = revision.as_object()
    return {
        "id": questionnaire.pk,
        "code": content.code,
        "kind": content.kind,
        "title": content.title,
        "intro": content.intro,
        "revision": revision.pk,
        "questions": [
            {
                "position": position,
                "text": block.value["text"],
                "kind": block.value["kind"],
                "required": bool(block.value["required"]),
                "options": [
                    {"index": index, "label": option["label"]}
                    for index, option in enumerate(block.value["options"])
                ],
            }
            for position, block in enumerate(content.questions)
        ],
    }


def _live_questionnaires():
    return Questionnaire.objects.filter(live=True, live_revision__isnull=False)


class QuestionnaireListApi(ContentApi):
    @extend_schema(
        operation_id="questionnaires_list",
        tags=["content"],
        summary="已发布的问卷（适当性评估、回访、见证话术）/ the live questionnaires",
        parameters=[
            OpenApiParameter(
                "kind", str, enum=[k for k, _l in QuestionnaireKind.choices], required=False
            )
        ],
        responses={200: QuestionnaireSerializer(many=True)},
    )
    def get(self, request):
        questionnaires = _live_questionnaires().order_by("kind", "title", "pk")
        kind = request.query_params.get("kind")
        if kind:
            questionnaires = questionnaires.filter(kind=kind)
        return Response(
            QuestionnaireSerializer([questionnaire_data(q) for q in questionnaires], many=True).data
        )


class QuestionnaireDetailApi(ContentApi):
    @extend_schema(
        operation_id="questionnaires_read",
        tags=["content"],
        summary="已发布问卷的题目 / a live questionnaire",
        responses={200: QuestionnaireSerializer},
    )
    def get(self, request, pk: int):
        questionnaire = _live_questionnaires().filter(pk=pk).first()
        if questionnaire is None:
            raise NotFound("问卷不存在或未发布 / no such live questionnaire.")
        return Response(QuestionnaireSerializer(questionnaire_data(questionnaire)).data)


urlpatterns = [
    path("exchanges/", ExchangeListApi.as_view(), name="api-exchanges"),
    path("documents/", DocumentListApi.as_view(), name="api-documents"),
    path("documents/<int:pk>/", DocumentDetailApi.as_view(), name="api-document"),
    path("questionnaires/", QuestionnaireListApi.as_view(), name="api-questionnaires"),
    path("questionnaires/<int:pk>/", QuestionnaireDetailApi.as_view(), name="api-questionnaire"),
]
