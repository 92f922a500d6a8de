"""Staff and CMS logins, attacked: guessed passwords (per account, per address), guessed codes,
a password alone, the CMS's own login form, a console websocket opened with a password-only
session; and the second factor's enrolment and recovery by an administrator."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from staff import throttles
from staff.roles import Role
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "x-test-password"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.STAFF_OTP_REQUIRED = True
    cache.clear()
    yield
    cache.clear()


def code_of(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def password_login(http, username: str, password: str = PASSWORD, ip="203.0.113.5", **extra):
    return http.post(
        "/staff/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


# --- passwords ---------------------------------------------------------------------------------


def test_twenty_wrong_passwords_then_the_right_one_is_still_refused(client):
    # given
    staff_user("reviewer", Role.REVIEWER)
    # when
    for _ in range(20):
        password_login(client, "reviewer", "wrong")
    response = password_login(client, "reviewer")
    # then
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_limit_holds_from_any_address(client):
    staff_user("reviewer", Role.REVIEWER)
    for n in range(throttles.PASSWORD_FAILURES_PER_USER):
        password_login(client, "reviewer", "wrong", ip=f"198.51.100.{n}")
    response = password_login(client, "reviewer", ip="198.51.100.200")
    assert "登录失败次数过多" in response.content.decode()


def test_one_address_guessing_many_accounts_is_stopped(client):
    # given an address that tried wrong passwords on many accounts
    for n in range(throttles.PASSWORD_FAILURES_PER_ADDRESS):
        password_login(client, f"user{n}", "wrong")
    staff_user("reviewer", Role.REVIEWER)
    # then even a right password from there is refused, while another address logs in
    assert "登录失败次数过多" in password_login(client, "reviewer").content.decode()
    response = password_login(client, "reviewer", ip="198.51.100.9")
    assert response.status_code == 302


def test_an_administrator_reset_unlocks_the_account(client):
    person = staff_user("reviewer", Role.REVIEWER)
    for _ in range(throttles.PASSWORD_FAILURES_PER_USER):
        password_login(client, "reviewer", "wrong", ip="198.51.100.1")
    throttles.staff_unlock(username="reviewer", user_id=person.pk)
    assert password_login(client, "reviewer", ip="198.51.100.2").status_code == 302


# --- the second factor -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/console/review/", "/staff/", "/cms/", "/signing/verify/?x", "/business/"]
)
def test_a_password_alone_opens_no_staff_page(client, path):
    # given a reviewer who typed only the password
    enrolled(staff_user("reviewer", Role.REVIEWER))
    assert password_login(client, "reviewer").status_code == 302
    # when
    response = client.get(path)
    # then the second factor first
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/otp/?next=")


def test_a_password_alone_opens_no_api_with_the_session(client):
    enrolled(staff_user("integrator", Role.INTEGRATOR))
    password_login(client, "integrator")
    response = client.get("/api/v1/exchanges/")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_the_right_code_opens_the_page_asked_for(client):
    # given
    device = enrolled(staff_user("reviewer", Role.REVIEWER))
    password_login(client, "reviewer")
    # when
    response = client.post(
        "/staff/otp/?next=/console/review/",
        {"token": code_of(device), "next": "/console/review/"},
    )
    # then
    assert (response.status_code, response["Location"]) == (302, "/console/review/")
    assert client.get("/console/review/").status_code == 200


def test_the_next_address_after_the_code_stays_on_this_site(client):
    device = enrolled(staff_user("reviewer", Role.REVIEWER))
    password_login(client, "reviewer")
    response = client.post(
        "/staff/otp/", {"token": code_of(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/"


def test_guessed_codes_are_limited_even_when_one_is_right(client):
    # given a stolen password and guesses at the code
    device = enrolled(staff_user("reviewer", Role.REVIEWER))
    password_login(client, "reviewer")
    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(throttles.CODE_FAILURES_PER_USER):
        device.throttling_failure_count = 0  # django-otp's own backoff aside: ours is tested
        device.throttling_failure_timestamp = None
        device.save()
        assert client.post("/staff/otp/", {"token": wrong}).status_code == 400
    # when the right code comes after the limit
    response = client.post("/staff/otp/", {"token": right})
    # then it is refused too
    assert response.status_code == 400
    assert "错误次数过多" in response.content.decode()
    assert client.get("/console/review/").status_code == 302


def test_a_code_is_accepted_once(client):
    device = enrolled(staff_user("reviewer", Role.REVIEWER))
    password_login(client, "reviewer")
    code = code_of(device)
    client.post("/staff/otp/", {"token": code})
    client.post("/staff/logout/")
    password_login(client, "reviewer")
    assert client.post("/staff/otp/", {"token": code}).status_code == 400


def test_first_login_enrols_an_authenticator_confirmed_by_its_code(client):
    # given a new staff member without a device
    person = staff_user("agent", Role.WITNESS_AGENT, BranchFactory())
    password_login(client, "agent")
    # when the page shows a QR code and a secret
    page = client.get("/staff/otp/").content.decode()
    assert "<svg" in page and "绑定" in page
    device = TOTPDevice.objects.get(user=person)
    assert not device.confirmed
    # and a code from it is typed
    response = client.post("/staff/otp/", {"token": code_of(device)})
    # then the device counts and the console opens
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/console/witness/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.otp_enrolled", object_id=str(person.pk))


def test_an_administrator_resets_a_lost_authenticator(client):
    # given a reviewer with a device, and a verified administrator
    reviewer = staff_user("reviewer", Role.REVIEWER)
    enrolled(reviewer)
    admin = staff_user("admin", Role.ADMINISTRATOR)
    admin_device = enrolled(admin)
    password_login(client, "admin")
    client.post("/staff/otp/", {"token": code_of(admin_device)})
    assert "reviewer" in client.get("/staff/otp/accounts/").content.decode()
    # when
    response = client.post(f"/staff/otp/accounts/{reviewer.pk}/reset/", {"reason": "手机丢失"})
    # then the reviewer enrols again at the next login, and the reset is on the audit log
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    event = AuditEvent.objects.get(action="staff.otp_reset")
    assert (event.actor, event.object_id, event.reason) == (admin, str(reviewer.pk), "手机丢失")


def test_only_administrators_reset_second_factors(client):
    reviewer = staff_user("reviewer", Role.REVIEWER)
    device = enrolled(reviewer)
    victim = staff_user("agent", Role.WITNESS_AGENT, BranchFactory())
    enrolled(victim)
    password_login(client, "reviewer")
    client.post("/staff/otp/", {"token": code_of(device)})
    assert client.get("/staff/otp/accounts/").status_code == 403
    assert client.post(f"/staff/otp/accounts/{victim.pk}/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=victim).exists()


# --- the CMS's own login ----------------------------------------------------------------------


def test_the_cms_login_form_leads_to_the_staff_login(client):
    response = client.get("/cms/login/?next=/cms/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=%2Fcms%2Fpages%2F"


def test_posting_passwords_to_the_cms_login_checks_nothing(client):
    staff_user("admin", Role.ADMINISTRATOR)
    response = client.post("/cms/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_cms_sends_anonymous_visitors_to_the_staff_login(client):
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


# --- websockets ------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_console_websocket_needs_the_second_factor(settings):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.test import Client as Browser

    from onboarding.asgi import application

    settings.STAFF_OTP_REQUIRED = True

    def password_only_session() -> tuple[str, str]:
        device = enrolled(staff_user("reviewer", Role.REVIEWER))
        half, full = Browser(), Browser()
        password_login(half, "reviewer")
        password_login(full, "reviewer")
        full.post("/staff/otp/", {"token": code_of(device)})
        return half.cookies["sessionid"].value, full.cookies["sessionid"].value

    half, full = await database_sync_to_async(password_only_session)()

    async def connect(session: str) -> bool:
        communicator = WebsocketCommunicator(
            application,
            "/ws/staff/events/reviewer/",
            headers=[
                (b"cookie", f"sessionid={session}".encode()),
                (b"origin", b"http://localhost"),
            ],
        )
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert not await connect(half)
    assert await connect(full)


# --- the demo ---------------------------------------------------------------------------------


def test_demo_staff_sign_in_with_the_published_secret(demo, client, capsys):
    # given the demo data, and the code `manage.py demo_totp` prints
    from django.core.management import call_command

    call_command("demo_totp")
    code = capsys.readouterr().out.strip()
    # when an agent signs in with the demo password and that code
    password_login(client, "agent_bj", "demo123456")
    response = client.post("/staff/otp/", {"token": code, "next": "/console/witness/"})
    # then
    assert response["Location"] == "/console/witness/"


def test_demo_totp_refuses_outside_the_demo(settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="demo"):
        call_command("demo_totp")
