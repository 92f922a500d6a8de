import pytest

from common.exceptions import BusinessError
from flows.models import Application, ApplicationState
from flows.services import acceptance_number_next, application_start
from tests.factories import BranchFactory, ClientFactory, published_flow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def flow():
    return published_flow()


def test_acceptance_numbers_are_16_digits_prefix_branch_serial():
    first = acceptance_number_next(business_type="add_trading_code", branch_code="0002")
    second = acceptance_number_next(business_type="add_trading_code", branch_code="0002")
    assert first == "1300020000000001"
    assert second == "1300020000000002"
    assert (
        acceptance_number_next(business_type="add_trading_code", branch_code="0001")
        == "1300010000000001"
    )


def test_a_client_with_a_pending_business_cannot_start_another():
    client = ClientFactory(branch=BranchFactory(code="0003"))
    application = application_start(client=client)
    assert application.state == ApplicationState.IN_PROGRESS
    with pytest.raises(BusinessError) as refused:
        application_start(client=client)
    assert refused.value.code == "pending_business_exists"
    assert Application.objects.count() == 1


def test_a_finished_business_does_not_block_a_new_one():
    client = ClientFactory()
    Application.objects.filter(pk=application_start(client=client).pk).update(
        state=ApplicationState.APPROVED
    )
    assert application_start(client=client).state == ApplicationState.IN_PROGRESS


def test_the_state_cannot_be_assigned_directly():
    application = application_start(client=ClientFactory())
    with pytest.raises(AttributeError):
        application.state = ApplicationState.APPROVED


def test_an_application_pins_the_flow_revision_it_started_with(flow):
    # given an application started on the one-step flow
    application = application_start(client=ClientFactory())
    # when the administrator publishes a longer flow
    published_flow([("photos", {"security_letter": None}), ("exchanges", {})])
    # then the started application keeps its steps, a new one gets the new ones
    application = Application.objects.get(pk=application.pk)  # (protected FSM: no refresh)
    assert application.flow.step_names() == ["exchanges"]
    assert application_start(client=ClientFactory()).flow.step_names() == ["photos", "exchanges"]


def test_a_business_without_a_live_flow_cannot_start(flow):
    from flows.models import FlowDefinition

    FlowDefinition.objects.update(live=False)
    with pytest.raises(BusinessError) as refused:
        application_start(client=ClientFactory())
    assert refused.value.code == "business_not_available"


def test_an_application_keeps_the_document_versions_it_started_with():
    from content.importing import blocks_from_html
    from content.models import Document
    from flows.selectors import application_document
    from tests.factories import published_document

    # given an agreement, and an application started while it said "旧条款"
    agreement = published_document(html="<p>旧条款</p>")
    started = application_start(client=ClientFactory())
    # when a new version is approved and published
    agreement.body = blocks_from_html("<p>新条款</p>")
    agreement.save_revision().publish()
    agreement = Document.objects.get(pk=agreement.pk)
    # then the started application still shows the old text; a new one shows the new text
    assert "旧条款" in application_document(application=started, document=agreement).html
    newer = application_start(client=ClientFactory())
    assert "新条款" in application_document(application=newer, document=agreement).html
