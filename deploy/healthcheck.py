"""Health check of the web container: GET /healthz on the local ASGI server, exit 0 on HTTP 200.

The Dockerfile's HEALTHCHECK and docker-compose.yml run it. /healthz answers 200 when the database,
Redis and the broker answer. The request carries what the load balancer's would: a Host header
that ALLOWED_HOSTS accepts (Django refuses any other with 400) and X-Forwarded-Proto: https (so
that SECURE_SSL_REDIRECT does not answer 301). Standard library only, so that it starts fast.

Environment: PORT (8000), ALLOWED_HOSTS, HEALTHCHECK_PATH (/healthz), HEALTHCHECK_TIMEOUT (5 s).
"""

from __future__ import annotations

import http.client
import os
import sys


def probe_host(allowed_hosts: str) -> str:
    """A host name that Django's ALLOWED_HOSTS check accepts, from the variable's value."""
    for entry in allowed_hosts.split(","):
        host = entry.strip()
        if not host:
            continue
        if host == "*":
            return "localhost"
        # ".example.com" allows example.com and every subdomain of it.
        return host[1:] if host.startswith(".") else host
    return "localhost"


def main() -> int:
    port = int(os.environ.get("PORT") or 8000)
    path = os.environ.get("HEALTHCHECK_PATH") or "/healthz"
    timeout = float(os.environ.get("HEALTHCHECK_TIMEOUT") or 5)
    host = probe_host(os.environ.get("ALLOWED_HOSTS", ""))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            "GET",
            path,
            headers={
                "Host": host,
                "X-Forwarded-Proto": "https",
                "User-Agent": "onboarding-healthcheck",
            },
        )
        response = connection.getresponse()
        body = response.read(300)
    except OSError as error:
        print(f"unhealthy: GET {path} on port {port}: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if response.status != 200:
        print(f"unhealthy: GET {path} answered {response.status}: {body!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
