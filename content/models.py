"""Reference data the company maintains: exchanges and branches. (Documents, questionnaires and
flow definitions join them as revisioned snippets.)"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeCategory(models.TextChoices):
    COMMODITY = "commodity", _("商品期货")
    FINANCIAL = "financial", _("金融期货")
    CRUDE_OIL = "crude_oil", _("原油期货")


class Exchange(models.Model):
    code = models.CharField(
        _("交易所代码"), max_length=10, unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,10}$", _("代码为 2 到 10 位大写字母，如 SHFE。"))],
    )
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=ExchangeCategory.choices)
    needs_score_reports = models.BooleanField(
        _("首次开户需上传成绩报告单"), default=False,
        help_text=_("金融期货、原油期货首次开户需要 2 至 10 张知识测试成绩报告单。"),
    )
    trading_code_pattern = models.CharField(
        _("交易编码格式"), max_length=100, default=r"^\d{8}$",
        help_text=_("正则表达式，复核录入交易编码时校验。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("交易所")
        verbose_name_plural = _("交易所")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name_zh}（{self.code}）"


class Branch(models.Model):
    code = models.CharField(
        _("营业部编号"), max_length=4, unique=True,
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
