"""Every operation of `/api/schema/`, called with data generated from the schema itself
(schemathesis, property-based): no answer is a 5xx, and every answer is one the schema documents
(its status, its content type, its body's schema). Called as an integrator's key with every
scope and as an investor's token, on the demo data with an application of a demo client.

The app runs in this thread (WSGI, inside the test's transaction): nothing leaves the process.
Bounded and seeded, so that CI runs the same cases in a few minutes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from api.scopes import ALL_SCOPES
from api.tokens import investor_token_issue
from clients.models import Client
from flows.actors import Actor
from flows.engine import flow_position
from flows.models import Application, StepRecord
from flows.services.applications import application_start
from staff.models import IntegratorKey
from staff.roles import GROUP_NAMES, Role
from tests.factories import staff_user
from video.services import witness_queue_join, witness_take_next
from video.steps import WITNESS
from webhooks.models import WebhookSubscription

# every operation runs inside one test per credential (~3 minutes each here): above the default
pytestmark = pytest.mark.timeout(900)

CLIENT_NO = "80010010"  # 郑强, a demo client (fixtures/data.py)
OTHER_CLIENT_NO = "80010005"  # 陈静, the same branch: in a witness call with the key's owner
MAX_EXAMPLES = 10

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request) -> None:
    """schemathesis 4.32's `from_fixture` reads and renames `node._nodeid`, which pytest 9.2 no
    longer has (the id is `node._id`): give it one to read; pytest's own id is untouched."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def _app_in_this_transaction() -> Iterator[None]:
    """Django's test client does the same: a request must not close the test's connection (its
    transaction holds the data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(demo, _app_in_this_transaction) -> dict[str, object]:
    client = Client.objects.get(client_no=CLIENT_NO)
    # an integrator who is also a witness agent of the client's branch: the agent's endpoints
    # (scope witness) run too, beyond their 403
    integrator = staff_user("schemathesis", Role.INTEGRATOR, client.branch)
    integrator.groups.add(Group.objects.get(name=GROUP_NAMES[Role.WITNESS_AGENT]))
    application = application_start(client=client)
    _record, key = IntegratorKey.objects.create_key(
        name="schemathesis", owner=integrator, scopes=sorted(ALL_SCOPES)
    )
    subscription = WebhookSubscription.objects.create(
        owner=integrator,
        url="https://203.0.113.10/hooks",
        events=["application.submitted"],
        secret="s" * 43,
    )
    return {
        "key": key,
        "token": investor_token_issue(client=client, issuer=None).token,
        "parameters": {
            "acceptance_number": application.acceptance_number,
            "document_id": int(next(iter(application.pinned_documents))),
            "id": subscription.pk,
            "session_id": _witness_session(agent=integrator, client_no=OTHER_CLIENT_NO),
        },
    }


def _witness_session(*, agent, client_no: str) -> int:
    """An open witness call of the agent, with another demo client of the branch: the agent's
    endpoints then answer with the call's record, not only 404."""
    client = Client.objects.get(client_no=client_no)
    application = application_start(client=client)
    for step in flow_position(application).steps:
        if step.name == WITNESS:
            break
        StepRecord.objects.update_or_create(
            application=application,
            kind=step.name,
            defaults={"completed_at": timezone.now(), "version": 1},
        )
    witness_queue_join(
        application=Application.objects.get(pk=application.pk), actor=Actor.investor(client)
    )
    session = witness_take_next(agent=agent)
    assert session is not None
    return session.pk


def _schema(*, authorization: str, parameters: dict[str, object]) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "seed": 15,
            "headers": {"Authorization": authorization},
            "parameters": {f"path.{name}": value for name, value in parameters.items()},
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "phases": {"stateful": {"enabled": False}},
            "checks": {
                "enabled": False,
                **{name: {"enabled": True} for name in CHECKS},
            },
        }
    )
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), config=config)


@pytest.fixture
def as_integrator(world) -> schemathesis.BaseSchema:
    return _schema(authorization=f"Api-Key {world['key']}", parameters=world["parameters"])


@pytest.fixture
def as_investor(world) -> schemathesis.BaseSchema:
    return _schema(authorization=f"Bearer {world['token']}", parameters=world["parameters"])


integrator_schema = schemathesis.pytest.from_fixture("as_integrator")
investor_schema = schemathesis.pytest.from_fixture("as_investor")


@integrator_schema.parametrize()
def test_an_integrators_key_gets_only_documented_answers(case):
    case.call_and_validate()


@investor_schema.parametrize()
def test_an_investors_token_gets_only_documented_answers(case):
    case.call_and_validate()
