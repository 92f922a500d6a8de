"""What every API module documents the same way: the error body (rendered by the project's one
exception handler, onboarding.api.exception_handler)."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField()
    extra = serializers.DictField()


def error_responses(*statuses: int) -> dict:
    """Errors are JSON {"message", "code", "extra"} whatever the endpoint returns otherwise."""
    return {(status, "application/json"): ErrorSerializer for status in statuses}
