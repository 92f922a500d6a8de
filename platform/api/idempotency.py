"""`Idempotency-Key` on POST: a client that did not hear the answer (a timeout, a dropped
connection) sends the same request again with the same key and gets the first answer, instead of
creating a second application or sending a second SMS.

- same principal + same key + same body → the first answer again (status and body), marked
  `Idempotent-Replayed: true`;
- same key, another body (or another endpoint) → 422 `idempotency_conflict`;
- same key while the first request is still being answered → 409 `idempotency_in_progress`;
- answers of 5xx are not kept (the work did not happen, or is unknown: a retry must try again);
- keys are kept 24 hours (`IDEMPOTENCY_TTL`; the purge task deletes older ones), per principal,
  and the body only as its SHA-256.

The record is written in a transaction of its own before the view runs (so a concurrent retry
sees it) and completed after the view answered."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .errors import ApiError, ErrorCode
from .models import IdempotencyRecord, IdempotencyState

HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = datetime.timedelta(hours=24)
# A request still "in progress" after this long died with its process: a retry may take over.
ABANDONED_AFTER = datetime.timedelta(minutes=5)
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


@dataclass
class Replay(Exception):
    """Raised before the view runs: answer with the stored response."""

    response: Response


def request_fingerprint(request: Request) -> str:
    """SHA-256 over the method, the path and the body. Multipart bodies are read as parsed
    (fields and each file's bytes), so a large upload is hashed in chunks, never held twice."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        data: Any = request.data
        pairs = data.lists() if hasattr(data, "lists") else data.items()
        for name, values in sorted(pairs):
            if not isinstance(values, list):
                values = [values]
            for value in values:
                if not isinstance(value, UploadedFile):
                    digest.update(f"field:{name}={value}\n".encode())
        for name, upload in sorted(request.FILES.items()):
            digest.update(f"file:{name}:{upload.name}:{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_PATTERN.match(key):
        raise ApiError(
            _("Idempotency-Key 须为 1–255 个可见 ASCII 字符。"),
            code=ErrorCode.INVALID,
            status=400,
            details={"header": HEADER},
        )
    return key


def idempotency_begin(
    *, principal: str, key: str, request: Request, now: datetime.datetime | None = None
) -> IdempotencyRecord:
    """Claim the key for this request, or raise `Replay` / 409 / 422."""
    now = now or timezone.now()
    fingerprint = request_fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                principal=principal,
                key=key,
                method=str(request.method),
                path=request.path[:500],
                request_hash=fingerprint,
                created_at=now,
            )
    except IntegrityError:
        pass
    with transaction.atomic():
        record = IdempotencyRecord.objects.select_for_update().get(principal=principal, key=key)
        if record.created_at < now - IDEMPOTENCY_TTL:
            # expired but not yet purged: the key is free again
            _restart(record, request=request, fingerprint=fingerprint, now=now)
            return record
        if record.request_hash != fingerprint:
            raise ApiError(
                _("该 Idempotency-Key 已用于另一个请求（请求体或接口不同），请换一个新的键。"),
                code=ErrorCode.IDEMPOTENCY_CONFLICT,
                status=422,
            )
        if record.state == IdempotencyState.DONE:
            raise Replay(_replayed(record))
        if record.created_at > now - ABANDONED_AFTER:
            raise ApiError(
                _("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。"),
                code=ErrorCode.IDEMPOTENCY_IN_PROGRESS,
                status=409,
            )
        _restart(record, request=request, fingerprint=fingerprint, now=now)
        return record


def _restart(
    record: IdempotencyRecord, *, request: Request, fingerprint: str, now: datetime.datetime
) -> None:
    record.method, record.path = str(request.method), request.path[:500]
    record.request_hash = fingerprint
    record.state, record.created_at = IdempotencyState.IN_PROGRESS, now
    record.response_status, record.response_body, record.response_location = None, "", ""
    record.finished_at = None
    record.save()


def _replayed(record: IdempotencyRecord) -> Response:
    data: Any = json.loads(record.response_body) if record.response_body else None
    response = Response(data, status=record.response_status)
    if record.response_location:
        response["Location"] = record.response_location
    response["Idempotent-Replayed"] = "true"
    return response


def idempotency_finish(*, record: IdempotencyRecord, response: Response) -> None:
    """Keep the answer (below 500), or free the key (5xx) so a retry runs again."""
    if response.status_code >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    data = getattr(response, "data", None)
    body = json.dumps(data, cls=JSONEncoder, ensure_ascii=False) if data is not None else ""
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyState.DONE,
        response_status=response.status_code,
        response_body=body,
        response_location=str(response.get("Location") or "")[:500],
        finished_at=timezone.now(),
    )


def idempotency_abandon(*, record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


def idempotency_purge(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_TTL).delete()
    return deleted
