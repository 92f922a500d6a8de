"""The themed error pages that Django's own handlers would render without the request (so without
the company's theme), or not at all in Chinese: a bad request (400) and a refused form (403, the
CSRF check). 404, 403 and 500 are Django's handlers over the templates in themes/templates."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _themed(request: HttpRequest, template: str, context: dict | None = None) -> str:
    try:
        return render_to_string(template, context, request=request)
    except SuspiciousOperation:
        # the request itself is what is wrong (a host not served): the page without the theme's
        # settings, which are chosen by the request's host
        return render_to_string(template, context)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponse(_themed(request, "400.html"), status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that expired (the session ended, cookies were cleared, the page
    sat open for hours): say so and what to do, rather than Django's English explanation."""
    return HttpResponse(_themed(request, "403_csrf.html"), status=403)
