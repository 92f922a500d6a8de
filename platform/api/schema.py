"""How the investor token appears in the OpenAPI schema (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class InvestorTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.InvestorTokenAuthentication"
    name = "InvestorToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "`Bearer <token>`: an investor token from POST /api/v1/auth/token/ "
            "(short-lived; the app acts for that investor only).",
        }
