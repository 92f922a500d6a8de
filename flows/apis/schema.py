"""How a step's name appears in the OpenAPI schema: an enum of the registered step kinds.

The kinds register themselves when their apps load (after the serializers may have been
defined), so the enum is read from the registry when the schema is generated, not when the
field is declared (drf-spectacular field extension, imported by flows.apps)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from ..steps import registry


def step_names() -> list[str]:
    """The registered step kinds (ENUM_NAME_OVERRIDES names their enum `StepNameEnum`)."""
    return sorted(registry.names())


class StepNameFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "flows.apis.serializers.StepNameField"

    def map_serializer_field(self, auto_schema, direction) -> dict[str, Any]:
        field = self.target
        names: list[str | None] = list(step_names())
        if getattr(field, "allow_blank", False):
            names.insert(0, "")
        if getattr(field, "allow_null", False):
            names.append(None)  # nullable: the null value must be in the enum too (3.1)
        return {"type": "string", "enum": names}
