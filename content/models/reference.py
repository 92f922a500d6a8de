"""Reference data the company maintains: business types, exchanges, branches and the working
calendar that appointments follow."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.prepared import PreparedRead


class BusinessType(models.TextChoices):
    ADD_TRADING_CODE = "add_trading_code", _("增开交易编码")


class ExchangeCategory(models.TextChoices):
    COMMODITY = "commodity", _("商品期货")
    FINANCIAL = "financial", _("金融期货")
    CRUDE_OIL = "crude_oil", _("原油期货")


class Exchange(models.Model):
    code = models.CharField(
        _("交易所代码"),
        max_length=10,
        unique=True,
        error_messages={"unique": _("交易所代码已存在：每个交易所只能登记一次。")},
        validators=[RegexValidator(r"^[A-Z]{2,10}$", _("代码为 2 到 10 位大写字母，如 SHFE。"))],
    )
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=ExchangeCategory.choices)
    needs_score_reports = models.BooleanField(
        _("首次开户需上传成绩报告单"),
        default=False,
        help_text=_("金融期货、原油期货首次开户需要 2 至 10 张知识测试成绩报告单。"),
    )
    # A trading code is 12 digits: the company's 4-digit member number at the exchange, then
    # the 8-digit client number; the review checks both parts against these two fields.
    member_number = models.CharField(
        _("会员号"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("会员号为 4 位数字。"))],
        help_text=_("本公司在该交易所的 4 位会员号：交易编码的前 4 位。留空则不校验前 4 位。"),
    )
    trading_code_pattern = models.CharField(
        _("客户编号格式"),
        max_length=100,
        default=r"^\d{8}$",
        help_text=_("正则表达式：交易编码后 8 位（客户编号）的格式，复核录入交易编码时校验。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("交易所")
        verbose_name_plural = _("交易所")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name_zh}（{self.code}）"

    def clean(self) -> None:
        super().clean()
        try:
            re.compile(self.trading_code_pattern)
        except re.error as error:
            raise ValidationError(
                {"trading_code_pattern": _("不是有效的正则表达式：%(error)s") % {"error": error}}
            ) from error


class Branch(models.Model):
    code = models.CharField(
        _("营业部编号"),
        max_length=4,
        unique=True,
        error_messages={"unique": _("营业部编号已存在。")},
        validators=[RegexValidator(r"^\d{4}$", _("营业部编号为 4 位数字。"))],
        help_text=_("受理单号的第 3 至 6 位。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    hotline = models.CharField(_("电话"), max_length=30)
    working_hours = models.CharField(_("见证时间"), max_length=100, default="09:00-16:00")
    witness_seats = models.PositiveSmallIntegerField(_("见证坐席数"), default=1)

    class Meta:
        verbose_name = _("营业部")
        verbose_name_plural = _("营业部")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("休市日（不办理见证）")
    MAKE_UP_WORKING_DAY = "make_up", _("调休工作日")


class CalendarDay(models.Model):
    """An exception to "Monday to Friday are working days": a holiday on a weekday, or a
    weekend day that is worked (调休)."""

    date = models.DateField(
        _("日期"), unique=True, error_messages={"unique": _("该日期已在日历中。")}
    )
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如：国庆节。"))

    class Meta:
        verbose_name = _("交易日历")
        verbose_name_plural = _("交易日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        weekend = self.date is not None and self.date.weekday() >= 5
        if self.kind == CalendarDayKind.MAKE_UP_WORKING_DAY and self.date and not weekend:
            raise ValidationError({"kind": _("调休工作日必须是周六或周日。")})
        if self.kind == CalendarDayKind.HOLIDAY and weekend:
            raise ValidationError({"kind": _("周末本来就不是工作日，无需登记为休市日。")})


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, unless the calendar says otherwise."""
    exception = CalendarDay.objects.filter(date=day).values_list("kind", flat=True).first()
    return _works(day, exception)


def working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The working days from `first` to `last` inclusive, with the calendar read once."""
    exceptions = dict(_calendar_between(first=first, last=last))
    days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if _works(day, exceptions.get(day))]


# read by every witness page (the slots of the next 30 days): its SQL built once
_calendar_between = PreparedRead(
    lambda first, last: CalendarDay.objects.filter(date__range=(first, last)).values_list(
        "date", "kind"
    )
)


def _works(day: datetime.date, exception: str | None) -> bool:
    if exception == CalendarDayKind.HOLIDAY:
        return False
    if exception == CalendarDayKind.MAKE_UP_WORKING_DAY:
        return True
    return day.weekday() < 5
