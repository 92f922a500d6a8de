"""What a business produced, from the providers capability apps register, shown on "my business"
and the review console (flows knows no capability: a provider made here stands in)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.auth import SESSION_KEY
from flows import outputs
from flows.models import Application, ApplicationState
from flows.outputs import Output, application_outputs, provider_register
from flows.services import application_start
from staff.roles import Role
from tests.factories import ClientFactory, published_flow, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def providers(monkeypatch):
    """A registry of this test's own."""
    monkeypatch.setattr(outputs, "_providers", {})


@pytest.fixture
def application() -> Application:
    published_flow()
    return application_start(client=ClientFactory())


def recording(application, audience) -> list[Output]:
    return [
        Output(
            title="成果文件",
            url=f"/{audience}/{application.acceptance_number}.pdf",
            details=(("签署后 PDF 哈希", "ab" * 32),),
            warnings=("证书已吊销",),
        )
    ]


def test_outputs_come_from_every_provider_in_registration_order(application):
    # given
    provider_register("first", lambda a, audience: [Output(title="一", url="/1")])
    provider_register("second", lambda a, audience: [Output(title="二", url="/2")])
    # when
    titles = [o.title for o in application_outputs(application=application, audience="staff")]
    # then
    assert titles == ["一", "二"]


def test_the_provider_is_told_the_audience(application):
    provider_register("recording", recording)
    [investor] = application_outputs(application=application, audience="investor")
    [staff] = application_outputs(application=application, audience="staff")
    assert investor.url.startswith("/investor/") and staff.url.startswith("/staff/")


def test_registering_a_name_again_replaces_its_provider(application):
    provider_register("same", lambda a, audience: [Output(title="旧", url="/old")])
    provider_register("same", lambda a, audience: [Output(title="新", url="/new")])
    assert [o.title for o in application_outputs(application=application, audience="staff")] == [
        "新"
    ]


def test_an_unknown_audience_is_a_programming_error(application):
    with pytest.raises(ValueError, match="audience"):
        application_outputs(application=application, audience="public")


def test_my_business_shows_the_outputs_with_their_details_and_warnings(client, application):
    # given
    provider_register("recording", recording)
    session = client.session
    session[SESSION_KEY] = application.client.pk
    session.save()
    # when
    page = client.get(reverse("flows:my_business")).content.decode()
    # then
    assert f'href="/investor/{application.acceptance_number}.pdf"' in page
    assert "成果文件" in page and "ab" * 32 in page and "证书已吊销" in page


def test_my_business_without_outputs_shows_no_list(client, application):
    session = client.session
    session[SESSION_KEY] = application.client.pk
    session.save()
    assert 'class="links outputs"' not in client.get(reverse("flows:my_business")).content.decode()


def test_the_review_console_shows_the_staff_outputs(client, application):
    # given
    provider_register("recording", recording)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED)
    client.force_login(staff_user("reviewer", Role.REVIEWER))
    # when
    page = client.get(reverse("flows:review_console")).content.decode()
    # then
    assert f'href="/staff/{application.acceptance_number}.pdf"' in page
