"""request_actor: the acting Actor of an API request, from its credentials."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from api.models import InvestorToken
from api.scopes import Scope
from flows.actors import ActorKind
from flows.apis_auth import request_actor
from staff.models import IntegratorKey
from staff.roles import Role
from tests.factories import ClientFactory, staff_user

pytestmark = pytest.mark.django_db


def _key(owner, scopes=()) -> IntegratorKey:
    key, _raw = IntegratorKey.objects.create_key(name="app", owner=owner, scopes=list(scopes))
    return key


def test_an_integrator_key_acts_as_the_integrator_for_the_investor():
    # given
    owner = staff_user("app", Role.INTEGRATOR)
    request = SimpleNamespace(auth=_key(owner), user=owner)
    # when
    actor = request_actor(request)
    # then
    assert actor.kind == ActorKind.INTEGRATOR
    assert actor.user == owner


def test_an_investor_token_acts_as_its_investor():
    client = ClientFactory()
    now = timezone.now()
    token = InvestorToken.objects.create(
        client=client,
        token_hash="0" * 64,
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=5),
    )
    actor = request_actor(SimpleNamespace(auth=token, user=AnonymousUser()))
    assert actor.kind == ActorKind.INVESTOR
    assert actor.client == client


def test_an_investor_token_cannot_act_as_staff():
    client = ClientFactory()
    now = timezone.now()
    token = InvestorToken.objects.create(
        client=client, token_hash="1" * 64, created_at=now, expires_at=now
    )
    with pytest.raises(PermissionDenied):
        request_actor(
            SimpleNamespace(auth=token, user=AnonymousUser()), staff_as=ActorKind.REVIEWER
        )


def test_a_staff_session_acts_by_role_reviewer_first():
    user = staff_user("both", Role.REVIEWER)
    user.groups.add(*staff_user("agent", Role.WITNESS_AGENT).groups.all())
    request = SimpleNamespace(auth=None, user=user)
    assert request_actor(request).kind == ActorKind.REVIEWER
    assert request_actor(request, staff_as=ActorKind.AGENT).kind == ActorKind.AGENT


def test_a_staff_session_without_the_asked_role_is_refused():
    user = staff_user("agent", Role.WITNESS_AGENT)
    with pytest.raises(PermissionDenied):
        request_actor(SimpleNamespace(auth=None, user=user), staff_as=ActorKind.REVIEWER)


def test_a_key_reviews_only_with_the_review_scope_and_a_reviewer_owner():
    owner = staff_user("back_office", Role.INTEGRATOR)
    owner.groups.add(*staff_user("r", Role.REVIEWER).groups.all())
    without = SimpleNamespace(auth=_key(owner, [Scope.APPLICATIONS_READ]), user=owner)
    with pytest.raises(PermissionDenied):
        request_actor(without, staff_as=ActorKind.REVIEWER)
    with_scope = SimpleNamespace(auth=_key(owner, [Scope.REVIEW]), user=owner)
    actor = request_actor(with_scope, staff_as=ActorKind.REVIEWER)
    assert actor.kind == ActorKind.REVIEWER
    assert actor.user == owner


def test_a_key_acts_as_an_agent_only_with_the_witness_scope_and_an_agent_owner():
    agent = staff_user("agent_app", Role.WITNESS_AGENT)
    for scopes in ([Scope.REVIEW], [Scope.APPLICATIONS_READ]):
        with pytest.raises(PermissionDenied):
            request_actor(
                SimpleNamespace(auth=_key(agent, scopes), user=agent), staff_as=ActorKind.AGENT
            )
    integrator = staff_user("app", Role.INTEGRATOR)
    with pytest.raises(PermissionDenied):
        request_actor(
            SimpleNamespace(auth=_key(integrator, [Scope.WITNESS]), user=integrator),
            staff_as=ActorKind.AGENT,
        )
    actor = request_actor(
        SimpleNamespace(auth=_key(agent, [Scope.WITNESS]), user=agent), staff_as=ActorKind.AGENT
    )
    assert (actor.kind, actor.user) == (ActorKind.AGENT, agent)


def test_anonymous_or_roleless_callers_are_refused():
    with pytest.raises(PermissionDenied):
        request_actor(SimpleNamespace(auth=None, user=AnonymousUser()))
    with pytest.raises(PermissionDenied):
        request_actor(SimpleNamespace(auth=None, user=staff_user("nobody")))
