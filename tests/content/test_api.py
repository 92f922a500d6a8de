"""Content as published, for integrators: live documents (never a draft, never the company's
SMS wording) and live questionnaires with the revision an answer is given against; the
business types with their published flows."""

from __future__ import annotations

import pytest

from staff.roles import Role
from tests.factories import (
    published_document,
    published_flow,
    published_questionnaire,
    staff_user,
)
from tests.flows.api_client import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return Api(staff_user("app", Role.INTEGRATOR))


def test_live_documents_are_listed_with_their_version(api):
    # given
    agreement = published_document("agreement", title="期货交易风险须知", html="<p>条款</p>")
    published_document("sms_template", code="sms-approved", title="短信", html="<p>{code}</p>")
    # when
    listed = api.get("documents/").json()
    read = api.get(f"documents/{agreement.pk}/").json()
    # then
    assert [d["title"] for d in listed] == ["期货交易风险须知"]
    assert read["revision"] == agreement.live_revision_id and "条款" in read["html"]
    assert len(read["sha256"]) == 64


def test_a_document_that_is_not_live_is_not_found(api):
    assert api.get("documents/999999/").status_code == 404


def test_a_questionnaire_is_read_with_its_questions_and_revision(api):
    questionnaire = published_questionnaire("revisit")
    read = api.get(f"questionnaires/{questionnaire.pk}/").json()
    assert read["revision"] == questionnaire.live_revision_id
    assert read["questions"] == [
        {
            "position": 0,
            "text": "是否本人操作账户？",
            "kind": "yes_no",
            "required": True,
            "options": [],
        }
    ]
    assert [q["id"] for q in api.get("questionnaires/", kind="revisit").json()] == [
        questionnaire.pk
    ]
    assert api.get("questionnaires/", kind="suitability").json() == []


def test_business_types_show_their_published_flow(api):
    agreement = published_document("agreement", title="协议甲")
    definition = published_flow([("exchanges", {}), ("agreements", {"documents": [agreement]})])
    [business] = api.get("business-types/").json()
    assert business["available"] is True
    assert business["flow_revision"] == definition.live_revision_id
    assert [s["name"] for s in business["steps"]] == ["exchanges", "agreements"]
    documents = business["steps"][1]["options"]["documents"]
    assert documents == [{"id": agreement.pk, "code": agreement.code, "title": "协议甲"}]
