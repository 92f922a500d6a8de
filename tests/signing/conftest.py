"""An application that reached the certificate and signing steps, the company CA, and a key
made in Python in place of the browser's."""

from __future__ import annotations

import pytest
from django.utils import timezone

from flows.models import Application, StepRecord
from flows.services import application_start
from signing.authority import ca_init
from signing.stand_in import StandInKey
from tests.factories import ClientFactory, published_document, published_flow

BEFORE_CERTIFICATE = ["photos", "exchanges", "witness"]


@pytest.fixture
def ca(db):
    return ca_init(organisation="测试期货")


@pytest.fixture
def documents(db):
    return [
        published_document(
            kind="contract",
            title="期货经纪合同",
            html="<h2>第一条</h2><p>甲乙双方本着平等自愿原则签订本合同。</p>",
        ),
        published_document(
            kind="risk_disclosure",
            title="期货交易风险说明书",
            html="<p>期货交易风险较大，请审慎决策。</p>",
        ),
    ]


def application_for(documents) -> Application:
    """An application whose steps before the certificate are complete, signing `documents`."""
    published_flow(
        [
            ("photos", {"security_letter": None}),
            ("exchanges", {}),
            ("witness", {"script": None}),
            ("certificate", {}),
            ("sign", {"documents": documents}),
        ]
    )
    application = application_start(client=ClientFactory(name="张三"))
    for kind in BEFORE_CERTIFICATE:
        StepRecord.objects.create(
            application=application, kind=kind, completed_at=timezone.now(), version=1
        )
    return application


@pytest.fixture
def application(db, ca, documents) -> Application:
    return application_for(documents)


@pytest.fixture
def key() -> StandInKey:
    return StandInKey()


@pytest.fixture
def certificate(application, key):
    from signing.services import certificate_challenge_issue, certificate_issue

    challenge = certificate_challenge_issue(application=application)
    return certificate_issue(
        application=application,
        nonce=challenge.nonce,
        public_key_der=key.public_key_der(),
        signature=key.sign(challenge.message()),
    )
