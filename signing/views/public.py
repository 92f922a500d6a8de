"""Public endpoints of the company CA: certificates, CRLs and the timestamp authority."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import BusinessError
from common.ratelimit import client_ip, rate_limit_exceeded

from ..authority import certificate_of, company_key, crl_current
from ..models import CompanyRole
from ..tsa import timestamp_respond

MAX_TIMESTAMP_QUERY = 8192
# Signing a timestamp costs a signature with the TSA key: so many per address per window (the
# product's own signing calls the TSA in-process, not through this endpoint).
TSA_LIMIT, TSA_WINDOW_SECONDS = 100, 600


@require_GET
def crl(request, role: str):
    try:
        current = crl_current(role)
    except BusinessError as error:
        raise Http404 from error
    response = HttpResponse(
        current.public_bytes(serialization.Encoding.DER), content_type="application/pkix-crl"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def ca_certificate(request, role: str):
    if role not in CompanyRole.values:
        raise Http404
    try:
        key = company_key(role)
    except BusinessError as error:
        raise Http404 from error
    response = HttpResponse(
        certificate_of(key).public_bytes(serialization.Encoding.PEM),
        content_type="application/x-pem-file",
    )
    response["Content-Disposition"] = f'attachment; filename="{role}.pem"'
    return response


@csrf_exempt
@require_POST
def timestamp(request):
    """RFC 3161 over HTTP: a DER TimeStampReq in, a DER TimeStampResp out."""
    if rate_limit_exceeded(
        scope="tsa", who=client_ip(request), limit=TSA_LIMIT, window_seconds=TSA_WINDOW_SECONDS
    ):
        response = HttpResponse("too many requests", status=429, content_type="text/plain")
        response["Retry-After"] = str(TSA_WINDOW_SECONDS)
        return response
    body = request.body
    if not body or len(body) > MAX_TIMESTAMP_QUERY:
        return HttpResponse("empty or oversized request", status=400, content_type="text/plain")
    if request.content_type != "application/timestamp-query":
        return HttpResponse(
            "expected application/timestamp-query", status=415, content_type="text/plain"
        )
    reply = timestamp_respond(body)
    return HttpResponse(reply, content_type="application/timestamp-reply")
