"""The base classes of every endpoint under /api/v1/. A capability's endpoint inherits one and
declares what it needs:

    class ApplicationListApi(ApiGenericView, generics.ListCreateAPIView):
        required_scopes = {"GET": (Scope.APPLICATIONS_READ,), "POST": (Scope.APPLICATIONS_WRITE,)}
        serializer_class = ...

        def post(self, request):
            actor = request_actor(request)  # flows.apis_auth
            ...

and gets, without writing it again:
- authentication by integrator key, investor token or staff session; `IsApiCaller` + `HasScope`
  (403 `scope_missing` naming the scope);
- throttles per key / investor / staff account / address (`api.throttles`), plus a view's own
  `throttle_scope` when it sets one;
- `Idempotency-Key` on POST (`api.idempotency`): replay, 409 in progress, 422 conflict;
- `ETag` on 200 reads and 304 for `If-None-Match` (`api.etags`);
- cursor pagination (`api.pagination`);
- the one error shape (`api.errors`), and request bodies that name unknown fields refused when
  the serializer uses `api.serializers.StrictFieldsMixin`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rest_framework import generics, viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from staff.authentication import IntegratorKeyAuthentication
from staff.roles import Role

from .authentication import InvestorTokenAuthentication
from .etags import etag_apply
from .idempotency import (
    Replay,
    idempotency_abandon,
    idempotency_begin,
    idempotency_finish,
    idempotency_key,
)
from .pagination import ApiCursorPagination
from .permissions import HasScope, IsApiCaller
from .principals import PrincipalKind, principal_of
from .throttles import PrincipalRateThrottle

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass

RECORD_ATTR = "_idempotency_record"


class ApiMixin:
    """The conventions; mixed into the DRF view classes below."""

    authentication_classes: Sequence[type[BaseAuthentication]] = [
        IntegratorKeyAuthentication,
        InvestorTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes: Sequence[_PermissionClass] = [IsApiCaller, HasScope]
    throttle_classes: Sequence[type[BaseThrottle]] = [PrincipalRateThrottle, ScopedRateThrottle]
    pagination_class: type[BasePagination] | None = ApiCursorPagination
    # what a key must hold: a tuple, or a dict by method ({"GET": (...), "POST": (...)})
    required_scopes: ClassVar[tuple[str, ...] | dict[str, tuple[str, ...]]] = ()
    # the role a key's owner needs (an integrator; a review decision: a reviewer)
    key_roles: ClassVar[tuple[Role, ...]] = (Role.INTEGRATOR,)
    # staff sessions that may call (the consoles' own calls)
    session_roles: ClassVar[tuple[Role, ...]] = (Role.INTEGRATOR,)
    investor_tokens: ClassVar[bool] = True  # may an investor token call this endpoint?
    idempotent_posts: ClassVar[bool] = True
    etags: ClassVar[bool] = True

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method == "POST" and self.idempotent_posts:
            key = idempotency_key(request)
            principal = principal_of(request)
            # anonymous callers share no identity: one's answer must never replay to another
            if key is not None and principal.kind != PrincipalKind.ANONYMOUS:
                record = idempotency_begin(principal=str(principal), key=key, request=request)
                setattr(request, RECORD_ATTR, record)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Replay):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request, response, *args: Any, **kwargs: Any):
        record = getattr(request, RECORD_ATTR, None)
        if record is not None:
            idempotency_finish(record=record, response=response)
            setattr(request, RECORD_ATTR, None)
        if self.etags:
            response = etag_apply(request, response)
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]

    def dispatch(self, request, *args: Any, **kwargs: Any):
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except BaseException:
            # a crash (the 500 path): the key is freed so that a retry runs again
            record = getattr(getattr(self, "request", None), RECORD_ATTR, None)
            if record is not None:
                idempotency_abandon(record=record)
            raise


class ApiView(ApiMixin, APIView):
    """An endpoint that answers one object (or a short, bounded list): not paginated, so the
    schema does not describe its lists as pages either."""

    pagination_class = None


class ApiGenericView(ApiMixin, generics.GenericAPIView):
    pass


class ApiViewSet(ApiMixin, viewsets.GenericViewSet):
    pass


class ApiModelViewSet(ApiMixin, viewsets.ModelViewSet):
    pass
