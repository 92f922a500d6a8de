"""drf-spectacular postprocessing hook: the API's conventions written once into the schema.

- the `Error` component (`{"code", "message", "fields", "details"?}`), and on every operation
  the error responses it can give (400, 401, 403, 429; 404 with a path parameter or a cursor;
  409, 413 and 422 on POST; 409 on DELETE; 415 with a request body) referring to it, unless the
  view documented its own; an error response a view declares with a description only gets it too;
- the `Idempotency-Key` header on every POST, `If-None-Match` and the 304 answer on every GET."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "所有错误响应的统一格式 (the one error shape of every failure).",
    "properties": {
        "code": {
            "type": "string",
            "description": "稳定的错误代码：invalid、parse_error、not_authenticated、"
            "authentication_failed、key_invalid、key_revoked、key_expired、token_expired、"
            "token_revoked、permission_denied、scope_missing、not_found、method_not_allowed、"
            "not_acceptable、unsupported_media_type、throttled、payload_too_large、"
            "idempotency_conflict、idempotency_in_progress、server_error、unavailable，"
            "以及业务规则的代码（如 sms_code_wrong、step_out_of_order）。",
        },
        "message": {"type": "string", "description": "中文说明，可直接展示给用户。"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "按字段列出的错误（嵌套字段以点连接，如 answers.0.value）。",
        },
        "details": {
            "type": "object",
            "additionalProperties": True,
            "description": "附加信息，仅在有时出现：retry_after（秒）、scope、tries_left 等。",
        },
    },
    "required": ["code", "message", "fields"],
    "examples": [
        {
            "code": "invalid",
            "message": "提交的数据有误，请按 fields 中的说明修改。",
            "fields": {"id_number": ["身份证号码格式不正确。"], "colour": ["未知字段。"]},
        },
        {
            "code": "scope_missing",
            "message": "该凭据没有调用此接口所需的权限范围：review。",
            "fields": {},
            "details": {"scope": "review"},
        },
    ],  # fmt: skip
}

DESCRIPTIONS = {
    "400": "请求有误（JSON 格式、字段类型、未知字段、业务规则）",
    "401": "未认证，或接口密钥/投资者令牌无效、过期、吊销",
    "403": "无权调用（角色或权限范围 scope_missing）",
    "404": "资源不存在，或不属于调用方",
    "409": "使用同一 Idempotency-Key 的请求仍在处理中，或与当前状态冲突",
    "415": "不支持的请求体格式（Content-Type）",
    "413": "请求体过大",
    "422": "Idempotency-Key 已用于另一个请求",
    "429": "请求过于频繁（见 Retry-After）",
}

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "幂等键：同一调用方以同一键和同一请求体重试时，返回首次的结果（响应头 "
    "Idempotent-Replayed: true）；同一键用于不同请求体返回 422；首次请求仍在处理时返回 409。"
    "保留 24 小时。",
}

IF_NONE_MATCH_PARAMETER = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "上次响应的 ETag；内容未变时返回 304（无响应体）。",
}


def error_response(description: str, examples: dict[str, dict[str, Any]]):
    """A view's documented error, with examples of its bodies (name → body), in the one shape:

    responses={409: error_response("队列为空", {"队列为空": {"code": "queue_empty", ...}})}"""
    from drf_spectacular.utils import OpenApiExample, OpenApiResponse

    return OpenApiResponse(
        response=ERROR_REF,
        description=description,
        examples=[
            OpenApiExample(name, value={"fields": {}, **body}, response_only=True)
            for name, body in examples.items()
        ],
    )


def _error_response(status: str) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }


def errors_and_conventions(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete", "head"):
                continue
            _add_conventions(path, method, operation)
    return result


def _add_conventions(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    parameters = operation.setdefault("parameters", [])
    names = {(p.get("in"), p.get("name")) for p in parameters if isinstance(p, dict)}
    statuses = ["400", "401", "403", "429"]
    # a path names an object; a cursor that is not one the list gave is not found either
    if "{" in path or ("query", "cursor") in names:
        statuses.append("404")
    if method == "post":
        statuses += ["409", "413", "422"]
    if method == "delete":
        statuses.append("409")  # a business rule about the application's state
    if "requestBody" in operation:
        statuses.append("415")
    for status in statuses:
        existing = responses.get(status)
        if existing is None:
            responses[status] = _error_response(status)
    # an error a view declares with its own description only (OpenApiResponse(description=…))
    for status, response in responses.items():
        if status[0] in "45" and isinstance(response, dict) and "content" not in response:
            response["content"] = {"application/json": {"schema": ERROR_REF}}
    if method == "post" and ("header", "Idempotency-Key") not in names:
        parameters.append(IDEMPOTENCY_PARAMETER)
    if method == "get" and ("header", "If-None-Match") not in names:
        parameters.append(IF_NONE_MATCH_PARAMETER)
        responses.setdefault("304", {"description": "内容未变（If-None-Match 与 ETag 相同）"})
