"""The edge in front of Django (onboarding/edge.py), attacked through its ASGI interface: forged
forwarded headers, oversized and endless bodies, query strings full of personal data."""

from __future__ import annotations

import json
import logging
import re

import pytest

from onboarding.edge import AccessLog, BodyLimit, ClientAddress, Limit, client_from_forwarded

PROXIES = ["10.0.0.0/8", "192.0.2.10"]


class Recorder:
    """An ASGI app that reads the whole body and answers 200, keeping what it saw."""

    def __init__(self) -> None:
        self.scope: dict | None = None
        self.body = b""
        self.disconnected = False
        self.called = False

    async def __call__(self, scope, receive, send) -> None:
        self.called = True
        self.scope = scope
        if scope["type"] == "http":
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    self.disconnected = True
                    return  # as Django does: no response to a client that left
                self.body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})


def http_scope(path="/", headers=(), client=("203.0.113.9", 5000), method="POST") -> dict:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "scheme": "http",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
        "client": client,
    }


async def run(app, scope, chunks=(b"",)):
    """Call the app with the body in chunks; return the messages it sent and how many chunks the
    app asked for."""
    sent, asked = [], 0
    pending = list(chunks)

    async def receive():
        nonlocal asked
        asked += 1
        if not pending:
            return {"type": "http.disconnect"}
        body = pending.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent, asked


def status_of(sent) -> int:
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


# --- the client's address --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # no trusted proxy: whatever the client wrote is ignored
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
        # the load balancer appended the real client after the client's own forged entries
        ("10.0.0.5", "1.2.3.4, 5.6.7.8, 198.51.100.7", "198.51.100.7"),
        # two trusted hops: the first untrusted from the right
        ("10.0.0.5", "6.6.6.6, 198.51.100.7, 192.0.2.10", "198.51.100.7"),
        # all hops trusted: the leftmost
        ("10.0.0.5", "10.1.1.1, 192.0.2.10", "10.1.1.1"),
        # garbage where the client's address should be: the proxy's own
        ("10.0.0.5", "not-an-ip", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
    ],
)
def test_client_address_is_the_hop_a_trusted_proxy_added(peer, forwarded, client):
    from onboarding.edge import proxy_networks

    assert client_from_forwarded(peer, forwarded, proxy_networks(PROXIES)) == client


@pytest.mark.asyncio
async def test_an_untrusted_peer_cannot_choose_its_address_or_scheme():
    # given a client that talks to the server directly, with forged forwarded headers
    app = Recorder()
    headers = [
        ("X-Forwarded-For", "1.2.3.4"),
        ("X-Forwarded-Proto", "https"),
        ("X-Real-IP", "1.2.3.4"),
    ]
    # when
    await run(ClientAddress(app, trusted=PROXIES), http_scope(headers=headers))
    # then its own address counts, and no forwarded header reaches Django
    assert app.scope["client"][0] == "203.0.113.9"
    assert app.scope["scheme"] == "http"
    assert not {k for k, _v in app.scope["headers"]} & {b"x-forwarded-for", b"x-real-ip"}
    assert b"x-forwarded-proto" not in dict(app.scope["headers"])


@pytest.mark.asyncio
async def test_a_trusted_proxy_sets_the_client_and_the_scheme():
    app = Recorder()
    headers = [("X-Forwarded-For", "6.6.6.6, 198.51.100.7"), ("X-Forwarded-Proto", "http,https")]
    await run(
        ClientAddress(app, trusted=PROXIES), http_scope(headers=headers, client=("10.0.0.5", 1))
    )
    assert app.scope["client"][0] == "198.51.100.7"
    assert app.scope["scheme"] == "https"
    assert dict(app.scope["headers"])[b"x-forwarded-proto"] == b"https"


@pytest.mark.asyncio
async def test_with_no_trusted_proxy_configured_forwarded_headers_count_for_nothing(settings):
    settings.TRUSTED_PROXIES = []
    app = Recorder()
    scope = http_scope(headers=[("X-Forwarded-For", "1.2.3.4")], client=("127.0.0.1", 1))
    await run(ClientAddress(app), scope)
    assert app.scope["client"][0] == "127.0.0.1"


# --- body limits --------------------------------------------------------------------------------
ROUTES = [
    Limit(re.compile(r"^/upload/$"), 1000, needs_session=True),
    Limit(re.compile(r"^/tiny/$"), 10),
]


def limited(app) -> BodyLimit:
    return BodyLimit(app, routes=ROUTES, default=100)


@pytest.mark.asyncio
async def test_a_declared_body_over_the_limit_is_refused_before_a_byte_is_read():
    # given a 60 MB body announced by Content-Length
    app = Recorder()
    scope = http_scope(headers=[("Content-Length", str(60 * 1024 * 1024))])
    # when
    sent, asked = await run(limited(app), scope, chunks=[b"x" * 10])
    # then 413, the application never ran and the body was never asked for
    assert status_of(sent) == 413
    assert not app.called
    assert asked == 0
    headers = dict(sent[0]["headers"])
    assert headers[b"connection"] == b"close"
    assert "上传的内容过大".encode() in sent[1]["body"]


@pytest.mark.asyncio
async def test_an_undeclared_body_is_cut_off_at_the_limit():
    # given a chunked body (no Content-Length) that never ends
    app = Recorder()
    chunks = [b"x" * 60] * 1000
    # when
    sent, asked = await run(limited(app), http_scope(), chunks=chunks)
    # then the app saw the client leave after the limit, and the client got 413
    assert app.disconnected
    assert len(app.body) <= 100
    assert asked <= 3
    assert status_of(sent) == 413


@pytest.mark.asyncio
async def test_a_body_within_the_limit_reaches_the_application_whole():
    app = Recorder()
    sent, _asked = await run(
        limited(app), http_scope(headers=[("Content-Length", "80")]), chunks=[b"x" * 40] * 2
    )
    assert status_of(sent) == 200
    assert app.body == b"x" * 80


@pytest.mark.asyncio
@pytest.mark.parametrize("value", ["abc", "-1", "10, 10", "1e9"])
async def test_a_malformed_content_length_is_refused(value):
    app = Recorder()
    sent, _ = await run(limited(app), http_scope(headers=[("Content-Length", value)]))
    assert status_of(sent) == 400
    assert not app.called


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("path", "cookie", "allowed"),
    [
        ("/upload/", "sessionid=abc", 1000),
        ("/upload/", "", 100),  # the upload route's allowance needs a session
        ("/tiny/", "", 10),
        ("/elsewhere/", "sessionid=abc", 100),
    ],
)
async def test_each_route_has_its_own_limit(path, cookie, allowed):
    limit = limited(Recorder())
    headers = [("Cookie", cookie)] if cookie else []
    assert limit.limit_for(http_scope(path=path, headers=headers)) == allowed


def test_the_configured_limits_bound_uploads_and_everything_else(settings):
    # given the project's own settings
    limit = BodyLimit(Recorder())
    session = [("Cookie", f"{settings.SESSION_COOKIE_NAME}=x")]
    # then forms get a megabyte, a step with photos 64 MB, with a session only
    assert limit.limit_for(http_scope(path="/investor/login/")) == 1024 * 1024
    assert limit.limit_for(http_scope(path="/business/1300020000000001/photos/")) == 1024 * 1024
    step = http_scope(path="/business/1300020000000001/photos/", headers=session)
    assert limit.limit_for(step) == 64 * 1024 * 1024
    assert limit.limit_for(http_scope(path="/signing/tsa/")) == 8 * 1024
    assert limit.limit_for(http_scope(path="/signing/verify/")) == 31 * 1024 * 1024


def test_the_apis_uploads_get_the_webs_allowance_with_credentials_only(settings):
    # given the project's own settings and the API's photo and score-report routes
    limit = BodyLimit(Recorder())
    key = [("Authorization", "Api-Key abc.def")]
    photos = "/api/v1/applications/1300020000000001/steps/photos/"
    reports = "/api/v1/applications/1300020000000001/steps/exchanges/"
    # then with an Authorization header they take 64 MB, as the web's step forms
    assert limit.limit_for(http_scope(path=photos, headers=key)) == 64 * 1024 * 1024
    assert limit.limit_for(http_scope(path=reports, headers=key)) == 64 * 1024 * 1024
    # and without one, or on another API route, the default megabyte
    assert limit.limit_for(http_scope(path=photos)) == 1024 * 1024
    other = "/api/v1/applications/1300020000000001/steps/basic_info/"
    assert limit.limit_for(http_scope(path=other, headers=key)) == 1024 * 1024


@pytest.mark.asyncio
async def test_websockets_pass_the_body_limit_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    await BodyLimit(app, routes=ROUTES, default=1)(
        {"type": "websocket", "path": "/ws/"}, None, None
    )
    assert seen == ["websocket"]


# --- the access log ----------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_the_access_log_has_the_path_but_never_the_query_string(caplog):
    # given a request whose query string carries an ID number, a mobile and a name
    app = Recorder()
    scope = http_scope(path="/investor/login/", method="GET")
    scope["query_string"] = "id_number=110101198503120017&mobile=13812345678&name=李明".encode()
    # when
    with caplog.at_level(logging.INFO, logger="onboarding.access"):
        await run(AccessLog(app), scope)
    # then
    (line,) = [r.getMessage() for r in caplog.records if r.name == "onboarding.access"]
    assert line.startswith("GET /investor/login/ 200 ")
    for secret in ("110101198503120017", "13812345678", "李明", "id_number", "?"):
        assert secret not in line


@pytest.mark.asyncio
async def test_under_api_a_body_over_the_limit_is_refused_in_the_apis_error_shape():
    # given a 60 MB body announced to an API route
    app = Recorder()
    scope = http_scope(path="/api/v1/anything/", headers=[("Content-Length", str(60 << 20))])
    # when
    sent, _asked = await run(limited(app), scope)
    # then
    assert status_of(sent) == 413
    assert dict(sent[0]["headers"])[b"content-type"] == b"application/json"
    body = json.loads(sent[1]["body"])
    assert body["code"] == "payload_too_large"
    assert body["fields"] == {}
    assert body["details"] == {"max_bytes": 100}
    assert not app.called


@pytest.mark.asyncio
async def test_under_api_a_streamed_body_cut_off_is_json_too():
    app = Recorder()
    sent, _asked = await run(
        limited(app), http_scope(path="/api/v1/anything/"), chunks=[b"x" * 60] * 10
    )
    assert status_of(sent) == 413
    assert json.loads(sent[-1]["body"])["code"] == "payload_too_large"


@pytest.mark.asyncio
async def test_under_api_a_malformed_content_length_is_json():
    app = Recorder()
    scope = http_scope(path="/api/v1/anything/", headers=[("Content-Length", "abc")])
    sent, _ = await run(limited(app), scope)
    assert status_of(sent) == 400
    assert json.loads(sent[1]["body"])["code"] == "invalid"
