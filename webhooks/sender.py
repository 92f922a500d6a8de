"""One HTTP POST of a webhook, to the address that was checked (addresses.Target), with a
timeout, no redirects followed, and only a bounded excerpt of the answer read back."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from .addresses import Target

EXCERPT = 500
USER_AGENT = "futures-onboarding-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    duration_ms: int
    error: str  # the kind of failure ("TimeoutError", "ConnectionRefusedError"), or ""
    excerpt: str


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # the certificate is checked against the name, though we connected to the address
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(*, target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST the body; never raises for a network failure (it is the answer's `error`)."""
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target, timeout)
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                **headers,
            },
        )
        response = connection.getresponse()
        excerpt = response.read(EXCERPT * 4).decode("utf-8", errors="replace")[:EXCERPT]
        return Answer(response.status, _since(started), "", excerpt)
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, _since(started), type(error).__name__[:100], "")
    finally:
        connection.close()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
