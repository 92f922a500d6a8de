"""The access matrix, as a test: every URL pattern the project serves (found by walking the URL
resolver, so a route added later is in it without editing this file) is requested by every kind
of caller, with the ids of another investor's business, photo and signed document and of another
branch's client; every websocket route likewise. A view without its check fails here.

What must hold:
- nobody is ever answered with a 500;
- a caller who may not use a route is refused (a redirect to a login, 401, 403, 404, 405, 409),
  never served, and no response to them carries the other investor's name, ID number or mobile;
- each route belongs to a zone below (public, investor, staff by role, CMS, API): a new prefix
  must be placed in one, consciously, or this test fails naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver

from api.tokens import investor_token_issue
from audit.models import AuditEvent
from clients.auth import SESSION_KEY
from flows.engine import flow_steps
from photos.models import IdPhoto
from privacy import crypto
from staff.roles import Role
from tests.factories import BranchFactory, ClientFactory, staff_user
from tests.signing.records import signed_record

pytestmark = pytest.mark.django_db

VICTIM = {"name": "受害人甲", "id_number": "11010519491231002X", "mobile": "13912345678"}


# --- the routes ----------------------------------------------------------------------------------
def routes() -> list[tuple[str, str]]:
    """(template, name) of every URL pattern, e.g. ("business/<str:acceptance_number>/", …)."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name or ""

    return sorted(set(walk(get_resolver().url_patterns, "")))


# Zones, first match wins. `who`: the roles that may use it ("investor": the owner of the ids in
# the URL; "staff": any signed-in staff member; "public": anyone).
ZONES: list[tuple[str, str, set[str]]] = [
    (r"^healthz$", "health", {"public"}),
    (r"^i18n/", "language switch", {"public"}),
    (r"^captcha/", "graphic captcha", {"public"}),
    (r"^investor/(login|sms-code|logout)/$", "investor login", {"public"}),
    (r"^staff/(login|logout)/$", "staff login", {"public"}),
    (r"^signing/(crl|ca|tsa|verify)", "company CA, TSA, verification", {"public"}),
    (r"^api/(schema|docs|redoc)/$", "API documentation", {"public"}),
    (r"^documents/", "CMS documents (public files of public pages)", {"public"}),
    (r"^_util/", "CMS page privacy", {"public"}),
    (r"^\^\(\(\?", "CMS pages (landing, education, help)", {"public"}),
    (r"^dev/sms/$", "demo SMS outbox (DEMO_TOOLS only)", {"debug"}),
    (r"^business/", "the investor's business", {"investor"}),
    (r"^investor/photos/", "the investor's photos", {"investor"}),
    (r"^staff/otp/accounts/", "second-factor recovery", {Role.ADMINISTRATOR}),
    (r"^staff/(otp/)?$", "staff home, second factor", {"staff"}),
    (r"^console/review/<str:acceptance_number>/signed/", "signed documents (staff)", {"readers"}),
    (r"^console/review/", "review console", {Role.REVIEWER}),
    (
        r"^console/witness/session/<int:pk>/(recording|snapshot/<int:snapshot_id>)/$",
        "witness recording and stills (the call's agent, reviewers)",
        {Role.WITNESS_AGENT, Role.REVIEWER},
    ),
    (r"^console/witness/", "witness console", {Role.WITNESS_AGENT}),
    (r"^cms/login/$", "CMS login (leads to the staff login)", {"public"}),
    (r"^cms/(jsi18n|sprite)/$", "CMS script translations and icons", {"public"}),
    (r"^cms/", "Wagtail admin", {Role.ADMINISTRATOR, Role.COMPLIANCE}),
    (r"^api/v1/applications/<str:acceptance_number>/review/", "review (API)", {Role.REVIEWER}),
    (
        r"^api/v1/applications/<str:acceptance_number>/signed-documents/",
        "signed documents (API)",
        {Role.INTEGRATOR},
    ),
    # what each role's actor may see and do is the services' (tests/flows/test_api.py walks
    # an agent of another branch and the wrong actor through them)
    (
        r"^api/v1/(applications|business-types)/",
        "applications (API)",
        {Role.INTEGRATOR, Role.REVIEWER, Role.WITNESS_AGENT},
    ),
    # the witness agent's console through the API: their own branch's queue, their own calls
    # (another branch's agent finds an empty queue and no call: tests/video/test_agent_api.py)
    (r"^api/v1/witness/(agent|sessions)/", "witness agent (API)", {Role.WITNESS_AGENT}),
    # an integrator's own webhook subscriptions (another's are not found: tests/webhooks)
    (r"^api/v1/webhooks/", "integrator webhooks", {Role.INTEGRATOR}),
    (r"^api/v1/", "integrator API", {Role.INTEGRATOR}),
]


def zone_of(template: str) -> tuple[str, set[str]] | None:
    for pattern, label, who in ZONES:
        if re.search(pattern, template):
            return label, who
    return None


def test_every_route_is_in_a_zone_of_the_matrix():
    unplaced = [t for t, _name in routes() if zone_of(t) is None]
    assert not unplaced, f"place these routes in ZONES (who may use them?): {unplaced}"


def test_the_walk_finds_the_routes_of_every_capability():
    found = {t for t, _n in routes()}
    for expected in ("business/", "console/review/", "api/v1/", "signing/verify/", "cms/"):
        assert any(t.startswith(expected) for t in found), expected


# --- the world: a victim, an attacker, staff of two branches ---------------------------------
@dataclass
class World:
    victim_application: object
    values: dict[str, list[str]]
    actors: dict[str, Browser]


@pytest.fixture
def world(db, application, documents, certificate) -> World:
    branch, other_branch = application.client.branch, BranchFactory(name="另一营业部")
    victim = application.client
    for key, value in VICTIM.items():
        setattr(victim, key, value)
    victim.save()
    signed = signed_record(application=application, document=documents[0], certificate=certificate)
    photo = IdPhoto(client=victim, side="front", content_hash="0" * 64)
    photo.image.save("image", ContentFile(crypto.encrypt(b"the victim's ID card")), save=False)
    photo.original.save("original", ContentFile(crypto.encrypt(b"original")), save=False)
    photo.save()
    from flows.services import application_start

    attacker = ClientFactory(branch=other_branch, name="攻击者乙")
    application_start(client=attacker)
    steps = [s.name for s in flow_steps(application)]
    values = {
        "acceptance_number": [application.acceptance_number],
        "step": [*steps, "no-such-step"],
        "action": ["opened", "end", "remove_report", "x"],
        "pk": [str(signed.pk), str(photo.pk)],
        "document_id": [str(d.pk) for d in documents],
        "user_id": [],
        "role": ["issuing", "root"],
    }
    actors: dict[str, Browser] = {"anonymous": Browser()}
    investor = Browser()
    session = investor.session
    session[SESSION_KEY] = attacker.pk
    session.save()
    actors["investor (another one)"] = investor
    # the same investor through the API: a mobile app holding their investor token
    token = investor_token_issue(client=attacker, issuer=None).token
    actors["investor token (another one)"] = Browser(HTTP_AUTHORIZATION=f"Bearer {token}")
    accounts = {
        "staff without a role": (None, branch),
        "reviewer": (Role.REVIEWER, None),
        "administrator": (Role.ADMINISTRATOR, None),
        "compliance": (Role.COMPLIANCE, None),
        "integrator": (Role.INTEGRATOR, None),
        "agent (same branch)": (Role.WITNESS_AGENT, branch),
        "agent (another branch)": (Role.WITNESS_AGENT, other_branch),
    }
    for label, (role, at) in accounts.items():
        browser = Browser()
        user = staff_user(re.sub(r"\W", "_", label), role, at)
        browser.force_login(user)
        actors[label] = browser
        values["user_id"].append(str(user.pk))
    return World(application, values, actors)


def webhook_of_another_integrator(application):
    """A subscription (and a delivery of the victim's event) of an integrator not in the walk."""
    from flows.events import _message, event_record
    from webhooks.deliveries import webhooks_fan_out
    from webhooks.models import WebhookSubscription

    owner = staff_user("another_integrator", Role.INTEGRATOR)
    subscription = WebhookSubscription.objects.create(
        owner=owner,
        url="https://hooks.example.com/in",
        events=["application.submitted"],
        secret="whsec_not_the_callers",
    )
    event = event_record(name="application.submitted", application=application)
    webhooks_fan_out(_message(event))
    return subscription, subscription.deliveries.get()


def urls_for(template: str, values: dict[str, list[str]]) -> list[str]:
    """Concrete URLs of a route template, with the victim's ids (several when a part may name
    several kinds of object)."""
    # regex routes (the CMS, the captcha): every group gets a plain value
    template = re.sub(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)", "1", template)
    template = re.sub(r"\((?!\?)[^()]*\)\*?", "1", template)
    template = template.replace("^", "").replace("$", "").replace("\\", "")
    urls = [template]
    for token in re.findall(r"<(?:\w+:)?(\w+)>", template):
        options = values.get(token) or ["1"]
        urls = [u.replace(re.search(rf"<(?:\w+:)?{token}>", u).group(), v, 1) for u in urls
                for v in options]  # fmt: skip
    return ["/" + url for url in urls]


def takes_ids(template: str) -> bool:
    return bool(re.search(r"<(?:\w+:)?\w+>|\(\?P<", template))


PUBLISHED_CONTENT = re.compile(r"^api/v1/(documents|questionnaires)/<int:pk>/$")


def allowed(actor: str, who: set[str], template: str) -> bool:
    if "public" in who:
        return True
    if actor == "investor token (another one)":
        # an investor token reaches the API only, and there only what is their own (no ids),
        # or what is published for everyone (live documents and questionnaires, by id)
        return template.startswith("api/v1/") and (
            not takes_ids(template) or bool(PUBLISHED_CONTENT.match(template))
        )
    if "investor" in who:
        # the investor here owns no id in a URL; a page without ids is their own
        return actor == "investor (another one)" and not takes_ids(template)
    if "debug" in who:
        return False
    if actor in ("anonymous", "investor (another one)"):
        return False
    if "staff" in who:
        return True
    if "readers" in who:
        return actor in ("reviewer", "administrator", "compliance", "agent (same branch)")
    role_of = {
        "reviewer": Role.REVIEWER,
        "administrator": Role.ADMINISTRATOR,
        "compliance": Role.COMPLIANCE,
        "integrator": Role.INTEGRATOR,
        "agent (same branch)": Role.WITNESS_AGENT,
        "agent (another branch)": Role.WITNESS_AGENT,
    }
    return role_of.get(actor) in who


REFUSED = {301, 302, 303, 401, 403, 404, 405, 409}
LOGINS = ("/staff/login/", "/investor/login/", "/cms/login/", "/staff/otp/", "/business/")


def refused(response) -> bool:
    if response.status_code in (301, 302, 303):
        # a redirect must not land the caller on the thing itself
        return response["Location"].startswith(LOGINS) or "/business/" in response["Location"]
    return response.status_code in REFUSED


def leaks(response) -> list[str]:
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    return [label for label, value in VICTIM.items() if value in text]


def test_no_route_serves_a_caller_who_may_not_use_it(world, settings):
    settings.STAFF_OTP_REQUIRED = False  # the staff here passed it (tested on its own)
    problems = []
    for template, _name in routes():
        if template.endswith("logout/"):
            continue  # it would end the caller's session for the rest of the walk
        label, who = zone_of(template)
        methods = ["get"] if template.startswith(("cms/", "^")) else ["get", "post"]
        for url in urls_for(template, world.values):
            for actor, browser in world.actors.items():
                for method in methods:
                    if template.startswith("cms/") and actor not in (
                        "anonymous",
                        "investor token (another one)",
                        "investor (another one)",
                        "agent (another branch)",
                        "administrator",  # what the CMS shows of clients must be audited
                    ):
                        continue  # Wagtail's own checks: walked for outsiders, not per role
                    if template == "cms/failwhale/" and actor == "administrator":
                        continue  # Wagtail's page that fails on purpose, to test error mail
                    audited = AuditEvent.objects.count()
                    response = getattr(browser, method)(url)
                    where = f"{method.upper()} {url} as {actor} ({label})"
                    may = allowed(actor, who, template)
                    found = leaks(response)
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.status_code}")
                    elif not may and not refused(response):
                        problems.append(f"{where}: served ({response.status_code})")
                    if found and not may:
                        problems.append(f"{where}: shows the victim's {found}")
                    outsiders = (
                        "anonymous",
                        "investor (another one)",
                        "investor token (another one)",
                    )
                    if found and may and actor not in outsiders:
                        # staff shown personal data: the read is on the audit log
                        if AuditEvent.objects.count() == audited:
                            problems.append(f"{where}: shows {found} without an audit entry")
    assert not problems, "\n".join(problems)


CMS_WALKED = ("anonymous", "investor (another one)", "agent (another branch)", "administrator")


def test_webhook_routes_refuse_everyone_but_the_subscriptions_owner(world, settings):
    # the walk above with the ids of another integrator's subscription and delivery (walked
    # here alone, on the webhook routes only: the whole walk with more ids takes too long)
    settings.STAFF_OTP_REQUIRED = False
    subscription, delivery = webhook_of_another_integrator(world.victim_application)
    values = {**world.values, "pk": [str(subscription.pk), str(delivery.pk)]}
    templates = [t for t, _n in routes() if "webhook" in t]
    assert any(t.startswith("api/v1/webhooks/<") for t in templates)
    assert any(t.startswith("cms/webhooks/") for t in templates)
    problems = []
    for template in templates:
        if not takes_ids(template):
            continue
        for url in urls_for(template, values):
            for actor, browser in world.actors.items():
                if template.startswith("cms/") and actor not in CMS_WALKED:
                    continue  # as in the walk above: Wagtail's own checks for the roles
                for method in ("get",) if actor == "administrator" else ("get", "post"):
                    response = getattr(browser, method)(url)
                    where = f"{method.upper()} {url} as {actor}"
                    # nobody here owns the subscription; administrators may replay / rotate
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.status_code}")
                    elif actor != "administrator" and not refused(response):
                        problems.append(f"{where}: served ({response.status_code})")
    subscription.refresh_from_db()
    assert subscription.secret == "whsec_not_the_callers"
    assert not problems, "\n".join(problems)


def test_the_owner_is_served_the_same_routes(world, client):
    # a control: the routes refused above do serve their owner, so the refusals are checks,
    # not broken URLs
    session = client.session
    session[SESSION_KEY] = world.victim_application.client.pk
    session.save()
    number = world.victim_application.acceptance_number
    assert client.get("/business/").status_code == 200
    assert client.get(f"/business/{number}/").status_code == 302
    response = client.get(f"/business/{number}/", follow=True)
    assert response.status_code == 200


# --- websockets ---------------------------------------------------------------------------------
# Who holds each websocket route, given the caller ("anonymous", "investor", a role, "none") and
# the value put in the route's parameter (a role's name, or "nonsense").
WS_ZONES = {
    # compliance officers work in the CMS: they hold the administrator's events too
    "ws/staff/events/<str:role>/": lambda actor, value: (
        actor == value or (actor == "compliance" and value == "administrator")
    ),
    # the agents of a branch (the caller here has one)
    "ws/witness/console/": lambda actor, value: actor == Role.WITNESS_AGENT,
    # the investor of that application, while queued or in the call, and the agent who took
    # the call: nobody here owns an application of that number (tests/video has the owners)
    "ws/witness/queue/<str:acceptance_number>/": lambda actor, value: False,
    "ws/witness/call/<str:acceptance_number>/": lambda actor, value: False,
}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_every_websocket_route_refuses_callers_without_its_role(settings):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from onboarding.asgi import application
    from onboarding.routing import websocket_urlpatterns

    settings.STAFF_OTP_REQUIRED = False

    def sessions() -> dict[str, str]:
        branch = BranchFactory()
        made = {"anonymous": ""}
        investor = Browser()
        session = investor.session
        session[SESSION_KEY] = ClientFactory(branch=branch).pk
        session.save()
        made["investor"] = session.session_key
        for role in [None, *Role]:
            browser = Browser()
            browser.force_login(staff_user(f"ws_{role or 'none'}", role, branch))
            made[str(role or "none")] = browser.cookies["sessionid"].value
        return made

    cookies = await database_sync_to_async(sessions)()
    templates = [str(p.pattern) for p in websocket_urlpatterns]
    assert templates, "no websocket routes found"
    unplaced = [t for t in templates if t not in WS_ZONES]
    assert not unplaced, f"place these websocket routes in WS_ZONES: {unplaced}"
    problems = []
    for template in templates:
        for value in [r.value for r in Role] + ["nonsense"]:
            path = "/" + re.sub(r"<(?:\w+:)?\w+>", value, template)
            for actor, session_key in cookies.items():
                communicator = WebsocketCommunicator(
                    application,
                    path,
                    headers=[
                        (b"cookie", f"sessionid={session_key}".encode()),
                        (b"origin", b"http://localhost"),
                    ],
                )
                connected, _ = await communicator.connect()
                await communicator.disconnect()
                holds = WS_ZONES[template](actor, value)
                if connected and not holds:
                    problems.append(f"{path} accepted {actor}")
                # a route's own role is let in (on a route without a parameter, for any value)
                own = value == actor or "<" not in template
                if holds and own and not connected and value != "witness_agent":
                    problems.append(f"{path} refused its own role {actor}")
    assert not problems, "\n".join(problems)
