"""Fixtures of the review's tests (tests/flows/test_review.py, test_investor_sms.py): a flow
with photos, exchanges, the witness and the revisit, and the people who act on it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from flows.actors import Actor
from staff.roles import Role
from tests.factories import (
    ClientFactory,
    ExchangeFactory,
    published_flow,
    published_questionnaire,
    staff_user,
)
from tests.revisit.test_revisit import QUESTIONS


@pytest.fixture
def questionnaire(db):
    ExchangeFactory(code="SHFE", name_zh="上海期货交易所", member_number="0001")
    ExchangeFactory(code="DCE", name_zh="大连商品交易所", member_number="0002")
    ExchangeFactory(code="CZCE", name_zh="郑州商品交易所")
    questionnaire = published_questionnaire(kind="revisit", code="revisit", questions=QUESTIONS)
    published_flow(
        [
            ("photos", {"security_letter": None}),
            ("exchanges", {}),
            ("witness", {"script": None}),
            ("revisit", {"questionnaire": questionnaire}),
        ]
    )
    return questionnaire


@pytest.fixture
def people(questionnaire):
    investor = ClientFactory(
        suitability_class="C4", suitability_expires=timezone.localdate() + datetime.timedelta(365)
    )
    agent = staff_user("agent", Role.WITNESS_AGENT, investor.branch)
    return {
        "investor": Actor.investor(investor),
        "agent": Actor.agent(agent),
        "reviewer": Actor.reviewer(staff_user("reviewer", Role.REVIEWER)),
        "reviewer2": Actor.reviewer(staff_user("reviewer2", Role.REVIEWER)),
    }
