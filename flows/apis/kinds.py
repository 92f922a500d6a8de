"""The request bodies of the flow's own step kinds (photos, basic information, exchanges,
agreements): one serializer per submission and per action, so the schema shows each. They check
types and shapes only; the kind's service judges the content (the same rules as the pages)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from ..steps.basic_info.choices import (
    ActualController,
    BadCreditSource,
    BeneficialOwner,
    ExpectedReturn,
    InvestmentHorizon,
    PepRelation,
    Product,
    TaxResidency,
)
from ..steps.exchange_notices import CHOOSE_AGAIN, GIVE_UP, INSIST
from .base import StrictSerializer
from .steps import JSON, MULTIPART, StepAction, step_endpoints


def answers_as_fields(answers: dict[str, Any]) -> dict[str, Any]:
    """Questionnaire answers {"0": "1", "2": ["0", "3"]} as the form's fields q0, q2."""
    fields: dict[str, Any] = {}
    for position, answer in answers.items():
        if isinstance(answer, list):
            fields[f"q{position}"] = [str(item) for item in answer]
        else:
            fields[f"q{position}"] = str(answer)
    return fields


class QuestionnaireAnswersField(serializers.DictField):
    """题号（从 0 开始）→ 答案：单选为选项序号，多选为序号列表，是非题为 yes/no，问答题为文字。"""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.JSONField(),
            help_text="题号（从 0 开始）→ 答案：单选为选项序号（字符串或整数），多选为序号列表，"
            "是非题为 yes/no，问答题为文字",
            **kwargs,
        )

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        for position, answer in value.items():
            if not str(position).isdigit():
                raise serializers.ValidationError(f"题号 {position} 不正确。")
            items = answer if isinstance(answer, list) else [answer]
            if not all(
                isinstance(item, str | int) and not isinstance(item, bool) for item in items
            ):
                raise serializers.ValidationError(f"第 {int(position) + 1} 题的答案格式不正确。")
        return value


# --- photos ------------------------------------------------------------------------------------
class PhotosSubmitSerializer(StrictSerializer):
    front = serializers.FileField(required=False, help_text="身份证人像面照片（JPEG/PNG/HEIC）")
    back = serializers.FileField(required=False, help_text="身份证国徽面照片")
    signature = serializers.FileField(required=False, help_text="签名照")
    letter_agreed = serializers.BooleanField(
        default=False, help_text="已阅读并同意《数字证书安全责任书》"
    )


# --- basic information -------------------------------------------------------------------------
def _choice(choices, **kwargs):
    return serializers.ChoiceField(choices=choices, required=False, **kwargs)


def _multiple(choices, **kwargs):
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), required=False, **kwargs
    )


def _text(max_length: int):
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True)


class BasicInfoSubmitSerializer(StrictSerializer):
    """Three stages share the step (see its state's `stage`): `assessment` (the suitability
    questionnaire's answers), `result` (acknowledging the class it gave), `form` (the answers)."""

    stage = serializers.ChoiceField(
        choices=["assessment", "result", "form"],
        default="form",
        help_text="当前阶段（见步骤状态的 stage）",
    )
    revision = serializers.IntegerField(
        required=False, help_text="assessment：作答的适当性问卷版本（questionnaire_revision）"
    )
    answers = QuestionnaireAnswersField(required=False)
    tax_residency = _choice(TaxResidency.choices)
    pep_relation = _choice(PepRelation.choices)
    investment_horizon = _choice(InvestmentHorizon.choices)
    expected_return = _choice(ExpectedReturn.choices)
    controller = _choice(ActualController.choices)
    controller_name = _text(50)
    controller_id_number = _text(18)
    controller_relation = _text(50)
    beneficial_owner = _choice(BeneficialOwner.choices)
    owner_name = _text(50)
    owner_id_number = _text(18)
    owner_relation = _text(50)
    products = _multiple(Product.choices)
    products_other = _text(100)
    bad_credit = _multiple(BadCreditSource.choices)
    contact_address = _text(200)
    postal_code = _text(12)
    email = _text(254)

    def service_data(self):
        data, files = super().service_data()
        answers = data.pop("answers", None)  # str()-ed by the base: take the validated dict
        if answers is not None:
            data.update(answers_as_fields(self.validated_data["answers"]))
        return data, files


BASIC_INFO_EXAMPLE = {
    "stage": "form",
    "tax_residency": "china_only",
    "pep_relation": "none",
    "investment_horizon": "1y_to_5y",
    "expected_return": "growth",
    "controller": "none",
    "beneficial_owner": "self",
    "products": ["futures_options"],
    "bad_credit": ["none"],
    "contact_address": "北京市西城区金融大街 1 号",
    "postal_code": "100033",
    "email": "",
}


# --- exchanges ---------------------------------------------------------------------------------
class ExchangesSubmitSerializer(StrictSerializer):
    exchanges = serializers.ListField(
        child=serializers.CharField(max_length=10),
        allow_empty=True,
        help_text="要增开的交易所代码，如 SHFE、CFFEX（见 /api/v1/exchanges/）",
    )
    score_choice = serializers.ChoiceField(
        choices=["upload", "test"],
        default="upload",
        help_text="首次开通金融/原油期货：upload 上传成绩报告单，test 参加在线知识测试",
    )
    score_reports = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=10,
        help_text="成绩报告单（2 至 10 张，multipart 时可用）",
    )


class AcknowledgeSerializer(StrictSerializer):
    document = serializers.IntegerField(
        help_text="待确认告知书的文档编号（状态中的 pending_notice.document）"
    )
    confirmation = serializers.IntegerField(min_value=1, max_value=2, help_text="第几次确认")
    choice = serializers.ChoiceField(
        choices=[INSIST, GIVE_UP, CHOOSE_AGAIN],
        help_text="insist 坚持开立；give_up 放弃开户（业务结束）；choose_again 重新选择交易所",
    )


class ReportSerializer(StrictSerializer):
    report = serializers.IntegerField(help_text="成绩报告单编号（状态中的 score_reports）")


class KnowledgeTestSerializer(serializers.Serializer):
    url = serializers.URLField()


# --- agreements --------------------------------------------------------------------------------
class ReadingSerializer(StrictSerializer):
    document = serializers.IntegerField(
        help_text="协议的文档编号（状态中的 agreements[].document）"
    )


class ReadingResultSerializer(serializers.Serializer):
    document = serializers.IntegerField(required=False)
    opened = serializers.BooleanField(required=False)
    read = serializers.BooleanField(required=False, help_text="已阅读至末尾")
    ignored = serializers.BooleanField(required=False, help_text="不是本步骤的协议，未记录")


urlpatterns = [
    *step_endpoints(
        kind="photos",
        label="上传照片",
        submit=PhotosSubmitSerializer,
        submit_parsers=MULTIPART,
        submit_description="multipart/form-data。上传的照片当即裁边、摆正并检查清晰度，"
        "不合格时 400 step_invalid，fields 按面给出原因；合格时 done=false 并提示确认，"
        "再次提交（不带照片，letter_agreed=true）完成本步骤。已在册的照片无需再传。",
        state_example={
            "photos": {"front": 12, "back": 13, "signature": None},
            "security_letter": {"title": "数字证书安全责任书", "rendition": 3},
            "letter_agreed": False,
        },
    ),
    *step_endpoints(
        kind="basic_info",
        label="个人基本资料",
        submit=BasicInfoSubmitSerializer,
        submit_description="按状态中的 stage 提交：assessment 提交适当性问卷 answers 与 revision；"
        "result 确认评估结果（无其他字段）；form 提交各项答案与联系方式。",
        submit_examples=[
            OpenApiExample("form", value=BASIC_INFO_EXAMPLE, request_only=True),
            OpenApiExample(
                "assessment",
                value={"stage": "assessment", "revision": 41, "answers": {"0": "2", "1": ["0"]}},
                request_only=True,
            ),
        ],
    ),
    *step_endpoints(
        kind="exchanges",
        label="交易所选择",
        submit=ExchangesSubmitSerializer,
        submit_parsers=(*JSON, *MULTIPART),
        submit_description="JSON，或 multipart/form-data（附成绩报告单 score_reports）。"
        "需要确认适当性告知书时 done=false，状态中的 pending_notice 给出待确认的告知书，"
        "用 acknowledge 逐次确认；最后一次确认完成本步骤。",
        submit_examples=[
            OpenApiExample("选择交易所", value={"exchanges": ["CZCE", "GFEX"]}, request_only=True)
        ],
        actions={
            "acknowledge": StepAction(
                request=AcknowledgeSerializer,
                summary="确认适当性告知书 / acknowledge a suitability notice",
                description="每份告知书须确认两次（C1/C2 选择前、C3 选择金融或原油期货时）；"
                "记录所确认文本的版本与哈希。",
                examples=[
                    OpenApiExample(
                        "坚持开立",
                        value={"document": 7, "confirmation": 1, "choice": "insist"},
                        request_only=True,
                    )
                ],
            ),
            "knowledge-test": StepAction(
                response=KnowledgeTestSerializer,
                summary="在线知识测试链接（记录访问）/ the online knowledge test link",
            ),
            "remove-report": StepAction(
                request=ReportSerializer, summary="删除成绩报告单 / remove a score report"
            ),
        },
    ),
    *step_endpoints(
        kind="agreements",
        label="阅读相关协议",
        submit_description="每份协议都已阅读至末尾（opened 然后 end）才能完成，"
        "否则 400 step_invalid“请完整阅读该协议内容”。",
        actions={
            "opened": StepAction(
                request=ReadingSerializer,
                response=ReadingResultSerializer,
                summary="协议已打开 / an agreement was opened",
            ),
            "end": StepAction(
                request=ReadingSerializer,
                response=ReadingResultSerializer,
                summary="协议已读至末尾 / an agreement was read to its end",
                description="服务器记录首次打开与读至末尾的时间及用时；"
                "未打开先读完：400 not_opened。",
            ),
        },
    ),
]
