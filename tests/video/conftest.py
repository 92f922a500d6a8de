"""A branch with investors at the witness step, its agents, and another branch's agent."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from flows.actors import Actor
from flows.models import Application, StepRecord
from flows.services import application_start
from staff.roles import Role
from tests.factories import BranchFactory, ClientFactory, published_flow, staff_user

STEPS = [
    ("photos", {"security_letter": None}),
    ("exchanges", {}),
    ("witness", {"script": None}),
    ("revisit", {"questionnaire": None}),
]


def at_witness(client) -> Application:
    """A new application of the client, every step before the witness done."""
    application = application_start(client=client)
    for name in ("photos", "exchanges"):
        StepRecord.objects.update_or_create(
            application=application,
            kind=name,
            defaults={"completed_at": "2026-12-01T10:00:00+08:00", "version": 1},
        )
    return Application.objects.get(pk=application.pk)


@dataclass
class Branch:
    branch: object
    agent: object
    second_agent: object
    other_branch_agent: object
    agent_without_branch: object

    def investor(self) -> tuple[Actor, Application]:
        client = ClientFactory(branch=self.branch)
        return Actor.investor(client), at_witness(client)


@pytest.fixture
def flow(db):
    return published_flow(STEPS)


@pytest.fixture
def world(flow) -> Branch:
    from staff.services import roles_sync

    roles_sync()  # transactional tests flush the groups
    branch, other = BranchFactory(), BranchFactory()
    return Branch(
        branch=branch,
        agent=staff_user("agent_a", Role.WITNESS_AGENT, branch),
        second_agent=staff_user("agent_b", Role.WITNESS_AGENT, branch),
        other_branch_agent=staff_user("agent_other", Role.WITNESS_AGENT, other),
        agent_without_branch=staff_user("agent_none", Role.WITNESS_AGENT, None),
    )
