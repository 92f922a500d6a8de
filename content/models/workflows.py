"""Four eyes on everything an investor sees: what goes live, and what goes offline, is approved by
a second person, and nobody approves a change they made.

The rule lives in the workflow task and in the models' own `publish`/`unpublish`, not in the
buttons: the admin, a bulk action, a revision's "publish", a script or an API all end in these
methods, so each of them is refused the same way."""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.actions.unpublish import UnpublishAction
from wagtail.models import AbstractGroupApprovalTask, Revision, TaskState, WorkflowState
from wagtail.permission_policies import ModelPermissionPolicy


def change_authors(workflow_state: WorkflowState) -> set[int]:
    """Everyone who had a hand in what this workflow would make live (or take offline): who
    submitted it and who wrote any revision since the live one."""
    authors = {workflow_state.requested_by_id}
    if not WithdrawalRequest.objects.filter(workflow_state=workflow_state).exists():
        obj = workflow_state.content_object
        revisions = Revision.objects.filter(
            base_content_type_id=workflow_state.base_content_type_id,
            object_id=workflow_state.object_id,
        )
        live = getattr(obj, "live_revision", None)
        if live is not None:
            revisions = revisions.filter(created_at__gt=live.created_at)
        authors.update(revisions.values_list("user_id", flat=True))
    authors.discard(None)
    return authors


class FourEyesApprovalTask(AbstractGroupApprovalTask):
    """A group approval in which the reviewer is never one of the change's authors.

    Unlike Wagtail's group approval, being a superuser gives no right to approve: only members
    of the task's groups review, and nobody edits during the review (a reviewer who wants a
    change asks for it), so what is approved is exactly what was submitted."""

    def _may_review(self, workflow_state: WorkflowState | None, user) -> bool:
        if workflow_state is None or not user.is_authenticated or not self._user_in_groups(user):
            return False
        return user.pk not in change_authors(workflow_state)

    def get_actions(self, obj, user):
        if not self._may_review(obj.current_workflow_state, user):
            return []
        withdrawal = WithdrawalRequest.objects.filter(
            workflow_state=obj.current_workflow_state
        ).exists()
        approve = _("批准下线") if withdrawal else _("批准")
        return [
            ("reject", _("退回修改"), True),
            ("approve", approve, False),
            ("approve", _("批准并填写意见"), True),
        ]

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name in ("approve", "reject") and not self._may_review(
            task_state.workflow_state, user
        ):
            raise PermissionDenied(
                str(_("提交或修改了这次变更的人不能审批它：需另一位合规审核员审批。"))
            )
        return super().on_action(task_state, user, action_name, **kwargs)

    def user_can_access_editor(self, obj, user):
        return self._user_in_groups(user)

    def locked_for_user(self, obj, user):
        return True

    def user_can_lock(self, obj, user):
        return False

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if not self._user_in_groups(user):
            return TaskState.objects.none()
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        mine = [
            state.pk
            for state in states.select_related("workflow_state")
            if user.pk in change_authors(state.workflow_state)
        ]
        return states.exclude(pk__in=mine)

    @classmethod
    def get_description(cls):
        return _("所选用户组的成员审批；提交或修改了变更的人不能审批自己的变更。")

    class Meta:
        verbose_name = _("双人复核审批")
        verbose_name_plural = _("双人复核审批")


class WithdrawalRequest(models.Model):
    """A request to take a live item offline, reviewed in the same workflow as a publication:
    when the workflow finishes, the item is unpublished instead of published."""

    workflow_state = models.OneToOneField(
        WorkflowState, on_delete=models.CASCADE, related_name="withdrawal_request"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("下线原因"))
    in_flight = models.PositiveIntegerField(_("申请时办理中的业务数"), default=0)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    carried_out_at = models.DateTimeField(_("下线时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("下线申请")
        verbose_name_plural = _("下线申请")

    def __str__(self) -> str:
        return str(self.workflow_state.content_object)


def approving_task_state(revision: Revision, user) -> TaskState | None:
    """The four-eyes approval that `user` just gave to `revision`, if any."""
    state = (
        TaskState.objects.filter(
            revision=revision, status=TaskState.STATUS_APPROVED, finished_by=user
        )
        .select_related("workflow_state")
        .order_by("-finished_at")
        .first()
    )
    if state is None or not isinstance(state.task.specific, FourEyesApprovalTask):
        return None
    if user.pk in change_authors(state.workflow_state):
        return None
    return state


class ReviewedPublishingMixin:
    """Publishing and unpublishing by a person only as the end of a four-eyes review.

    A call without a user is the system's own (the demo's seed, scheduled publishing of an
    already approved revision); a call made for a person must carry the approval. `save`
    refuses any other change of what is live, so a view that calls Wagtail's actions directly
    (its unpublish view does) is refused too."""

    def publish(self, revision, user=None, *args, **kwargs):
        if user is not None and approving_task_state(revision, user) is None:
            raise PermissionDenied(str(_("须经合规审核通过才能发布：请提交审批。")))
        # The approval is the permission (nobody holds "publish" itself).
        kwargs["skip_permission_checks"] = True
        token = _live_change_approved.set(True)
        try:
            return super().publish(revision, user, *args, **kwargs)
        finally:
            _live_change_approved.reset(token)

    def unpublish(self, set_expired=False, commit=True, user=None, log_action=True):
        request = None
        if user is not None:
            request = withdrawal_approved_by(self, user)
            if request is None:
                raise PermissionDenied(str(_("须经合规审核通过才能下线：请申请下线。")))
        token = _live_change_approved.set(True)
        try:
            result = UnpublishAction(
                self, set_expired=set_expired, commit=commit, user=user, log_action=log_action
            ).execute(skip_permission_checks=True)
        finally:
            _live_change_approved.reset(token)
        if request is not None:
            WithdrawalRequest.objects.filter(pk=request.pk).update(carried_out_at=timezone.now())
        return result

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        touches_live = update_fields is None or {"live", "live_revision"} & set(update_fields)
        if touches_live and self.pk is not None and not _live_change_approved.get():
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("live", "live_revision_id")
                .first()
            )
            if stored is not None and stored != (self.live, self.live_revision_id):
                raise PermissionDenied(str(_("上线和下线须经合规审核通过。")))
        return super().save(*args, **kwargs)


_live_change_approved: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "live_change_approved", default=False
)


def withdrawal_approved_by(obj, user) -> WithdrawalRequest | None:
    """The approved, not yet carried out request to take `obj` offline that `user` approved."""
    return (
        WithdrawalRequest.objects.filter(
            workflow_state__base_content_type_id=obj.get_base_content_type().pk,
            workflow_state__object_id=str(obj.pk),
            workflow_state__status=WorkflowState.STATUS_APPROVED,
            workflow_state__current_task_state__status=TaskState.STATUS_APPROVED,
            workflow_state__current_task_state__finished_by=user,
            carried_out_at__isnull=True,
        )
        .exclude(requested_by=user)
        .first()
    )


class ReviewedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, except that nobody, not even a superuser, holds "publish" (and so
    "unpublish"): Wagtail then offers no publish or unpublish button, view or bulk action, and
    the only way live is the end of a review."""

    def user_has_permission(self, user, action):
        return action != "publish" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a != "publish"])
