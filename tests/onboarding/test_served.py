"""Attacks on the demo as `make demo` serves it (uvicorn, the embedded defaults), from outside:
huge bodies, query strings full of personal data, forged forwarded headers."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.live import demo_env, free_port, served

pytestmark = pytest.mark.integration

SIXTY_MB = 60 * 1024 * 1024


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    with served(demo_env(tmp, free_port()), tmp) as server:
        yield server


def _health_times(url: str, stop: threading.Event, times: list[float]) -> None:
    while not stop.is_set():
        began = time.monotonic()
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
                response.read()
            times.append(time.monotonic() - began)
        except OSError:
            times.append(float("inf"))
        time.sleep(0.05)


def _post_huge(url: str, path: str, *, chunked: bool, headers: str = "") -> tuple[bytes, int]:
    """POST 60 MB (declared, or chunked without a length); the status line of the reply and how
    many bytes the server took before answering."""
    host, port = url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {SIXTY_MB}"
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}"
            f"Content-Type: application/x-www-form-urlencoded\r\n{length}\r\n\r\n".encode()
        )
        chunk = b"a=" + b"x" * 65534
        try:
            while sent < SIXTY_MB:
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection: what it should do
        reply = b""
        try:
            while b"\r\n" not in reply:
                piece = conn.recv(4096)
                if not piece:
                    break
                reply += piece
        except OSError:
            pass
    return reply.split(b"\r\n", 1)[0], sent


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/investor/login/", ""),
        ("/business/1300020000000001/photos/", ""),  # an upload route, without a session
        ("/cms/login/", ""),
        ("/api/v1/signatures/verify/", "Cookie: sessionid=forged\r\n"),
    ],
)
def test_a_60_mb_post_is_refused_early_without_memory_growth(demo_server, path, headers, chunked):
    # given the server, and /healthz polled all along
    before = demo_server.rss_mb()
    stop, times = threading.Event(), []
    poller = threading.Thread(target=_health_times, args=(demo_server.url, stop, times))
    poller.start()
    # when 60 MB are posted, with no login and no CSRF token
    try:
        status, sent = _post_huge(demo_server.url, path, chunked=chunked, headers=headers)
    finally:
        time.sleep(0.5)
        stop.set()
        poller.join()
    # then 413, long before 60 MB went in; the process did not grow; /healthz kept answering
    assert status == b"HTTP/1.1 413 Request Entity Too Large"
    assert sent < 40 * 1024 * 1024
    assert demo_server.rss_mb() - before < 20
    assert times and max(times) < 1.0, times


def test_a_large_upload_within_its_route_limit_is_spooled_not_held_in_memory(demo_server):
    # given an upload route's allowance (64 MB with a session cookie), 60 MB of multipart
    host, port = demo_server.url.removeprefix("http://").split(":")
    before = demo_server.rss_mb()
    boundary = "----attack"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="front"; filename="a.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    peak = before
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(
            f"POST /business/1300020000000001/photos/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: sessionid=forged\r\nContent-Type: multipart/form-data; boundary={boundary}"
            f"\r\nContent-Length: {len(head) + SIXTY_MB + len(tail)}\r\n\r\n".encode()
            + head
        )
        for sent in range(0, SIXTY_MB, 65536):
            conn.sendall(b"\xff" * 65536)
            if sent % (8 * 1024 * 1024) == 0:
                peak = max(peak, demo_server.rss_mb())
        conn.sendall(tail)
        status = conn.recv(4096).split(b"\r\n", 1)[0]
    # then Django refuses it (no CSRF cookie, no login), and the body never sat in memory
    assert status == b"HTTP/1.1 403 Forbidden"
    assert peak - before < 30


def test_no_id_number_mobile_or_name_reaches_the_server_log(demo_server):
    # given requests whose URLs carry a client's ID number, mobile and name
    secrets = ["110101198503120017", "13800000001", "李明", "id_number="]
    query = "?id_number=110101198503120017&mobile=13800000001&name=%E6%9D%8E%E6%98%8E"
    for path in ["/investor/login/", "/healthz", "/business/", "/no-such-page/", "/signing/tsa/"]:
        try:
            urllib.request.urlopen(f"{demo_server.url}{path}{query}", timeout=10).read()
        except urllib.error.HTTPError:
            pass
    # and one with the ID number in the path itself
    try:
        urllib.request.urlopen(f"{demo_server.url}/business/110101198503120017/", timeout=10)
    except urllib.error.HTTPError:
        pass
    time.sleep(0.5)
    # then the requests are logged, without any of it
    log = demo_server.log_text()
    assert "GET /investor/login/ 200" in log
    for secret in secrets:
        assert secret not in log


def test_forged_forwarded_for_does_not_reset_a_per_address_limit(demo_server):
    # given the public timestamp authority, limited per address; each request claims another
    statuses = []
    for n in range(130):
        request = urllib.request.Request(
            f"{demo_server.url}/signing/tsa/",
            data=b"\x30\x00",
            headers={
                "Content-Type": "application/timestamp-query",
                "X-Forwarded-For": f"198.51.100.{n % 250}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    # then the limit holds: the forged addresses were ignored
    assert 429 in statuses
