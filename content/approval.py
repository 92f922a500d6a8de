"""Services of the four-eyes review: how a finished workflow changes what is live, how an item is
sent for withdrawal, how a draft is thrown away. The rule itself (who may approve) is in
content.models.workflows."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page, Revision, WorkflowState
from wagtail.workflows import publish_workflow_state

from common.exceptions import BusinessError

from .models.workflows import ReviewedPublishingMixin, WithdrawalRequest

# Capabilities above content (flows) register a function `(obj) -> Usage | None` under this
# hook, so that content can say how applications use an item without importing them.
USAGE_HOOK = "content_usage_by_applications"


def reviewed_models() -> list[type]:
    return [model for model in apps.get_models() if issubclass(model, ReviewedPublishingMixin)]


@transaction.atomic
def finish_reviewed_workflow(workflow_state: WorkflowState, user=None) -> None:
    """WAGTAIL_FINISH_WORKFLOW_ACTION: the last approval publishes exactly the revision that was
    reviewed, or takes the item offline for a withdrawal request."""
    from .models.pages import ReviewedPage

    obj = workflow_state.content_object
    if isinstance(obj, Page):
        obj = obj.specific
    if not isinstance(obj, ReviewedPublishingMixin | ReviewedPage):
        publish_workflow_state(workflow_state, user=user)
        return
    if WithdrawalRequest.objects.filter(workflow_state=workflow_state).exists():
        obj.unpublish(user=user)
        return
    revision = workflow_state.current_task_state.revision
    if obj.latest_revision_id != revision.pk:
        raise PermissionDenied(_("审批期间内容又有修改：请撤回后重新提交审批。"))
    # The approval is the permission: nobody holds "publish" on reviewed content.
    revision.publish(user=user, skip_permission_checks=True)


@dataclass(frozen=True)
class Usage:
    """How applications use a document, questionnaire or flow definition."""

    in_flight: int  # businesses not yet finished that show it (or follow it)
    recorded: int  # businesses of any state whose records keep it
    consequence: str  # what happens to the businesses in flight if it goes offline


def usage_by_applications(obj) -> Usage:
    found = [usage for hook in hooks.get_hooks(USAGE_HOOK) if (usage := hook(obj)) is not None]
    return Usage(
        in_flight=sum(usage.in_flight for usage in found),
        recorded=sum(usage.recorded for usage in found),
        consequence=" ".join(usage.consequence for usage in found if usage.consequence),
    )


@transaction.atomic
def withdrawal_submit(*, obj, user, reason: str) -> WithdrawalRequest:
    """Send a live item to the review to be taken offline. Refused while another review of it
    is open, or when it is not live."""
    reason = reason.strip()
    if not reason:
        raise BusinessError(_("请填写下线原因。"), code="reason_required")
    if not obj.live:
        raise BusinessError(_("该内容当前未上线，无需下线。"), code="not_live")
    if obj.workflow_in_progress:
        raise BusinessError(
            _("该内容正在审批中：请等待审批结束或撤回后再申请下线。"), code="in_review"
        )
    workflow = obj.get_workflow()
    if workflow is None:
        raise BusinessError(_("没有适用的审批流程，无法申请下线。"), code="no_workflow")
    state = workflow.start(obj, user)
    return WithdrawalRequest.objects.create(
        workflow_state=state,
        requested_by=user,
        reason=reason,
        in_flight=usage_by_applications(obj).in_flight,
    )


@transaction.atomic
def draft_discard(*, obj, user) -> Revision:
    """Throw the draft away: the editor opens on the live version again (kept in history)."""
    if not obj.live or obj.live_revision is None:
        raise BusinessError(_("该内容还没有线上版本，无法恢复。"), code="not_live")
    if obj.workflow_in_progress:
        raise BusinessError(_("该内容正在审批中：请先撤回审批再放弃草稿。"), code="in_review")
    live = obj.live_revision
    # Logged as Wagtail's "reverted to revision …", which the history shows as such.
    revision = live.as_object().save_revision(user=user, previous_revision=live)
    type(obj).objects.filter(pk=obj.pk).update(has_unpublished_changes=False)
    return revision
