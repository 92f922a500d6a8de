"""Calling the API as an integrator's app does (`Authorization: Api-Key`, with the scopes the
administrator gave the key) or as an investor's mobile app (`Authorization: Bearer`, a token
issued after the investor's SMS login): JSON in and out."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from django.test import Client as HttpClient

from api.scopes import Scope
from api.tokens import investor_token_issue
from staff.models import IntegratorKey

# what an integrator's app driving applications needs
INTEGRATOR_SCOPES = (Scope.APPLICATIONS_READ, Scope.APPLICATIONS_WRITE, Scope.DOCUMENTS_READ)
# what a reviewer's key needs to read an application and decide it
REVIEWER_SCOPES = (Scope.APPLICATIONS_READ, Scope.REVIEW)
# what a witness agent's key needs to take, tick and pass investors
AGENT_SCOPES = (Scope.WITNESS,)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Api:
    def __init__(
        self, owner=None, name: str = "app", scopes: Iterable[str] = INTEGRATOR_SCOPES, **kwargs
    ):
        self.http = HttpClient()
        if "authorization" in kwargs:
            self.headers = {"HTTP_AUTHORIZATION": kwargs["authorization"]}
            return
        _key, self.key = IntegratorKey.objects.create_key(
            name=name, owner=owner, scopes=sorted(str(scope) for scope in scopes)
        )
        self.headers = {"HTTP_AUTHORIZATION": f"Api-Key {self.key}"}

    @classmethod
    def investor(cls, client) -> Api:
        """The investor's own app, holding the token their SMS login gave it."""
        issued = investor_token_issue(client=client, issuer=None)
        return cls(authorization=f"Bearer {issued.token}")

    def get(self, url: str, **params: Any):
        return self.http.get(f"/api/v1/{url}", params, **self.headers)

    def post(self, url: str, body: Any = None, **kwargs: Any):
        return self.http.post(
            f"/api/v1/{url}", body if body is not None else {}, content_type="application/json",
            **self.headers, **kwargs,
        )  # fmt: skip

    def upload(self, url: str, fields: dict[str, Any]):
        """multipart/form-data, as a phone uploading photos does."""
        return self.http.post(f"/api/v1/{url}", fields, **self.headers)

    def delete(self, url: str, body: Any = None):
        return self.http.delete(
            f"/api/v1/{url}", body or {}, content_type="application/json", **self.headers
        )
