"""The revisit step through the API: the questionnaire's answers. Completing it submits the
application (the step kind's completion), as on the investor's page after the confirm dialog:
an integrator's app shows that dialog (its text is in the step's state, `confirm`) before
calling. Included under /api/v1/applications/<acceptance_number>/ by onboarding.api."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from flows.apis.base import StrictSerializer
from flows.apis.kinds import QuestionnaireAnswersField, answers_as_fields
from flows.apis.steps import step_endpoints

from .steps import REVISIT


class RevisitSubmitSerializer(StrictSerializer):
    revision = serializers.IntegerField(help_text="作答的问卷版本（步骤状态中的 revision）")
    answers = QuestionnaireAnswersField()

    def service_data(self):
        data = {"revision": str(self.validated_data["revision"])}
        data.update(answers_as_fields(self.validated_data["answers"]))
        return data, {}


application_urlpatterns = step_endpoints(
    kind=REVISIT,
    label="在线回访",
    submit=RevisitSubmitSerializer,
    submit_description="问卷题目见 /api/v1/questionnaires/{id}/（步骤状态中的 questionnaire）。"
    "提交前请向投资者展示状态中的 confirm 确认语；完成即提交复核。",
    submit_examples=[
        OpenApiExample(
            "回访答案", value={"revision": 57, "answers": {"0": "yes", "1": "0"}}, request_only=True
        )
    ],
)
