"""ETags on reads: a GET or HEAD answered 200 carries `ETag` (a hash of the JSON body); a
request with `If-None-Match` naming it is answered 304 with no body, so a polling app spends
nothing when nothing changed. The tag is computed from the data the view answers with, so it
changes exactly when the representation does (and differs per caller when the data does)."""

from __future__ import annotations

import hashlib
import json

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder


def etag_of(data) -> str:
    body = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    tags = [tag.strip() for tag in header.split(",")]
    # weak comparison (RFC 9110 §13.1.2): W/"x" matches "x"
    return any(tag.removeprefix("W/") == etag for tag in tags)


def etag_apply(request: Request, response: Response) -> Response:
    """Add the ETag to a successful JSON read, or turn it into 304 when the client has it."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if getattr(response, "data", None) is None or response.has_header("ETag"):
        return response
    etag = etag_of(response.data)
    if _matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = Response(status=304)
        not_modified["ETag"] = etag
        return not_modified
    response["ETag"] = etag
    return response
