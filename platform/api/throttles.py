"""Throttling per caller: each integrator key, each investor (whatever token or app they use),
each staff account and, for anonymous callers, each address has its own count. The rates are
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] entries:

- `api_key`: per integrator key (a server-side integration, many investors behind it);
- `investor`: per investor, over all their tokens (one person driving one app);
- `staff`: per staff account (the consoles' own calls);
- `anon`: per address (the login endpoints, the schema).

A throttled call gets 429 `throttled` with `Retry-After` and `details.retry_after`."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from .principals import PrincipalKind, principal_of

RATE_SCOPES = {
    PrincipalKind.KEY: "api_key",
    PrincipalKind.INVESTOR: "investor",
    PrincipalKind.STAFF: "staff",
    PrincipalKind.ANONYMOUS: "anon",
}


class PrincipalRateThrottle(SimpleRateThrottle):
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:
        # the rate depends on the caller: chosen in allow_request, once the request is known
        pass

    def allow_request(self, request, view) -> bool:
        principal = principal_of(request)
        self.scope = RATE_SCOPES[principal.kind]
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.principal = principal
        return super().allow_request(request, view)

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope or "")

    def get_cache_key(self, request, view) -> str:
        ident = self.principal.ident
        if self.principal.kind == PrincipalKind.ANONYMOUS:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
