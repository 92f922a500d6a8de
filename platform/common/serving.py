"""The one way this project runs its ASGI server (uvicorn), for the demo, the browser tests and
the load tests; the Dockerfile and docker-compose.yml spell out the same options.

- `--no-proxy-headers`: the edge (edge.py) decides the client's address from TRUSTED_PROXIES;
  uvicorn's own handling would believe X-Forwarded-For from any loopback peer.
- `--no-access-log`: the edge writes the access log, without query strings.
- `--ws-max-size`: websocket messages are signalling and queue events, a few KB.
"""

from __future__ import annotations

import sys

ASGI_APP = "onboarding.asgi:application"
OPTIONS = [
    "--no-proxy-headers",
    "--no-access-log",
    "--no-server-header",
    "--lifespan",
    "off",
    "--timeout-keep-alive",
    "5",
    "--ws-max-size",
    str(1024 * 1024),
]


def uvicorn_command(host: str, port: int, python: str = sys.executable) -> list[str]:
    return [python, "-m", "uvicorn", ASGI_APP, "--host", host, "--port", str(port), *OPTIONS]
