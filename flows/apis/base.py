"""What every endpoint of the flow API shares: the base views (h15a's `api.base` conventions:
credentials, scopes, throttles, Idempotency-Key, ETags, cursor pagination, the one error shape)
with who may call them, the application named in the URL (refused as if it did not exist when the
actor may not see it) and strict request bodies (an unknown field is refused).

Who acts is `flows.apis_auth.request_actor`: an integrator key acts for the investor
(`Actor.integrator`), an investor token as that investor (`Actor.investor`, their own
applications only), a staff session as its role (a reviewer, or an agent: the applications of
their branch). The services then judge what that actor may do.

The endpoints are adapters: they turn a request into plain data and an `Actor`, call the same
services as the investor's pages and the consoles, and turn the result into JSON. No rule of the
flow is judged here."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from rest_framework.response import Response

from api import serializers as api_serializers
from api.base import ApiGenericView, ApiView
from api.scopes import Scope
from common.exceptions import BusinessError
from staff.roles import Role

from ..actors import Actor, ActorKind
from ..apis_auth import request_actor
from ..models import Application
from ..permissions import application_check_visible
from .serializers import ApplicationDetailSerializer, application_data

# staff sessions that act on applications (the consoles' own calls); keys are integrators'
APPLICATION_SESSION_ROLES = (Role.INTEGRATOR, Role.REVIEWER, Role.WITNESS_AGENT)


class ApplicationsMixin:
    """Reads need `applications:read`, changes `applications:write`; integrator keys, investor
    tokens and the sessions of integrators, reviewers and agents may call."""

    required_scopes: ClassVar[tuple[str, ...] | dict[str, tuple[str, ...]]] = {
        "GET": (Scope.APPLICATIONS_READ,),
        "POST": (Scope.APPLICATIONS_WRITE,),
        "DELETE": (Scope.APPLICATIONS_WRITE,),
    }
    session_roles: ClassVar[tuple[Role, ...]] = APPLICATION_SESSION_ROLES


class ApplicationsApi(ApplicationsMixin, ApiView):
    pass


class ApplicationsGenericApi(ApplicationsMixin, ApiGenericView):
    pass


class ReviewApi(ApiView):
    """A review decision: a reviewer's key (with the `review` scope) or session; never an
    investor token."""

    required_scopes = (Scope.REVIEW,)
    key_roles = (Role.REVIEWER,)
    session_roles = (Role.REVIEWER,)
    investor_tokens = False


def application_for(
    request, acceptance_number: str, *, staff_as: ActorKind | None = None
) -> tuple[Application, Actor]:
    """The application of the URL and the actor asking, refused alike (`not_found`) whether it
    does not exist or the actor may not see it."""
    actor = request_actor(request, staff_as=staff_as)
    application = (
        Application.objects.select_related("client", "client__branch")
        .filter(acceptance_number=acceptance_number)
        .first()
    )
    if application is None:
        raise BusinessError(_("未找到该业务。"), code="not_found")
    application_check_visible(actor=actor, application=application)
    return application, actor


class StrictSerializer(api_serializers.StrictSerializer):
    """A request body: a field the endpoint does not know is refused, not ignored."""

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


def application_detail(application: Application, *, status: int = 200) -> Response:
    """The answer of an endpoint that reads or changes one application: the application with
    its steps and trading codes."""
    return Response(
        ApplicationDetailSerializer(application_data(application, detail=True)).data,
        status=status,
    )


# POST: one change to the application of the URL through one service, answered with the
# application's detail. The application is found for the caller (refused as not found) before the
# body is read; `body` (None: the endpoint reads none) is checked strictly; `change` calls the
# service, whose refusals reach the one error handler untouched. Each endpoint declares its schema
# with `@extend_schema_view(post=extend_schema(...))`. (A comment, not a docstring: the schema
# takes an endpoint's description from the first docstring of its classes.)
class ApplicationChangeMixin:
    body: ClassVar[type[StrictSerializer] | None] = None
    staff_as: ClassVar[ActorKind | None] = None  # who a staff session acts as

    def change(
        self, *, application: Application, actor: Actor, values: dict[str, Any]
    ) -> Application:
        raise NotImplementedError

    def post(self, request, acceptance_number: str) -> Response:
        application, actor = application_for(request, acceptance_number, staff_as=self.staff_as)
        values: dict[str, Any] = {}
        if self.body is not None:
            values = api_serializers.checked_body(self.body, request).validated_data
        return application_detail(self.change(application=application, actor=actor, values=values))


class ApplicationChangeApi(ApplicationChangeMixin, ApplicationsApi):
    pass


class ReviewDecisionApi(ApplicationChangeMixin, ReviewApi):
    staff_as = ActorKind.REVIEWER
