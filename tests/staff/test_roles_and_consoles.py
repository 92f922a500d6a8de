import pytest
from django.contrib.auth.models import Group

from staff.consoles import registered_permissions
from staff.roles import GROUP_NAMES, PERMISSIONS, Role
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db


def test_every_role_has_a_group_with_exactly_its_permissions():
    # the base apps' permissions, and those the capabilities registered (consoles, models)
    for role, codes in PERMISSIONS.items():
        group = Group.objects.get(name=GROUP_NAMES[role])
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == {*codes, *registered_permissions(role)}


def test_the_consoles_roles_are_held_through_the_permission_their_app_registers():
    assert registered_permissions(Role.WITNESS_AGENT) == ["video.use_witness_console"]
    assert registered_permissions(Role.REVIEWER) == ["flows.use_review_console"]
    assert "flows.change_flowdefinition" in registered_permissions(Role.ADMINISTRATOR)
    assert "flows.publish_flowdefinition" not in registered_permissions(Role.ADMINISTRATOR)


@pytest.mark.parametrize("path", ["/console/witness/", "/console/review/", "/staff/"])
def test_anonymous_staff_pages_redirect_to_the_staff_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.WITNESS_AGENT, "/console/witness/", 200),
        (Role.WITNESS_AGENT, "/console/review/", 403),
        (Role.REVIEWER, "/console/review/", 200),
        (Role.REVIEWER, "/console/witness/", 403),
        (Role.INTEGRATOR, "/console/witness/", 403),
        (Role.INTEGRATOR, "/console/review/", 403),
        (None, "/console/review/", 403),
    ],
)
def test_consoles_refuse_anyone_without_the_role(client, role, path, status):
    client.force_login(staff_user("someone", role, BranchFactory()))
    response = client.get(path)
    assert response.status_code == status
    if status == 403:
        assert "无权访问" in response.content.decode()


def test_the_witness_console_shows_the_agents_own_branch(client):
    client.force_login(staff_user("agent", Role.WITNESS_AGENT, BranchFactory(name="杭州营业部")))
    assert "杭州营业部" in client.get("/console/witness/").content.decode()


def test_an_agent_without_a_branch_is_told_to_ask_for_one(client):
    client.force_login(staff_user("agent", Role.WITNESS_AGENT))
    assert "尚未分配营业部" in client.get("/console/witness/").content.decode()


def test_staff_log_in_with_a_password_and_see_their_consoles(client):
    staff_user("reviewer", Role.REVIEWER)
    response = client.post(
        "/staff/login/", {"username": "reviewer", "password": "x-test-password"}, follow=True
    )
    page = response.content.decode()
    assert "复核台" in page
    assert "见证坐席台" not in page


def test_a_wrong_staff_password_is_refused_on_the_login_page(client):
    staff_user("reviewer", Role.REVIEWER)
    response = client.post("/staff/login/", {"username": "reviewer", "password": "wrong"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_administrators_reach_the_wagtail_admin(client):
    client.force_login(staff_user("admin", Role.ADMINISTRATOR))
    assert client.get("/cms/").status_code == 200


def test_other_roles_cannot_enter_the_wagtail_admin(client):
    client.force_login(staff_user("agent", Role.WITNESS_AGENT, BranchFactory()))
    assert client.get("/cms/").status_code in (302, 403)


def test_each_role_is_held_by_its_own_people_only():
    """Compliance officers enter the CMS too (to approve); that does not make them
    administrators (the event deliveries, the staff accounts, the flow definitions' editing)."""
    from staff.selectors import user_roles

    for role in Role:
        assert user_roles(staff_user(f"only-{role}", role)) == [role]


def test_a_compliance_officer_cannot_read_the_event_deliveries(client):
    client.force_login(staff_user("officer", Role.COMPLIANCE))
    assert client.post("/cms/flows/deliveries/1/retry/").status_code in (302, 403)  # not 404
    client.force_login(staff_user("admin", Role.ADMINISTRATOR))
    assert client.post("/cms/flows/deliveries/1/retry/").status_code == 404
