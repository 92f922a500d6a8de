"""Request bodies that name a field the endpoint does not know are refused, field by field
(`{"code": "invalid", "fields": {"colour": ["未知字段。"]}}`), instead of being ignored: a
misspelt optional field would otherwise be lost without a word. Mix `StrictFieldsMixin` into
every serializer that reads a request body (nested serializers too: each checks its own level)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request


class StrictFieldsMixin:
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}  # type: ignore[attr-defined]
            unknown = sorted(str(name) for name in data.keys() if name not in known)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("未知字段。")] for name in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


SerializerT = TypeVar("SerializerT", bound=serializers.Serializer)


def checked_body(serializer_class: type[SerializerT], request: Request) -> SerializerT:
    """The request body read by `serializer_class`, valid: a refusal is DRF's ValidationError,
    which the API's one handler answers as a 400 `invalid` with its `fields`."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body
