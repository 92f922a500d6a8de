"""Public endpoints of the company CA: certificates, CRLs and the timestamp authority."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import BusinessError

from ..authority import certificate_of, company_key, crl_current
from ..models import CompanyRole
from ..tsa import timestamp_respond

MAX_TIMESTAMP_QUERY = 8192


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
    body = request.body
    if not body or len(body) > MAX_TIMESTAMP_QUERY:
        return HttpResponse("empty or oversized request", status=400, content_type="text/plain")
    if request.content_type != "application/timestamp-query":
        return HttpResponse(
            "expected application/timestamp-query", status=415, content_type="text/plain"
        )
    reply = timestamp_respond(body)
    return HttpResponse(reply, content_type="application/timestamp-reply")
