"""Calling the API as an integrator's app does: JSON in and out, `Authorization: Api-Key`."""

from __future__ import annotations

import base64
from typing import Any

from django.test import Client as HttpClient

from staff.models import IntegratorKey


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Api:
    def __init__(self, owner, name: str = "app"):
        _key, self.key = IntegratorKey.objects.create_key(name=name, owner=owner)
        self.http = HttpClient()
        self.headers = {"HTTP_AUTHORIZATION": f"Api-Key {self.key}"}

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
