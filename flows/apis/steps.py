"""Each step through the API: read its state, submit it, run its actions, all through the step
engine (`step_state`, `step_submit`, `step_act`) the investor's pages use.

One endpoint per step kind, so that the schema documents each kind's body: a kind's app calls
`step_endpoints` with the serializer of its submission and of each action. A refused submission
is a 400 `step_invalid` whose `fields` holds the service's messages by field; a step out
of order, a wrong actor or a state that allows no change is refused by the engine with its own
code (409 `step_not_reached`, 403 `wrong_actor`, 409 `transition_not_allowed`...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.serializers import checked_body
from common.exceptions import BusinessError

from ..engine import flow_position
from ..models import Application
from ..services import step_act, step_submit, step_summaries
from ..services.steps import step_state
from ..steps.base import Effect
from .base import ApplicationsApi, EmptySerializer, StrictSerializer, application_for
from .serializers import (
    ActionResultSerializer,
    StepStateSerializer,
    StepStatusSerializer,
    SubmissionSerializer,
    brief_data,
    steps_status,
)

JSON = (JSONParser,)
MULTIPART = (MultiPartParser, FormParser)


@dataclass(frozen=True)
class StepAction:
    """One action of a step kind: its body, what it returns (`data` of the answer), and how."""

    request: type[StrictSerializer] = EmptySerializer
    response: Any = None
    summary: str = ""
    description: str = ""
    parsers: tuple = JSON
    examples: list[OpenApiExample] = field(default_factory=list)


def step_data(application: Application, actor, step_name: str) -> dict[str, Any]:
    """A step's status, summary and state, as the caller may see it now."""
    application = Application.objects.select_related("client", "client__branch").get(
        pk=application.pk
    )
    state = step_state(application=application, actor=actor, step_name=step_name)
    position = flow_position(application)
    step = position.find(step_name)
    summaries = {s.kind: s.as_dict() for s in step_summaries(application=application)}
    return {**steps_status(position, step, summaries.get(step_name)), "state": state}


def _refused(errors_by_field: dict[str, list[str]]) -> BusinessError:
    first = next((messages[0] for messages in errors_by_field.values() if messages), "")
    return BusinessError(
        str(first) or _("提交的内容有误。"),
        code="step_invalid",
        extra={"fields": {name: [str(m) for m in ms] for name, ms in errors_by_field.items()}},
    )


class StepApi(ApplicationsApi):
    """GET: the step's state; POST: submit it (`submit` is the body's serializer)."""

    kind = ""
    submit: type[StrictSerializer] | None = EmptySerializer

    def get(self, request, acceptance_number: str):
        application, actor = application_for(request, acceptance_number)
        return Response(StepStateSerializer(step_data(application, actor, self.kind)).data)

    def post(self, request, acceptance_number: str):
        application, actor = application_for(request, acceptance_number)
        assert self.submit is not None  # noqa: S101 (no POST route without it)
        data, files = checked_body(self.submit, request).service_data()
        submission = step_submit(
            application=application, actor=actor, step_name=self.kind, data=data, files=files
        )
        outcome = submission.outcome
        if outcome.errors:
            raise _refused(outcome.errors)
        body = {
            "done": outcome.done,
            "message": str(outcome.message),
            "step": step_data(application, actor, self.kind),
            "application": brief_data(application),
        }
        return Response(SubmissionSerializer(body).data)


class StepActionApi(ApplicationsApi):
    kind = ""
    action = ""
    body: type[StrictSerializer] = EmptySerializer

    def post(self, request, acceptance_number: str):
        application, actor = application_for(request, acceptance_number)
        data, files = checked_body(self.body, request).service_data()
        result = step_act(
            application=application,
            actor=actor,
            step_name=self.kind,
            action=self.action,
            data=data,
            files=files,
        )
        if result.outcome is not None and result.outcome.errors:
            raise _refused(result.outcome.errors)
        answer = {
            "message": str(result.message),
            "effect": result.effect,
            "data": result.data,
            "step": step_data(application, actor, self.kind)
            if result.effect != Effect.ABANDONED
            else None,
            "application": brief_data(application),
        }
        return Response(answer)


def step_endpoints(
    *,
    kind: str,
    label: str,
    submit: type[StrictSerializer] | None = EmptySerializer,
    submit_parsers: tuple = JSON,
    submit_description: str = "",
    submit_examples: list[OpenApiExample] | None = None,
    state_example: dict[str, Any] | None = None,
    actions: dict[str, StepAction] | None = None,
) -> list[URLPattern]:
    """The routes of one step kind: `steps/<kind>/` (GET state, POST submit) and
    `steps/<kind>/<action>/` for each action, each documented with its own bodies."""
    tags = [f"step: {kind}"]
    read = extend_schema(
        operation_id=f"step_{kind}_read",
        tags=tags,
        summary=f"{label}：读取步骤状态 / read the step",
        responses={200: StepStateSerializer},
        examples=[
            OpenApiExample(f"{kind} state", value={"state": state_example}, response_only=True)
        ]
        if state_example
        else [],
    )
    write = extend_schema(
        operation_id=f"step_{kind}_submit",
        tags=tags,
        summary=f"{label}：提交（下一步）/ submit the step",
        description=submit_description,
        request=_request_doc(submit, submit_parsers),
        responses={200: SubmissionSerializer},
        examples=submit_examples or [],
    )
    attributes: dict[str, Any] = {
        "kind": kind,
        "submit": submit,
        "parser_classes": list(submit_parsers),
    }
    if submit is None:  # completed by someone else (the agent): read only here
        attributes["http_method_names"] = ["get", "head", "options"]
    schemas = {"get": read} if submit is None else {"get": read, "post": write}
    view = extend_schema_view(**schemas)(
        type(f"{kind.title().replace('_', '')}StepApi", (StepApi,), attributes)
    )
    routes = [path(f"steps/{kind}/", view.as_view(), name=f"api-step-{kind}")]
    for name, spec in (actions or {}).items():
        schema = extend_schema(
            operation_id=f"step_{kind}_{name.replace('-', '_')}",
            tags=tags,
            summary=f"{label}：{spec.summary}",
            description=spec.description,
            request=_request_doc(spec.request, spec.parsers),
            responses={
                200: _action_response(kind, name, spec.response),
            },
            examples=spec.examples,
        )
        action_view = extend_schema_view(post=schema)(
            type(
                f"{kind.title().replace('_', '')}{name.title().replace('-', '')}Api",
                (StepActionApi,),
                {
                    "kind": kind,
                    "action": name,
                    "body": spec.request,
                    "parser_classes": list(spec.parsers),
                },
            )
        )
        routes.append(
            path(f"steps/{kind}/{name}/", action_view.as_view(), name=f"api-step-{kind}-{name}")
        )
    return routes


def _request_doc(serializer, parsers: tuple) -> Any:
    """The body's media types, as the endpoint parses them."""
    if serializer is None:
        return None
    media = {JSONParser: "application/json", MultiPartParser: "multipart/form-data"}
    return {media[p]: serializer for p in parsers if p in media}


def _action_response(kind: str, name: str, data_serializer):
    """The action's answer, with its `data` documented by the action's own serializer."""
    if data_serializer is None:
        return ActionResultSerializer
    return type(
        f"{kind.title().replace('_', '')}{name.title().replace('-', '')}ResultSerializer",
        (ActionResultSerializer,),
        {"data": data_serializer()},
    )


class StepListApi(ApplicationsApi):
    @extend_schema(
        operation_id="steps_list",
        tags=["applications"],
        summary="各步骤的状态与摘要 / every step's status and summary",
        responses={200: StepStatusSerializer(many=True)},
    )
    def get(self, request, acceptance_number: str):
        application, _actor = application_for(request, acceptance_number)
        position = flow_position(application)
        summaries = {s.kind: s.as_dict() for s in step_summaries(application=application)}
        return Response(
            StepStatusSerializer(
                [steps_status(position, s, summaries.get(s.name)) for s in position.steps],
                many=True,
            ).data
        )
