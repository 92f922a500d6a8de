"""The answers of the basic-information step (manual 3.3): stable English codes are stored, the
Chinese labels are shown. Changing a label is safe; changing a code breaks stored records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaxResidency(models.TextChoices):
    CHINA_ONLY = "china_only", _("仅为中国税收居民")
    NON_RESIDENT_ONLY = "non_resident_only", _("仅为非居民")
    BOTH = "both", _("既是中国税收居民又是其他国家（地区）税收居民")


class PepRelation(models.TextChoices):
    FOREIGN_PEP = "foreign_pep", _("外国政要")
    FAMILY_MEMBER = "family_member", _("外国政要家庭成员")
    CLOSE_ASSOCIATE = "close_associate", _("与外国政要关系密切")
    NONE = "none", _("无关系")


class InvestmentHorizon(models.TextChoices):
    UP_TO_1_YEAR = "up_to_1y", _("0年-1年")
    ONE_TO_5_YEARS = "1y_to_5y", _("1年-5年")
    OVER_5_YEARS = "over_5y", _("5年以上")


class ExpectedReturn(models.TextChoices):
    STEADY = "steady", _("稳健")
    GROWTH = "growth", _("成长")
    AGGRESSIVE = "aggressive", _("激进")


class ActualController(models.TextChoices):
    NONE = "none", _("不存在")
    EXISTS = "exists", _("存在")


class BeneficialOwner(models.TextChoices):
    SELF = "self", _("本人")
    OTHER = "other", _("其他")


class Product(models.TextChoices):
    FUTURES_OPTIONS = "futures_options", _("期货、期权")
    ASSET_MANAGEMENT = "asset_management", _("资管产品")
    OTHER = "other", _("其他")


class BadCreditSource(models.TextChoices):
    PBOC_CREDIT_CENTRE = "pboc_credit_centre", _("中国人民银行征信中心")
    COURT_DISHONEST_LIST = "court_dishonest_list", _("最高人民法院失信被执行人名单")
    MARKET_REGULATOR = "market_regulator", _("工商行政管理机构")
    TAX_AUTHORITY = "tax_authority", _("税务管理机构")
    REGULATORS = "regulators", _("监管机构、自律组织")
    EXCESSIVE_RIGHTS_DEFENCE = "excessive_rights_defence", _("过度维权等不当行为信息")
    FUTURES_FIRM_DEFAULT = (
        "futures_firm_default",
        _("投资者在期货经营机构从事投资活动时产生的违约行为记录"),
    )
    OTHER_ORGANISATION = "other_organisation", _("其他组织")
    NONE = "none", _("无")
