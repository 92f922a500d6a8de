"""The one error shape of the API, for every failure:

    {"code": "scope_missing", "message": "该接口密钥没有 review 权限。", "fields": {}}

- `code`: stable, for programs (the list is `ErrorCode`, plus the codes of `BusinessError`s the
  services raise, e.g. `sms_code_wrong`);
- `message`: Chinese, for people;
- `fields`: per input field, the list of what is wrong with it (empty when no field is at fault);
- `details` (only when there is more to say): machine-readable extras, e.g. `retry_after` of a
  throttled call, `scope` of a missing scope, `tries_left` of a wrong SMS code.

DRF's exceptions, Django's Http404/PermissionDenied and `BusinessError` all go through
`exception_handler`; URLs under /api/ that match no route get the same shape from `not_found`
(Django's handler404 calls it; handler500, common.middleware.server_error, writes the same shape
under /api/)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from common.exceptions import BusinessError


class ErrorCode:
    INVALID = "invalid"
    PARSE_ERROR = "parse_error"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    SCOPE_MISSING = "scope_missing"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"


def error_body(
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    if details:
        body["details"] = details
    return body


class ApiError(exceptions.APIException):
    """An API refusal with a code and status of its own (409, 422, 403 scope_missing…)."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int = 400,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status
        self.details = details or {}


# Messages for DRF's own exceptions: DRF's texts are English and some carry the request's
# details; ours are Chinese and fixed.
def _default_messages() -> dict[type[exceptions.APIException], tuple[str, str]]:
    return {
        exceptions.ParseError: (ErrorCode.PARSE_ERROR, _("请求体无法解析，请检查 JSON 格式。")),
        exceptions.NotAuthenticated: (
            ErrorCode.NOT_AUTHENTICATED,
            _("需要身份认证：请提供接口密钥或投资者令牌。"),
        ),
        exceptions.AuthenticationFailed: (
            ErrorCode.AUTHENTICATION_FAILED,
            _("身份认证失败。"),
        ),
        exceptions.PermissionDenied: (ErrorCode.PERMISSION_DENIED, _("无权执行此操作。")),
        exceptions.NotFound: (ErrorCode.NOT_FOUND, _("请求的资源不存在。")),
        exceptions.MethodNotAllowed: (
            ErrorCode.METHOD_NOT_ALLOWED,
            _("该接口不支持此请求方法。"),
        ),
        exceptions.NotAcceptable: (
            ErrorCode.NOT_ACCEPTABLE,
            _("无法以请求的格式（Accept）返回结果。"),
        ),
        exceptions.UnsupportedMediaType: (
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            _("不支持的请求体格式（Content-Type）。"),
        ),
    }


# The exceptions whose DRF detail is always replaced (it is English, or echoes the request).
ALWAYS_OURS = (
    exceptions.ParseError,
    exceptions.MethodNotAllowed,
    exceptions.NotAcceptable,
    exceptions.UnsupportedMediaType,
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every refusal in the one shape; None (a crash: Django's 500,
    which `server_error` renders in the same shape under /api/) for anything else."""
    if isinstance(exc, BusinessError):
        return Response(
            error_body(exc.code, exc.message, _business_fields(exc), _business_details(exc)),
            status=exc.status,
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(ErrorCode.PAYLOAD_TOO_LARGE, _("请求体过大，请减小后重试。")), status=413
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("请求的资源不存在。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    body = _api_exception_body(exc)
    response = Response(body, status=exc.status_code)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        response["Retry-After"] = str(int(wait))
    if getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    return response


def _business_fields(exc: BusinessError) -> dict[str, list[str]]:
    fields = exc.extra.get("fields") if isinstance(exc.extra, dict) else None
    return fields if isinstance(fields, dict) else {}


def _business_details(exc: BusinessError) -> dict[str, Any]:
    return {key: value for key, value in exc.extra.items() if key != "fields"}


def _api_exception_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return _validation_body(exc.detail)
    if isinstance(exc, exceptions.Throttled):
        seconds = getattr(exc, "wait", None)
        wait = int(seconds) if seconds is not None else None
        message = (
            _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": wait}
            if wait is not None
            else _("请求过于频繁，请稍后再试。")
        )
        return error_body(ErrorCode.THROTTLED, message, details={"retry_after": wait})
    if isinstance(exc, ApiError):
        return error_body(str(exc.get_codes()), str(exc.detail), details=exc.details)
    code, message = _defaults_for(exc)
    detail = exc.detail
    custom = not isinstance(exc, ALWAYS_OURS) and str(detail) != str(exc.default_detail)
    if custom:
        message = str(detail)
        detail_code = getattr(detail, "code", None)
        if detail_code and detail_code not in {"error", exc.default_code}:
            code = detail_code
    return error_body(code, message)


def _defaults_for(exc: exceptions.APIException) -> tuple[str, str]:
    for cls, (code, message) in _default_messages().items():
        if isinstance(exc, cls):
            return code, message
    return str(exc.default_code), str(exc.detail)


def _validation_body(detail: Any) -> dict[str, Any]:
    """DRF's nested error detail as {"field": ["…"], "field.sub": ["…"]}; errors about the body
    as a whole (non_field_errors, a list at the top) make the message."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                name = str(key)
                if name in ("non_field_errors", "__all__"):
                    walk(inner, prefix)
                else:
                    walk(inner, f"{prefix}.{name}" if prefix else name)
        elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
            for index, inner in enumerate(value):
                walk(inner, f"{prefix}.{index}" if prefix else str(index))
        elif isinstance(value, list):
            for item in value:
                walk(item, prefix)
        elif prefix:
            fields.setdefault(prefix, []).append(str(value))
        else:
            general.append(str(value))

    walk(detail, "")
    message = general[0] if general else _("提交的数据有误，请按 fields 中的说明修改。")
    return error_body(ErrorCode.INVALID, message, fields)


# --- Django's own 404 and 500, for URLs under /api/ -----------------------------------------------
def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body(ErrorCode.NOT_FOUND, _("接口不存在，请检查地址（当前版本为 /api/v1/）。")),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
