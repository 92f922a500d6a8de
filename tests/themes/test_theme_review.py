"""What investors see of the company (its name, colours, hotline) goes live like a document: an
administrator's change is a draft until a compliance officer other than its author approves it.
The settings screen, a forged publish and a direct revision publish all end the same way."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import Site

from staff.roles import Role
from tests.content.test_four_eyes import _client, submit, task_state_of, workflow_action_url
from tests.factories import staff_user
from themes.models import Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme():
    return Theme.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def people():
    return {
        "administrator": staff_user("editor", Role.ADMINISTRATOR),
        "officer": staff_user("officer", Role.COMPLIANCE),
    }


def _form(theme, **changes):
    data = {
        "company_name": theme.company_name,
        "logo": "",
        "hotline": theme.hotline,
        "primary_colour": theme.primary_colour,
        "accent_colour": theme.accent_colour,
        "landing_title": theme.landing_title,
        "landing_intro": theme.landing_intro,
        "footer": theme.footer,
    }
    return {**data, **changes}


def _edit_url(theme):
    return reverse(Theme.snippet_viewset.get_url_name("edit"), args=[theme.pk])


def test_the_settings_screen_leads_to_the_reviewed_editor(people, theme):
    client = _client(people["administrator"])
    response = client.get(reverse("wagtailsettings:edit", args=["themes", "theme", theme.site_id]))
    assert response.status_code == 302 and response["Location"] == _edit_url(theme)
    # and a POST to it saves nothing
    client.post(
        reverse("wagtailsettings:edit", args=["themes", "theme", theme.site_id]),
        _form(theme, primary_colour="#123456"),
    )
    assert Theme.objects.get(pk=theme.pk).primary_colour != "#123456"


@pytest.mark.parametrize("action", [{}, {"action-publish": "1"}])
def test_an_administrators_change_is_a_draft_investors_do_not_see(people, theme, action):
    client = _client(people["administrator"])
    page = client.get(_edit_url(theme)).content.decode()
    assert 'name="action-publish"' not in page and "提交" in page
    response = client.post(_edit_url(theme), {**_form(theme, primary_colour="#123456"), **action})
    assert response.status_code == 302
    stored = Theme.objects.get(pk=theme.pk)
    assert stored.primary_colour != "#123456" and stored.has_unpublished_changes
    assert "#123456" not in client.get("/staff/login/").content.decode()
    with pytest.raises(PermissionDenied):
        stored.get_latest_revision().publish(user=people["administrator"])


def test_a_compliance_officer_approves_and_the_site_shows_it_at_once(people, theme, client):
    editor = _client(people["administrator"])
    editor.post(_edit_url(theme), _form(theme, primary_colour="#123456", hotline="400-999-9999"))
    submit(theme, people["administrator"])
    # the author is offered no approval
    task = task_state_of(theme).task.specific
    assert task.get_actions(Theme.objects.get(pk=theme.pk), people["administrator"]) == []
    # another person approves
    response = _client(people["officer"]).post(
        workflow_action_url(theme, "approve", task_state_of(theme)), follow=True
    )
    assert "已批准" in response.content.decode()
    live = Theme.objects.get(pk=theme.pk)
    assert live.primary_colour == "#123456" and not live.has_unpublished_changes
    page = client.get("/staff/login/").content.decode()
    assert "--primary: #123456" in page and "400-999-9999" in page


def test_a_bad_colour_is_refused_with_the_reason(people, theme):
    response = _client(people["administrator"]).post(
        _edit_url(theme), _form(theme, primary_colour="red")
    )
    assert response.status_code == 200
    assert "颜色格式为 #RRGGBB" in response.content.decode()
    assert Theme.objects.get(pk=theme.pk).primary_colour != "red"
