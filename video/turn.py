"""The ICE servers each end of a call is given when it joins: the static STUN list
(WITNESS_ICE_SERVERS) and, when a TURN relay is configured, time-limited TURN credentials.

The credentials follow the TURN REST API convention that coturn implements with
`use-auth-secret` / `static-auth-secret` (deploy/coturn/turnserver.conf): the username is
"<expiry unix time>:<who>", the password base64(HMAC-SHA1(secret, username)). coturn recomputes
the password from the username and refuses an expired one, so nothing is stored, and a leaked
credential works only until its expiry. They are made per call and per end, when the socket
joins (video.consumers.CallConsumer): never written into a page."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.utils import timezone


def turn_credential(*, secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def turn_server(*, subject: str, now: datetime.datetime | None = None) -> dict[str, Any] | None:
    """An RTCIceServer with credentials for `subject` valid WITNESS_TURN_TTL_SECONDS from now;
    None when no TURN relay is configured."""
    urls, secret = settings.WITNESS_TURN_URLS, settings.WITNESS_TURN_SECRET
    if not urls or not secret:
        return None
    expiry = int((now or timezone.now()).timestamp()) + settings.WITNESS_TURN_TTL_SECONDS
    username = f"{expiry}:{subject}"
    return {
        "urls": list(urls),
        "username": username,
        "credential": turn_credential(secret=secret, username=username),
    }


def ice_servers(*, subject: str, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """What one end of a call is given: the static servers (none by default: host candidates
    only, nothing outside contacted), and the TURN relay with fresh credentials if there is one."""
    servers = list(settings.WITNESS_ICE_SERVERS)
    relay = turn_server(subject=subject, now=now)
    if relay is not None:
        servers.append(relay)
    return servers
