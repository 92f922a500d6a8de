"""A local fake of a template-based SMS provider (the Alibaba Cloud SendSms style): it checks
each request's signature with the shared secret, records what it received, and answers as told
(OK, a refusal code, an HTTP error, or too slowly)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from sms.backends import rpc_signature

SECRET = "fake-provider-secret"  # noqa: S105 (a test's shared secret)


class FakeProvider:
    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.answers: list[str] = []  # consumed one per request: "ok", "refuse", "500", "slow"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                params = dict(parse_qsl(body))
                provider.received.append(params)
                signature = params.pop("Signature", "")
                answer = provider.answers.pop(0) if provider.answers else "ok"
                if signature != rpc_signature(params, SECRET):
                    self._json(200, {"Code": "SignatureDoesNotMatch"})
                elif answer == "slow":
                    time.sleep(1.0)
                    self._json(200, {"Code": "OK", "BizId": "late"})
                elif answer == "500":
                    self._json(500, {"Code": "ServiceUnavailable"})
                elif answer == "refuse":
                    self._json(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL"})
                else:
                    self._json(200, {"Code": "OK", "BizId": f"biz-{len(provider.received)}"})

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

        return Handler

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
