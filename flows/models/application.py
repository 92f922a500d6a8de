"""The application: one investor's business from start to decision.

The lifecycle is a django-fsm state machine; transitions only change `self` and are driven by
services (lock, check, transition, save, side effects on commit)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, can_proceed, transition

from content.models import BusinessType

from ..actors import Actor, ActorKind

# The first two digits of an acceptance number name the business type.
BUSINESS_PREFIX = {BusinessType.ADD_TRADING_CODE: "13"}


class ApplicationState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("办理中")
    QUEUED_FOR_WITNESS = "queued_for_witness", _("等待视频见证")
    WITNESS_IN_PROGRESS = "witness_in_progress", _("视频见证中")
    RETURNED = "returned", _("退回修改")
    SUBMITTED = "submitted", _("待复核")
    APPROVED = "approved", _("已办结")
    REJECTED = "rejected", _("复核驳回")
    ABANDONED = "abandoned", _("已放弃")


S = ApplicationState
PENDING_STATES = (
    S.IN_PROGRESS,
    S.QUEUED_FOR_WITNESS,
    S.WITNESS_IN_PROGRESS,
    S.RETURNED,
    S.SUBMITTED,
    S.REJECTED,
)
# The investor (or an integrator for them) may change the steps in these states only.
EDITABLE_STATES = (S.IN_PROGRESS, S.RETURNED, S.REJECTED)
# "Abandoned from any state before submission" (a rejected one was sent back to the investor).
ABANDONABLE_STATES = (
    S.IN_PROGRESS,
    S.QUEUED_FOR_WITNESS,
    S.WITNESS_IN_PROGRESS,
    S.RETURNED,
    S.REJECTED,
)


def by(*kinds: ActorKind):
    """A transition's permission: which kinds of actor may ask for it (django-fsm calls it with
    the instance and what `has_transition_perm` was given: here, an `Actor`)."""

    def permitted(instance: Application, actor: Actor) -> bool:
        return actor.kind in kinds

    permitted.kinds = frozenset(kinds)  # type: ignore[attr-defined]
    return permitted


INVESTOR_SIDE = by(ActorKind.INVESTOR, ActorKind.INTEGRATOR)
INVESTOR_SIDE_OR_SYSTEM = by(ActorKind.INVESTOR, ActorKind.INTEGRATOR, ActorKind.SYSTEM)


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
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("业务申请")
        verbose_name_plural = _("业务申请")
        ordering = ["-created_at"]
        permissions = [("use_review_console", _("使用复核台"))]
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

    # --- lifecycle ------------------------------------------------------------------------
    # Transitions only change self; one service per transition (flows.services.lifecycle) locks
    # the row, asks `can_proceed` and `has_transition_perm`, transitions, saves, writes the audit
    # entry and records the event. docs/flows.md draws the diagram.

    @transition(field=state, source=EDITABLE_STATES, target=None, permission=INVESTOR_SIDE)
    def change_steps(self) -> None:
        """Not a change of state: whether the investor's side may change the steps now."""

    @transition(
        field=state, source=S.IN_PROGRESS, target=S.QUEUED_FOR_WITNESS, permission=INVESTOR_SIDE
    )
    def queue(self) -> None:
        """The investor asks for the video witness ("开始视频通话")."""

    @transition(
        field=state,
        source=S.QUEUED_FOR_WITNESS,
        target=S.IN_PROGRESS,
        permission=INVESTOR_SIDE_OR_SYSTEM,
    )
    def leave_queue(self) -> None:
        """The investor leaves the queue, or the connection was gone too long."""

    @transition(
        field=state,
        source=S.QUEUED_FOR_WITNESS,
        target=S.WITNESS_IN_PROGRESS,
        permission=by(ActorKind.AGENT),
    )
    def start_witness(self) -> None:
        """An agent takes the investor from the queue."""

    @transition(
        field=state,
        source=S.WITNESS_IN_PROGRESS,
        target=S.QUEUED_FOR_WITNESS,
        permission=by(ActorKind.AGENT, ActorKind.SYSTEM),
    )
    def release_witness(self) -> None:
        """The call could not go on (a dropped connection): back to the queue."""

    @transition(
        field=state,
        source=S.WITNESS_IN_PROGRESS,
        target=S.IN_PROGRESS,
        permission=by(ActorKind.AGENT),
    )
    def pass_witness(self) -> None:
        """The agent passes the investor: the flow goes on after the witness step."""

    @transition(
        field=state,
        source=S.WITNESS_IN_PROGRESS,
        target=S.RETURNED,
        permission=by(ActorKind.AGENT),
    )
    def return_to_step(self, *, step: str, remarks: str) -> None:
        """The agent sends the investor back to a named step, with the reason."""
        self.returned_step = step
        self.remarks = remarks

    @transition(
        field=state,
        source=(S.RETURNED, S.REJECTED),
        target=S.IN_PROGRESS,
        permission=INVESTOR_SIDE_OR_SYSTEM,
    )
    def resume(self) -> None:
        """The investor completed again the step they were sent back to."""
        self.returned_step = ""

    @transition(
        field=state, source=S.IN_PROGRESS, target=S.SUBMITTED, permission=INVESTOR_SIDE_OR_SYSTEM
    )
    def submit(self) -> None:
        """Every step is done: the application goes to review."""
        self.submitted_at = timezone.now()

    @transition(
        field=state, source=S.SUBMITTED, target=S.APPROVED, permission=by(ActorKind.REVIEWER)
    )
    def approve(self) -> None:
        self.decided_at = timezone.now()

    @transition(
        field=state, source=S.SUBMITTED, target=S.REJECTED, permission=by(ActorKind.REVIEWER)
    )
    def reject(self, *, step: str, remarks: str) -> None:
        """The reviewer sends the application back to a named step, with the reason."""
        self.returned_step = step
        self.remarks = remarks
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=ABANDONABLE_STATES,
        target=S.ABANDONED,
        permission=INVESTOR_SIDE_OR_SYSTEM,
    )
    def abandon(self) -> None:
        self.returned_step = ""

    # --- questions the state machine answers -------------------------------------------------
    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def is_editable(self) -> bool:
        """Whether the steps may change now (asks the state machine)."""
        return can_proceed(self.change_steps)

    @property
    def may_abandon(self) -> bool:
        return can_proceed(self.abandon)

    @property
    def is_with_witness(self) -> bool:
        """Queued for or in a video witness: the witness step's page shows, nothing changes."""
        return self.state in (S.QUEUED_FOR_WITNESS, S.WITNESS_IN_PROGRESS)

    @property
    def flow(self):
        """The flow definition as it was when this application started."""
        return self.flow_revision.as_object()
