from __future__ import annotations

import pytest

from flows.actors import Actor
from flows.services import application_start
from staff.roles import Role
from tests.factories import ClientFactory, published_flow, staff_user
from webhooks.services import subscription_create

from .receiver import Receiver

# what no webhook may carry: the client's name, ID number, mobile
PERSON = {"name": "隐私甲", "id_number": "11010519491231002X", "mobile": "13912345678"}


@pytest.fixture
def local_receivers(settings):
    """A receiver on this machine over plain http: allowed by the two settings, as in dev."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def integrator(db):
    return staff_user("crm", Role.INTEGRATOR)


@pytest.fixture
def subscribe(integrator, receiver, local_receivers):
    def make(events=("application.created",), url=None):
        made = subscription_create(
            owner=integrator, url=url or receiver.url, events=events, actor=integrator
        )
        receiver.secret = made.secret
        return made.subscription

    return make


@pytest.fixture
def application(db):
    published_flow()
    return application_start(client=ClientFactory(**PERSON), actor=Actor.system("test"))
