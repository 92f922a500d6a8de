from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("处理中")
    DONE = "done", _("已完成")


class IdempotencyRecord(models.Model):
    """The first answer to a POST made with an `Idempotency-Key`, so that a retry of the same
    request gets that answer again instead of doing the work twice. Per principal (an API key,
    an investor, a staff account); the request body is kept only as its hash. Kept 24 hours
    (`api.tasks.idempotency_purge`)."""

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(
        max_length=20, choices=IdempotencyState.choices, default=IdempotencyState.IN_PROGRESS
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)  # the JSON answer, as sent
    response_location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("幂等请求记录")
        verbose_name_plural = _("幂等请求记录")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="api_idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.principal}:{self.key}"


class InvestorToken(models.Model):
    """A bearer token a mobile app holds for one investor after the ID number + SMS code login
    (the API's counterpart of the investor's browser session). Only its SHA-256 is stored (the
    token is 256 random bits, so a plain hash is enough); it expires soon and can be revoked."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("客户"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issuer = models.ForeignKey(
        "staff.IntegratorKey",
        verbose_name=_("签发时使用的接口密钥"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investor_tokens",
    )
    created_at = models.DateTimeField(_("签发时间"))
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("投资者令牌")
        verbose_name_plural = _("投资者令牌")

    def __str__(self) -> str:
        return f"investor-token:{self.pk}"
