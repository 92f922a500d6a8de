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


# Found by tests/api/test_schemathesis.py: answers the API gives that the schema did not document.


def test_a_list_documents_the_404_of_a_cursor_it_never_gave(schema):
    listing = schema["paths"]["/api/v1/applications/"]["get"]
    assert "cursor" in {p["name"] for p in listing["parameters"]}
    assert listing["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_deletes_document_the_409_of_the_applications_state(schema):
    leave = schema["paths"]["/api/v1/applications/{acceptance_number}/witness/queue/"]["delete"]
    assert "409" in leave["responses"]


def test_starting_a_business_documents_the_404_of_an_unknown_client(schema):
    start = schema["paths"]["/api/v1/applications/"]["post"]
    content = start["responses"]["404"]["content"]["application/json"]
    assert content["schema"]["$ref"].endswith("/Error")


def test_operations_with_a_body_document_the_415_of_another_content_type(schema):
    abandon = schema["paths"]["/api/v1/applications/{acceptance_number}/abandon/"]["post"]
    assert "415" in abandon["responses"]
    assert "415" not in schema["paths"]["/api/v1/exchanges/"]["get"]["responses"]


def test_step_names_statuses_and_actors_are_enums(schema):
    components = schema["components"]["schemas"]
    steps = components["StepNameEnum"]["enum"]
    assert {"photos", "exchanges", "witness", "sign", "revisit"} <= set(steps)
    assert components["StepStatusEnum"]["enum"] == ["completed", "current", "todo"]
    assert "agent" in components["CompletedByEnum"]["enum"]
    brief = components["ApplicationBrief"]["properties"]["current_step"]
    assert {"$ref": "#/components/schemas/StepNameEnum"} in brief["oneOf"]
    assert components["WitnessRecord"]["properties"]["outcome"]


def test_the_witness_agent_endpoints_document_their_errors_with_examples(schema):
    take = schema["paths"]["/api/v1/witness/agent/take-next/"]["post"]
    conflict = take["responses"]["409"]["content"]["application/json"]
    assert conflict["schema"]["$ref"].endswith("/Error")
    assert {e["value"]["code"] for e in conflict["examples"].values()} == {
        "queue_empty",
        "session_open",
    }
    passed = schema["paths"]["/api/v1/witness/sessions/{session_id}/pass/"]["post"]
    refused = passed["responses"]["400"]["content"]["application/json"]["examples"]
    assert next(iter(refused.values()))["value"]["details"]["missing"]
