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


def investor_id(request: HttpRequest) -> int | None:
    """The logged-in investor's client id, as the session holds it (no query)."""
    return request.session.get(SESSION_KEY)


def investor_known(request: HttpRequest, client: Client) -> None:
    """The logged-in investor, read by a view together with what it shows (one query where
    `current_investor` and the view's own would make two); `client` must be the session's."""
    if client.pk != investor_id(request):
        raise ValueError("not the logged-in investor")
    request._investor = client  # type: ignore[attr-defined]
    request.investor = client  # type: ignore[attr-defined]


def current_investor(request: HttpRequest) -> Client | None:
    session: SessionBase = request.session
    client_id = session.get(SESSION_KEY)
    if client_id is None:
        return None
    if not hasattr(request, "_investor"):
        request._investor = (  # type: ignore[attr-defined]
            Client.objects.select_related("branch").filter(pk=client_id).first()
        )
    return request._investor  # type: ignore[attr-defined]


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
