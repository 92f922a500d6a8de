"""How the integrator key appears in the OpenAPI schema (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class IntegratorKeyScheme(OpenApiAuthenticationExtension):
    target_class = "staff.authentication.IntegratorKeyAuthentication"
    name = "IntegratorKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: the key issued to the integrator's account.",
        }
