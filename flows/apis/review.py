"""The review decision through the API, for keys (or sessions) of reviewers: approve with a
trading code per requested exchange, or reject with the reason and the step to fix. The review
services judge everything (the claim, who witnessed may not review, the codes' format)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers

from ..services.review import review_approve, review_reject
from .applications import NUMBER
from .base import ReviewDecisionApi, StrictSerializer
from .serializers import ApplicationDetailSerializer, StepNameField


class ApproveSerializer(StrictSerializer):
    trading_codes = serializers.DictField(
        child=serializers.CharField(max_length=30, allow_blank=True),
        help_text="交易所代码 → 12 位交易编码（4 位会员号 + 8 位客户编号），每个申请的交易所一个",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RejectSerializer(StrictSerializer):
    step = StepNameField(max_length=40, help_text="投资者需要修改的步骤，如 photos")
    reason = serializers.CharField(max_length=500, help_text="驳回原因，展示给投资者")


@extend_schema_view(
    post=extend_schema(
        operation_id="review_approve",
        tags=["review"],
        summary="复核通过并录入交易编码 / approve with the trading codes",
        parameters=[NUMBER],
        request=ApproveSerializer,
        responses={200: ApplicationDetailSerializer},
        examples=[
            OpenApiExample(
                "通过",
                value={"trading_codes": {"CZCE": "000112345678"}, "note": ""},
                request_only=True,
            )
        ],
    )
)
class ReviewApproveApi(ReviewDecisionApi):
    body = ApproveSerializer

    def change(self, *, application, actor, values):
        return review_approve(
            application=application,
            actor=actor,
            codes=values["trading_codes"],
            note=values.get("note", ""),
        )


@extend_schema_view(
    post=extend_schema(
        operation_id="review_reject",
        tags=["review"],
        summary="复核驳回到某一步骤 / reject back to a step",
        parameters=[NUMBER],
        request=RejectSerializer,
        responses={200: ApplicationDetailSerializer},
        examples=[
            OpenApiExample(
                "驳回",
                value={"step": "photos", "reason": "身份证国徽面照片反光，请重新拍摄。"},
                request_only=True,
            )
        ],
    )
)
class ReviewRejectApi(ReviewDecisionApi):
    body = RejectSerializer

    def change(self, *, application, actor, values):
        return review_reject(
            application=application,
            actor=actor,
            step=values["step"],
            reason=values["reason"],
        )
