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
