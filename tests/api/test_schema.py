"""The schema documents the conventions once: the Error component on every error response, the
Idempotency-Key header on POSTs, If-None-Match and 304 on GETs, both auth schemes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_error_shape_is_one_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "fields"}
    assert schema["openapi"].startswith("3.1")


def test_every_operation_documents_its_errors_with_the_component(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "429"):
                content = operation["responses"][status]["content"]["application/json"]
                ref = content["schema"].get("$ref", "")
                assert ref.endswith("/Error"), (method, path, status)


def test_posts_take_an_idempotency_key_and_gets_an_if_none_match(schema):
    login = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in login["parameters"]}
    assert {"409", "413", "422"} <= set(login["responses"])
    exchanges = schema["paths"]["/api/v1/exchanges/"]["get"]
    assert "If-None-Match" in {p["name"] for p in exchanges["parameters"]}
    assert "304" in exchanges["responses"]


def test_both_credentials_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["IntegratorKey"]["in"] == "header"
    assert schemes["InvestorToken"]["scheme"] == "bearer"
