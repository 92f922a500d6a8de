"""The review's own records: who is reviewing an application now (so that two reviewers never
act on it at once) and the trading codes an approval granted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewClaim(models.Model):
    """A reviewer working on a submitted application. Held for a while (renewed by acting),
    released by a decision or by the reviewer; another reviewer is refused until it lapses."""

    application = models.OneToOneField(
        "flows.Application",
        verbose_name=_("业务申请"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="review_claim",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核员"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("开始复核时间"))
    expires_at = models.DateTimeField(_("占用至"))

    class Meta:
        verbose_name = _("复核占用")
        verbose_name_plural = _("复核占用")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.reviewer_id}"


class TradingCodeGrant(models.Model):
    """A trading code the review recorded for one exchange the application requested (also put
    on the client's file, clients.ClientExchange)."""

    application = models.ForeignKey(
        "flows.Application",
        verbose_name=_("业务申请"),
        on_delete=models.PROTECT,
        related_name="trading_codes",
    )
    exchange = models.ForeignKey(
        "content.Exchange", verbose_name=_("交易所"), on_delete=models.PROTECT, related_name="+"
    )
    trading_code = models.CharField(_("交易编码"), max_length=30)
    granted_by = models.CharField(_("复核员标识"), max_length=100)
    granted_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("新开交易编码")
        verbose_name_plural = _("新开交易编码")
        ordering = ["exchange__sort_order", "exchange__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "exchange"], name="one_grant_per_exchange"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.exchange_id}"
