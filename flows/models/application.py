"""The application: one investor's business from start to decision.

The lifecycle is a django-fsm state machine; transitions only change `self` and are driven by
services (lock, check, transition, save, side effects on commit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from content.models import BusinessType

# The first two digits of an acceptance number name the business type.
BUSINESS_PREFIX = {BusinessType.ADD_TRADING_CODE: "13"}


class ApplicationState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("办理中")
    QUEUED_FOR_WITNESS = "queued_for_witness", _("等待视频见证")
    RETURNED = "returned", _("退回修改")
    SUBMITTED = "submitted", _("待复核")
    APPROVED = "approved", _("已办结")
    REJECTED = "rejected", _("复核驳回")
    ABANDONED = "abandoned", _("已放弃")


PENDING_STATES = (
    ApplicationState.IN_PROGRESS,
    ApplicationState.QUEUED_FOR_WITNESS,
    ApplicationState.RETURNED,
    ApplicationState.SUBMITTED,
    ApplicationState.REJECTED,
)


class AcceptanceCounter(models.Model):
    """The last serial used per business prefix and branch, taken under a row lock."""

    prefix = models.CharField(max_length=2)
    branch_code = models.CharField(max_length=4)
    last_serial = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "branch_code"], name="one_counter")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.branch_code}: {self.last_serial}"


class Application(ConcurrentTransitionMixin, models.Model):
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    business_type = models.CharField(
        _("业务类型"),
        max_length=30,
        choices=BusinessType.choices,
        default=BusinessType.ADD_TRADING_CODE,
    )
    acceptance_number = models.CharField(_("受理单号"), max_length=16, unique=True)
    state = FSMField(
        _("状态"),
        max_length=30,
        choices=ApplicationState.choices,
        default=ApplicationState.IN_PROGRESS,
        protected=True,
    )
    flow_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("流程版本"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("开始办理时生效的流程定义版本：之后的修改不影响本业务。"),
    )
    pinned_documents = models.JSONField(
        _("开始办理时的文档版本"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("文档编号 → 发布版本编号：之后审批通过的新版本不影响本业务。"),
    )
    returned_step = models.CharField(
        _("退回步骤"),
        max_length=40,
        blank=True,
        help_text=_("见证退回或复核驳回时，投资者需要修改的步骤。"),
    )
    remarks = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("业务申请")
        verbose_name_plural = _("业务申请")
        ordering = ["-created_at"]
        constraints = [
            # "An investor with a pending business cannot start another."
            models.UniqueConstraint(
                fields=["client", "business_type"],
                condition=models.Q(state__in=[s.value for s in PENDING_STATES]),
                name="one_pending_business_per_client",
            )
        ]

    def __str__(self) -> str:
        return self.acceptance_number

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    # --- lifecycle: transitions only change self; services lock, check, save and notify ---
    @transition(
        field=state,
        source=[ApplicationState.IN_PROGRESS, ApplicationState.RETURNED, ApplicationState.REJECTED],
        target=ApplicationState.ABANDONED,
    )
    def abandon(self) -> None:
        pass

    @transition(
        field=state,
        source=[ApplicationState.RETURNED, ApplicationState.REJECTED],
        target=ApplicationState.IN_PROGRESS,
    )
    def resume(self) -> None:
        """The investor fixed the step they were sent back to."""
        self.returned_step = ""

    @transition(
        field=state,
        source=[ApplicationState.IN_PROGRESS, ApplicationState.QUEUED_FOR_WITNESS],
        target=ApplicationState.RETURNED,
    )
    def return_to_step(self, *, step: str, reason: str) -> None:
        self.returned_step = step
        self.remarks = reason

    @property
    def is_editable(self) -> bool:
        """Whether the investor may work on the steps now."""
        return self.state in (
            ApplicationState.IN_PROGRESS,
            ApplicationState.RETURNED,
            ApplicationState.REJECTED,
        )

    @property
    def flow(self):
        """The flow definition as it was when this application started."""
        return self.flow_revision.as_object()
