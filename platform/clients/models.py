"""The company's existing clients, as they come from its back office. Personal fields are
encrypted at rest; the ID number is found through its keyed hash."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from privacy import crypto
from privacy.fields import EncryptedDateField, EncryptedTextField

from .idnumber import normalise


class SuitabilityClass(models.TextChoices):
    C1 = "C1", _("C1（保守型）")
    C2 = "C2", _("C2（谨慎型）")
    C3 = "C3", _("C3（稳健型）")
    C4 = "C4", _("C4（积极型）")
    C5 = "C5", _("C5（激进型）")


class InvestorType(models.TextChoices):
    ORDINARY = "ordinary", _("普通投资者")
    PROFESSIONAL = "professional", _("专业投资者")


class AccountType(models.TextChoices):
    INDIVIDUAL = "individual", _("个人")


class Client(models.Model):
    client_no = models.CharField(_("客户号"), max_length=20, unique=True)
    account_type = models.CharField(
        _("账户类型"), max_length=20, choices=AccountType.choices, default=AccountType.INDIVIDUAL
    )
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number = EncryptedTextField(_("证件号码"))
    name = EncryptedTextField(_("姓名"))
    id_valid_from = EncryptedDateField(_("证件有效期起"), null=True, blank=True)
    id_valid_until = EncryptedDateField(
        _("证件有效期止"), null=True, blank=True, help_text=_("空表示长期有效。")
    )
    id_address = EncryptedTextField(_("证件地址"), blank=True)
    phone = EncryptedTextField(_("固定电话"), blank=True)
    mobile = EncryptedTextField(_("手机号码"))
    education = models.CharField(_("学历"), max_length=30, blank=True)
    occupation = models.CharField(_("职业"), max_length=50, blank=True)
    investor_type = models.CharField(
        _("投资者类别"),
        max_length=20,
        choices=InvestorType.choices,
        default=InvestorType.ORDINARY,
    )
    suitability_class = models.CharField(
        _("风险承受能力"), max_length=2, choices=SuitabilityClass.choices, blank=True
    )
    suitability_expires = models.DateField(_("适当性评估有效期至"), null=True, blank=True)
    branch = models.ForeignKey(
        "content.Branch",
        verbose_name=_("开户营业部"),
        on_delete=models.PROTECT,
        related_name="clients",
    )
    exchanges = models.ManyToManyField(
        "content.Exchange",
        through="ClientExchange",
        verbose_name=_("已开交易所"),
        related_name="+",
    )

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")

    def __str__(self) -> str:
        return self.client_no

    def save(self, *args, **kwargs):
        self.id_number = normalise(self.id_number)
        self.id_number_hash = crypto.lookup_hash(self.id_number)
        super().save(*args, **kwargs)


class ClientExchange(models.Model):
    """An exchange the client can already trade on, with the trading code it gave."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="exchange_accounts")
    exchange = models.ForeignKey("content.Exchange", on_delete=models.PROTECT, related_name="+")
    trading_code = models.CharField(_("交易编码"), max_length=30)
    opened_on = models.DateField(_("开通日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("已开交易编码")
        verbose_name_plural = _("已开交易编码")
        constraints = [
            models.UniqueConstraint(fields=["client", "exchange"], name="one_code_per_exchange")
        ]

    def __str__(self) -> str:
        return f"{self.exchange_id}: {self.trading_code}"


# --- investor login: SMS codes, lockout, look-up throttling, privacy consent ---------------


class LoginCodeStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    USED = "used", _("已使用")
    BURNED = "burned", _("错误次数过多，已作废")
    REPLACED = "replaced", _("已被新验证码取代")


class LoginCode(models.Model):
    """One SMS login code sent to the mobile on file. Only a keyed hash of the code is kept: a
    copy of the database alone does not reveal a live code (six digits are too few for a plain
    hash). The requesting IP is kept as a keyed hash too, only to count sends per IP."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="login_codes")
    code_hash = models.CharField(max_length=64, editable=False)
    salt = models.CharField(max_length=32, editable=False)
    ip_hash = models.CharField(max_length=64, db_index=True, editable=False)
    # Keyed hash of the browser session that asked for the code: only that session may use it,
    # and a code asked for elsewhere (by a stranger typing the client's ID number) neither
    # replaces it nor counts against it.
    requester_hash = models.CharField(max_length=64, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(_("发送时间"), db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    failed_attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=LoginCodeStatus.choices, default=LoginCodeStatus.ACTIVE
    )
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id} @ {self.created_at:%Y-%m-%d %H:%M:%S}"


class LoginState(models.Model):
    """Failed logins in a row for one client from one address (keyed hash), and the end of a
    lockout when there is one. Per address, so that a stranger elsewhere cannot lock a client
    out; guessing from many addresses is bounded by the client's hourly SMS codes instead."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="login_states")
    ip_hash = models.CharField(max_length=64, editable=False, default="")
    failures_in_a_row = models.PositiveSmallIntegerField(_("连续失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录状态")
        verbose_name_plural = _("登录状态")
        constraints = [
            models.UniqueConstraint(fields=["client", "ip_hash"], name="login_state_per_address")
        ]

    def __str__(self) -> str:
        return str(self.client_id)


class IdNumberLookup(models.Model):
    """One look-up of an ID number at login, from an IP (keyed hash). Look-ups of numbers that
    are not on file are counted per IP, to slow down anyone who tries numbers to learn who is a
    client (a real investor rarely mistypes a valid number)."""

    ip_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField()
    found = models.BooleanField()

    class Meta:
        verbose_name = _("证件号码查询")
        verbose_name_plural = _("证件号码查询")
        indexes = [models.Index(fields=["ip_hash", "created_at"], name="id_lookup_ip_time")]

    def __str__(self) -> str:
        return f"{self.ip_hash[:8]} @ {self.created_at:%Y-%m-%d %H:%M:%S}"


class PrivacyConsent(models.Model):
    """The privacy policy an investor accepted at login: the exact rendition shown (its revision
    and SHA-256), never a reference to live CMS content alone."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="privacy_consents")
    rendition = models.ForeignKey(
        "content.DocumentRendition", on_delete=models.PROTECT, related_name="+"
    )
    revision_id = models.PositiveBigIntegerField(_("文档版本"))
    sha256 = models.CharField(_("内容哈希"), max_length=64)
    accepted_at = models.DateTimeField(_("同意时间"))

    class Meta:
        verbose_name = _("隐私政策同意记录")
        verbose_name_plural = _("隐私政策同意记录")
        ordering = ["-accepted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.sha256[:12]}"
