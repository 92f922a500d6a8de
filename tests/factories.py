"""Factories for test data (factory_boy)."""

from __future__ import annotations

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clients.idnumber import check_char
from clients.models import Client
from content.models import Branch, Exchange
from staff.models import StaffProfile
from staff.roles import GROUP_NAMES, Role

_serial = itertools.count(1)


def fake_id_number() -> str:
    """A fresh ID number that passes GB 11643 (region 110101, born 1990-01-01)."""
    first17 = f"11010119900101{next(_serial) % 1000:03d}"
    return first17 + check_char(first17)


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n + 1:04d}")
    name = factory.Sequence(lambda n: f"测试营业部{n}")
    address = "测试地址"
    hotline = "010-0000-0000"


class ExchangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exchange
        django_get_or_create = ("code",)

    code = "SHFE"
    name_zh = "上海期货交易所"
    name_en = "Shanghai Futures Exchange"
    category = "commodity"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    client_no = factory.Sequence(lambda n: f"9{n:07d}")
    id_number = factory.LazyFunction(fake_id_number)
    name = "测试客户"
    mobile = "13900000000"
    suitability_class = "C3"
    id_valid_until = datetime.date(2040, 1, 1)
    branch = factory.SubFactory(BranchFactory)


def staff_user(username: str, role: Role | None = None, branch: Branch | None = None):
    user = get_user_model().objects.create_user(username=username, password="x-test-password")
    if role is not None:
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    StaffProfile.objects.create(user=user, display_name=username, branch=branch)
    return user


def published_flow(steps=None, business_type="add_trading_code"):
    """A live flow definition (by default a single exchanges step: the smallest valid flow)."""
    from flows.models import FlowDefinition

    definition = FlowDefinition.objects.filter(business_type=business_type).first()
    if definition is None:
        definition = FlowDefinition(business_type=business_type, name="测试流程")
    definition.steps = steps if steps is not None else [("exchanges", {})]
    definition.full_clean()
    definition.save()
    definition.save_revision().publish()
    definition.refresh_from_db()
    return definition


def published_document(
    kind="agreement", code=None, title="测试协议", html="<p>第一条 测试条款。</p>"
):
    from content.importing import blocks_from_html
    from content.models import Document

    document = Document(
        kind=kind,
        code=code or f"doc-{next(_serial)}",
        title=title,
        body=blocks_from_html(html) if kind != "sms_template" else [],
        sms_text="验证码 {code}" if kind == "sms_template" else "",
    )
    document.save()
    document.save_revision().publish()
    return Document.objects.get(pk=document.pk)


def published_questionnaire(kind="revisit", code=None, questions=None, bands=None):
    from content.models import Questionnaire

    questions = questions or [
        (
            "question",
            {
                "text": "是否本人操作账户？",
                "kind": "yes_no",
                "required": True,
                "options": [],
                "yes_alerts": False,
                "no_alerts": True,
            },
        )
    ]
    questionnaire = Questionnaire(
        kind=kind,
        code=code or f"q-{next(_serial)}",
        title="测试问卷",
        questions=questions,
        bands=[("bands", bands)] if bands else [],
    )
    questionnaire.full_clean()
    questionnaire.save()
    questionnaire.save_revision().publish()
    return Questionnaire.objects.get(pk=questionnaire.pk)  # as published (live revision set)


def witness_session(application, agent, checklist=()):
    """An open video witness session of `agent` for the application (as "take next" leaves
    it), with the given checklist (none by default: nothing to tick before passing)."""
    from video.models import WitnessSession

    return WitnessSession.objects.create(
        application=application,
        agent=agent,
        branch_id=application.client.branch_id,
        checklist=list(checklist),
    )
