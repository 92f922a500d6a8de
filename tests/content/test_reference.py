import datetime

import pytest
from django.core.exceptions import ValidationError

from content.models import CalendarDay, Exchange, is_working_day
from tests.factories import ExchangeFactory

pytestmark = pytest.mark.django_db


def test_a_duplicate_exchange_code_is_refused_with_a_message():
    ExchangeFactory(code="SHFE")
    duplicate = Exchange(code="SHFE", name_zh="重复", name_en="Dup", category="commodity")
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "交易所代码已存在" in str(refused.value.message_dict["code"])


@pytest.mark.parametrize(
    ("code", "ok"), [("INE", True), ("ine", False), ("X", False), ("SHFE1", False)]
)
def test_exchange_codes_are_capital_letters(code, ok):
    exchange = Exchange(code=code, name_zh="测试", name_en="Test", category="commodity")
    if ok:
        exchange.full_clean()
    else:
        with pytest.raises(ValidationError):
            exchange.full_clean()


def test_a_trading_code_format_must_be_a_valid_pattern():
    exchange = Exchange(
        code="TEST",
        name_zh="测试",
        name_en="Test",
        category="commodity",
        trading_code_pattern="^[0-9{8}$",
    )
    with pytest.raises(ValidationError, match="不是有效的正则表达式"):
        exchange.full_clean()


@pytest.mark.parametrize(
    ("day", "exception", "working"),
    [
        (datetime.date(2026, 11, 25), None, True),  # a Wednesday
        (datetime.date(2026, 11, 28), None, False),  # a Saturday
        (datetime.date(2026, 10, 1), "holiday", False),  # National Day, a Thursday
        (datetime.date(2026, 10, 10), "make_up", True),  # a worked Saturday (调休)
    ],
)
def test_working_days_follow_the_calendar(day, exception, working):
    if exception:
        CalendarDay.objects.create(date=day, kind=exception)
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "kind"),
    [(datetime.date(2026, 11, 25), "make_up"), (datetime.date(2026, 11, 28), "holiday")],
)
def test_a_calendar_entry_that_changes_nothing_is_refused(day, kind):
    with pytest.raises(ValidationError):
        CalendarDay(date=day, kind=kind).full_clean()
