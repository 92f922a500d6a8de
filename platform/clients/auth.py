"""The investor's session: who is logged in, separate from staff accounts (an investor has no
Django user; the session holds their client id after ID number + captcha + SMS code)."""

from __future__ import annotations

from functools import wraps

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.shortcuts import redirect

from .models import Client

SESSION_KEY = "investor_client_id"


def investor_login(request: HttpRequest, client: Client) -> None:
    """Start a fresh investor session (a new session key: no fixation)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = client.pk


def investor_logout(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current_investor(request: HttpRequest) -> Client | None:
    session: SessionBase = request.session
    client_id = session.get(SESSION_KEY)
    if client_id is None:
        return None
    if not hasattr(request, "_investor"):
        request._investor = Client.objects.select_related("branch").filter(pk=client_id).first()
    return request._investor


def investor_required(view):
    """Investor pages: without a logged-in investor, go to the investor login."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        client = current_investor(request)
        if client is None:
            return redirect("clients:login")
        request.investor = client
        return view(request, *args, **kwargs)

    return wrapped
