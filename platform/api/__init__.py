"""The REST API's plumbing, shared by every app that serves endpoints under /api/v1/: the one
error shape, the base views (authentication, scopes, throttles, idempotent POSTs, ETags, cursor
pagination), integrator-key scopes and investor tokens. A base app: it imports no capability and
not the `onboarding` wiring; capabilities build their endpoints on `api.base`."""
