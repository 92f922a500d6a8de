"""What every endpoint of the flow API shares: who is asking (`request_actor`), the application
named in the URL (refused as if it did not exist when the actor may not see it), strict request
bodies (an unknown field is refused) and the error shape documented in the schema.

The endpoints are adapters: they turn a request into plain data and an `Actor`, call the same
services as the investor's pages and the consoles, and turn the result into JSON. No rule of the
flow is judged here."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from common.exceptions import BusinessError
from staff.roles import Role
from staff.selectors import user_has_role

from ..actors import Actor, ActorKind
from ..models import Application
from ..permissions import application_check_visible

# The staff roles that act on applications through the API, and the actor each one is. A key
# (or a session) whose owner holds several acts as the first, unless the endpoint asks for one.
STAFF_ACTORS: tuple[tuple[Role, ActorKind], ...] = (
    (Role.INTEGRATOR, ActorKind.INTEGRATOR),
    (Role.REVIEWER, ActorKind.REVIEWER),
    (Role.WITNESS_AGENT, ActorKind.AGENT),
)
MAKERS = {
    ActorKind.INTEGRATOR: Actor.integrator,
    ActorKind.REVIEWER: Actor.reviewer,
    ActorKind.AGENT: Actor.agent,
}


def request_actor(request, *, staff_as: ActorKind | None = None) -> Actor:
    """Who the request acts as: an integrator's key acts for the investor (`Actor.integrator`);
    a staff session as its role. `staff_as` asks for one kind (the review endpoints: a
    reviewer). The same signature as h15a's `flows.apis_auth.request_actor`, which replaces
    this one at merge (it adds investor tokens and key scopes)."""
    user = request.user
    for role, actor_kind in STAFF_ACTORS:
        if (staff_as is None or staff_as == actor_kind) and user_has_role(user, role):
            return MAKERS[actor_kind](user)
    raise PermissionDenied(_("您无权使用该接口。"))


class ActsOnApplications(BasePermission):
    """Integrators, reviewers and witness agents: each then sees and changes only what the
    services allow its actor (an agent: the applications of their branch)."""

    message = "需要接口对接、复核或见证权限 / an integrator, reviewer or agent role is required."

    def has_permission(self, request, view) -> bool:
        return any(user_has_role(request.user, role) for role, _kind in STAFF_ACTORS)


class IsReviewer(BasePermission):
    message = "需要复核权限 / the reviewer role is required."

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, Role.REVIEWER)


def application_for(
    request, acceptance_number: str, *, staff_as: ActorKind | None = None
) -> tuple[Application, Actor]:
    """The application of the URL and the actor asking, refused alike (`not_found`) whether it
    does not exist or the actor may not see it."""
    application = (
        Application.objects.select_related("client", "client__branch")
        .filter(acceptance_number=acceptance_number)
        .first()
    )
    if application is None:
        raise BusinessError(_("未找到该业务。"), code="not_found")
    actor = request_actor(request, staff_as=staff_as)
    application_check_visible(actor=actor, application=application)
    return application, actor


class StrictSerializer(serializers.Serializer):
    """A request body: a field the endpoint does not know is refused, not ignored."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("不支持的字段。")] for name in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)

    def service_data(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The validated body as the step services read a form: (data, files). Booleans as
        "true"/"", numbers as text, uploads apart."""
        data: dict[str, Any] = {}
        files: dict[str, Any] = {}
        for name, value in self.validated_data.items():
            if isinstance(value, UploadedFile) or (
                isinstance(value, list) and value and isinstance(value[0], UploadedFile)
            ):
                files[name] = value
            elif isinstance(value, bool):
                data[name] = "true" if value else ""
            elif isinstance(value, list):
                data[name] = [str(item) for item in value]
            elif value is not None:
                data[name] = str(value)
        return data, files


class EmptySerializer(StrictSerializer):
    """No body (or `{}`)."""


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="给人看的说明（中文）")
    code = serializers.CharField(help_text="稳定的错误代码，如 step_not_reached、not_found")
    extra = serializers.DictField(help_text="详情；输入有误时 fields 为 字段 → 说明列表")


def errors(*statuses: int) -> dict[int, Any]:
    return dict.fromkeys(statuses, ErrorSerializer)
