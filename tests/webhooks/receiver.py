"""A real webhook receiver on 127.0.0.1 (http.server in a thread): it checks every request's
signature as an integrator would, and answers what the test scripts (500 the first times, then
200, or a slow answer)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from webhooks.signature import signature_verify


@dataclass
class Heard:
    headers: dict[str, str]
    body: bytes
    verified: bool


@dataclass
class Receiver:
    secret: str = ""
    answers: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    heard: list[Heard] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks?source=onboarding"

    def answer(self) -> int:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                verified = signature_verify(
                    secret=receiver.secret,
                    header=self.headers.get("X-Webhook-Signature", ""),
                    body=body,
                )
                receiver.heard.append(Heard(dict(self.headers.items()), body, verified))
                time.sleep(receiver.delay)
                status = receiver.answer() if verified else 400
                text = b"ok" if status < 300 else b"receiver says no " * 100
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
