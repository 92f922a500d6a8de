"""Flow definitions in the Wagtail admin: submitting a broken order for approval is refused with
the reason; a valid reorder goes live once a compliance officer approves it; a broken draft is
shown with the reason and one action back to the live version."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from flows.models import FlowDefinition
from staff.roles import Role
from tests.factories import (
    published_document,
    published_flow,
    published_questionnaire,
    staff_user,
)

pytestmark = pytest.mark.django_db


def listblock(values):
    """ListBlock form data (wagtail.test.utils has no helper for it)."""
    data = {
        str(i): {"value": value, "deleted": "", "order": str(i)} for i, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def post_steps(admin_client, definition, steps, action="action-submit"):
    url = reverse("wagtailsnippets_flows_flowdefinition:edit", args=[definition.pk])
    data = nested_form_data(
        {
            "business_type": definition.business_type,
            "name": definition.name,
            "steps": streamfield(steps),
        }
    )
    data[action] = "1"
    return admin_client.post(url, data)


def test_submitting_signing_before_the_certificate_is_refused_with_the_reason(admin_client):
    definition = published_flow([("exchanges", {})])
    letter = published_document("security_letter")
    contract = published_document("contract")
    script = published_questionnaire("witness_script")
    response = post_steps(
        admin_client,
        definition,
        [
            ("photos", {"security_letter": letter.pk}),
            ("witness", {"script": script.pk}),
            ("sign", {"documents": listblock([contract.pk])}),
            ("certificate", {}),
        ],
    )
    assert response.status_code == 200  # the form again, with the reason on the steps field
    errors = response.context["form"].errors.as_data()["steps"][0].messages
    assert errors == ["“签署协议”必须在“安装数字证书”之后。"]
    assert "\\u201c\\u7b7e\\u7f72\\u534f\\u8bae" in response.content.decode()  # in the page
    assert FlowDefinition.objects.get().step_names() == ["exchanges"]


def test_a_valid_reorder_goes_live_when_compliance_approves_it(admin_client):
    # given a valid reorder submitted by the administrator
    letter = published_document("security_letter")
    definition = published_flow([("exchanges", {}), ("photos", {"security_letter": letter})])
    response = post_steps(
        admin_client,
        definition,
        [
            ("photos", {"security_letter": letter.pk}),
            ("exchanges", {}),
        ],
    )
    assert response.status_code == 302
    assert FlowDefinition.objects.get().step_names() == ["exchanges", "photos"]  # not yet
    # when a compliance officer approves it
    officer = staff_user("officer", Role.COMPLIANCE)
    definition = FlowDefinition.objects.get()
    task_state = definition.current_workflow_task_state
    task_state.task.specific.on_action(task_state, officer, "approve")
    # then it is live
    assert FlowDefinition.objects.get().step_names() == ["photos", "exchanges"]


def test_a_broken_draft_may_be_saved_but_not_published(admin_client):
    definition = published_flow([("exchanges", {})])
    revisit = published_questionnaire("revisit")
    response = post_steps(
        admin_client,
        definition,
        [("revisit", {"questionnaire": revisit.pk}), ("exchanges", {})],
        action="action-save",
    )
    assert response.status_code == 302
    live = FlowDefinition.objects.get()
    assert live.step_names() == ["exchanges"]  # the live row is untouched by a draft
    assert live.has_unpublished_changes


def test_a_broken_draft_is_shown_with_the_reason_and_can_be_discarded(admin_client):
    # given a broken order kept as the draft (autosave, or a draft saved mid-reorder)
    definition = published_flow([("exchanges", {})])
    revisit = published_questionnaire("revisit")
    post_steps(
        admin_client,
        definition,
        [("revisit", {"questionnaire": revisit.pk}), ("exchanges", {})],
        action="action-save",
    )
    # when the administrator reopens it
    edit = reverse("wagtailsnippets_flows_flowdefinition:edit", args=[definition.pk])
    page = admin_client.get(edit).content.decode()
    # then a banner says it cannot go live, why, and offers one way back
    assert "无法提交发布" in page and "在线回访" in page
    discard = reverse("content_discard_draft", args=["flows", "flowdefinition", definition.pk])
    assert discard in page
    admin_client.post(discard)
    definition = FlowDefinition.objects.get()
    assert not definition.has_unpublished_changes
    assert definition.get_latest_revision_as_object().step_names() == ["exchanges"]
    assert "无法提交发布" not in admin_client.get(edit).content.decode()
