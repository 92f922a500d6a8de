"""What happens to a request before Django sees it: who sent it, how big it may be, and the one
access log line. Three small ASGI middlewares, wrapped around the whole application in asgi.py,
so they hold whatever ASGI server runs it (uvicorn in the demo and in production).

- `ClientAddress`: the client's address is the peer's, unless the peer is one of the configured
  trusted proxies (TRUSTED_PROXIES); then it is the hop the nearest untrusted party added to
  X-Forwarded-For, read from the right. A client-written X-Forwarded-For is never believed, and
  the forwarded headers of an untrusted peer are removed, so no later code can read them.
- `BodyLimit`: every request body has a ceiling, per route (REQUEST_BODY_LIMITS). A declared
  Content-Length over it is refused before a byte of the body is read; a chunked body is counted
  as it streams and cut off at the ceiling. Django never buffers more than the ceiling. Under
  /api/ the refusal is JSON in the API's error shape (413 `payload_too_large`).
- `AccessLog`: method, path without its query string, status, time: never a query string (ID
  numbers, mobiles, names travel in them), never a header.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("onboarding.access")

FORWARDED_HEADERS = {b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"forwarded"}
FORWARDED_HEADERS |= {b"x-real-ip", b"x-forwarded-port", b"x-forwarded-prefix"}


# --- the client's address ------------------------------------------------------------------------
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def proxy_networks(entries: Iterable[str]) -> list[Network]:
    """TRUSTED_PROXIES as networks: addresses or CIDR blocks (10.0.0.0/8, ::1)."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def _is_trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_from_forwarded(peer: str, forwarded_for: str, networks: list[Network]) -> str:
    """The client's address: walking X-Forwarded-For from the right (the hop our own proxy
    added), past every trusted proxy, to the first address a trusted proxy saw connect. Entries
    left of it were written by the client and prove nothing."""
    if not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop if _is_address(hop) else peer
    return hops[0] if hops and _is_address(hops[0]) else peer


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _header(scope: Scope, name: bytes) -> str:
    """Every value of a header, joined as one comma-separated list (as HTTP allows)."""
    values = [value.decode("latin-1") for key, value in scope.get("headers", []) if key == name]
    return ",".join(values)


SCHEMES = {"http": ("http", "https"), "websocket": ("ws", "wss")}


class ClientAddress:
    def __init__(self, app: ASGIApp, trusted: Iterable[str] | None = None) -> None:
        self.app = app
        self._trusted = trusted

    @cached_property
    def networks(self) -> list[Network]:
        entries = self._trusted if self._trusted is not None else settings.TRUSTED_PROXIES
        return proxy_networks(entries)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = self._resolved(scope)
        await self.app(scope, receive, send)

    def _resolved(self, scope: Scope) -> Scope:
        scope = dict(scope)
        peer = (scope.get("client") or ("", 0))[0]
        headers = [(k, v) for k, v in scope.get("headers", []) if k not in FORWARDED_HEADERS]
        if peer and _is_trusted(peer, self.networks):
            client = client_from_forwarded(peer, _header(scope, b"x-forwarded-for"), self.networks)
            scope["client"] = (client, 0)
            # The scheme our own proxy saw: the last value, the one it appended.
            proto = _header(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                schemes = SCHEMES[scope["type"]]
                scope["scheme"] = schemes[1] if proto == "https" else schemes[0]
                headers.append((b"x-forwarded-proto", proto.encode()))
        scope["headers"] = headers
        return scope


# --- body limits ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    pattern: re.Pattern[str]
    max_bytes: int
    # The larger limit needs a session cookie (a logged-in investor uploading photos): without
    # one, the default applies. A cookie is not proof of a login, but the body stays bounded.
    needs_session: bool = False
    # The API's uploads: the larger limit needs credentials (an `Authorization` header, e.g. an
    # integrator key or investor token, or a session cookie); the API checks them afterwards.
    needs_credentials: bool = False


def limits_from_settings() -> tuple[list[Limit], int]:
    routes = [
        Limit(
            re.compile(entry["path"]),
            int(entry["max_bytes"]),
            bool(entry.get("needs_session")),
            bool(entry.get("needs_credentials")),
        )
        for entry in settings.REQUEST_BODY_LIMITS
    ]
    return routes, int(settings.REQUEST_BODY_DEFAULT_LIMIT)


TOO_LARGE_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<title>413 内容过大</title><body><h1>上传的内容过大</h1>
<p>此处最多可提交 {size}。请压缩文件或分次上传后重试。</p>
<p lang="en">Request body too large: at most {size} here.</p></body></html>"""


def size_label(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        return f"{max_bytes / (1024 * 1024):g} MB"
    return f"{max_bytes / 1024:g} KB"


def _is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


def _api_error(code: str, message: str, details: dict[str, Any] | None = None) -> bytes:
    """The API's error shape (api.errors), for what the edge refuses under /api/."""
    body: dict[str, Any] = {"code": code, "message": message, "fields": {}}
    if details:
        body["details"] = details
    return json.dumps(body, ensure_ascii=False).encode()


async def respond_too_large(send: Send, max_bytes: int, *, api: bool = False) -> None:
    if api:
        body = _api_error(
            "payload_too_large",
            f"请求体过大：此接口最多接受 {size_label(max_bytes)}。",
            {"max_bytes": max_bytes},
        )
        content_type = b"application/json"
    else:
        body = TOO_LARGE_PAGE.format(size=size_label(max_bytes)).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is not wanted: the server closes the connection.
                (b"connection", b"close"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        routes: list[Limit] | None = None,
        default: int | None = None,
    ) -> None:
        self.app = app
        self._routes = routes
        self._default = default

    @cached_property
    def rules(self) -> tuple[list[Limit], int]:
        if self._routes is not None and self._default is not None:
            return self._routes, self._default
        return limits_from_settings()

    def limit_for(self, scope: Scope) -> int:
        routes, default = self.rules
        path = scope.get("path", "")
        has_session = settings.SESSION_COOKIE_NAME.encode() + b"=" in _cookie_header(scope)
        for route in routes:
            if route.pattern.search(path):
                if route.needs_session and not has_session:
                    return default
                if route.needs_credentials and not (
                    has_session or _header(scope, b"authorization")
                ):
                    return default
                return route.max_bytes
        return default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _header(scope, b"content-length")
        if declared:
            if not declared.strip().isdigit() or "," in declared:
                if _is_api(scope):
                    message = "Content-Length 请求头无效。"
                    await _respond_plain(send, 400, _api_error("invalid", message), as_json=True)
                else:
                    await _respond_plain(send, 400, b"invalid Content-Length")
                return
            if int(declared) > limit:
                await respond_too_large(send, limit, api=_is_api(scope))
                return
        await self._streamed(scope, receive, send, limit)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Count the body as the application reads it; past the limit the application sees the
        client disconnect (Django drops the request), and the client gets 413."""
        received = 0
        over = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, watched_send)
        if over and not started:
            await respond_too_large(send, limit, api=_is_api(scope))


def _cookie_header(scope: Scope) -> bytes:
    return b";".join(value for key, value in scope.get("headers", []) if key == b"cookie")


async def _respond_plain(send: Send, status: int, text: bytes, *, as_json: bool = False) -> None:
    content_type = b"application/json" if as_json else b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(text)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": text})


# --- the access log ------------------------------------------------------------------------------
class AccessLog:
    """One line per request: `GET /business/…/photos/ 200 35ms 203.0.113.9`. The path is logged
    without its query string, and the privacy filter masks ID and mobile numbers in it too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        began = time.monotonic()
        status: int | str = "-"

        async def watched_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "websocket.accept":
                status = 101
            elif message["type"] == "websocket.close" and status == "-":
                status = f"ws-close-{message.get('code', 1000)}"
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        finally:
            method = scope.get("method", "WS") if scope["type"] == "http" else "WS"
            client = (scope.get("client") or ("-", 0))[0]
            access_log.info(
                "%s %s %s %dms %s",
                method,
                scope.get("path", ""),
                status,
                round((time.monotonic() - began) * 1000),
                client,
            )


def edge(app: ASGIApp) -> ASGIApp:
    """The application behind its edge: address first (the log and the limits see the real
    client), then the access log, then the body limits."""
    return ClientAddress(AccessLog(BodyLimit(app)))
