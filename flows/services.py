from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.exceptions import BusinessError
from common.locking import lock
from content.selectors import document_snapshots_live

from .models import (
    BUSINESS_PREFIX,
    AcceptanceCounter,
    Application,
    ApplicationState,
    BusinessType,
    FlowDefinition,
    StepRecord,
)
from .steps.base import StepResult


def acceptance_number_next(*, business_type: str, branch_code: str) -> str:
    """16 digits: business prefix (2), branch (4), serial (10), e.g. 1300020000010177.
    Serials never repeat: the counter row is locked while it is taken."""
    prefix = BUSINESS_PREFIX[BusinessType(business_type)]
    with transaction.atomic():
        AcceptanceCounter.objects.get_or_create(prefix=prefix, branch_code=branch_code)
        counter = AcceptanceCounter.objects.select_for_update().get(
            prefix=prefix, branch_code=branch_code
        )
        counter.last_serial += 1
        if counter.last_serial >= 10**10:
            raise BusinessError(
                _("受理单号已用尽，请联系管理员。"), code="acceptance_numbers_exhausted"
            )
        counter.save(update_fields=["last_serial"])
    return f"{prefix}{branch_code}{counter.last_serial:010d}"


def application_start(*, client, business_type: str = BusinessType.ADD_TRADING_CODE) -> Application:
    """Open a new business for a client, unless one is already pending. The application pins
    the live revision of the business's flow definition: later edits never change its steps."""
    definition = FlowDefinition.objects.filter(business_type=business_type, live=True).first()
    if definition is None or definition.live_revision_id is None:
        raise BusinessError(
            _("该业务暂未开放网上办理，请致电客服热线咨询。"), code="business_not_available"
        )
    try:
        with transaction.atomic():
            return Application.objects.create(
                client=client,
                business_type=business_type,
                flow_revision_id=definition.live_revision_id,
                pinned_documents={
                    str(document_id): rendition.pk
                    for document_id, rendition in document_snapshots_live(
                        business_type=business_type
                    ).items()
                },
                acceptance_number=acceptance_number_next(
                    business_type=business_type, branch_code=client.branch.code
                ),
            )
    except IntegrityError as error:
        raise BusinessError(
            _("您有一笔正在办理的业务，请在“我的业务”中继续办理或放弃后再申请。"),
            code="pending_business_exists",
        ) from error


def application_abandon(*, application: Application, client) -> Application:
    """The investor gives up a pending business (it stays in "my business" as abandoned)."""
    with transaction.atomic():
        locked = lock(Application, pk=application.pk, client=client)
        if locked.state not in (
            ApplicationState.IN_PROGRESS,
            ApplicationState.RETURNED,
            ApplicationState.REJECTED,
        ):
            raise BusinessError(
                _("该业务当前状态不能放弃，如有疑问请致电客服热线。"), code="cannot_abandon"
            )
        locked.abandon()
        locked.save()
        audit_record(
            action="application.abandon", actor_label=f"investor:{client.pk}", target=locked
        )
    return locked


def step_save(
    *, application: Application, step_name: str, version: int, result: StepResult
) -> StepRecord:
    """Store a step's submission. `version` is the record version the form was shown with: a
    form posted twice finds the version moved on and changes nothing the second time. When a
    completed step changes, the later steps (not locked) must be confirmed again."""
    with transaction.atomic():
        locked = lock(Application, pk=application.pk)
        if not locked.is_editable:
            raise BusinessError(_("该业务当前不能修改。"), code="not_editable")
        record, _created = StepRecord.objects.select_for_update().get_or_create(
            application=locked, kind=step_name
        )
        if record.version != version:
            return record  # already handled: a double post or a stale page
        changed = result.data is not None and result.data != record.data
        if result.data is not None:
            record.data = result.data
        if result.evidence is not None:
            record.evidence = result.evidence
        if result.done:
            record.completed_at = timezone.now()
            record.version += 1
        record.save()
        if result.done and changed:
            steps_reopen(application=locked, from_step=step_name, inclusive=False)
        if result.done and locked.returned_step == step_name:
            locked.resume()
            locked.save()
    return record


def step_evidence_merge(
    *, application: Application, step_name: str, update: dict[str, Any]
) -> StepRecord:
    """Merge keys into a step's evidence under a row lock (background calls of a step, such as
    "agreement X scrolled to its end at T", may arrive concurrently)."""
    with transaction.atomic():
        lock(Application, pk=application.pk)
        record, _ = StepRecord.objects.select_for_update().get_or_create(
            application=application, kind=step_name
        )
        record.evidence = {**record.evidence, **update}
        record.save(update_fields=["evidence"])
    return record


def steps_reopen(*, application: Application, from_step: str, inclusive: bool = True) -> list[str]:
    """Make a step (unless not `inclusive`) and every later one to be done again: a changed
    step is confirmed again downstream; a new certificate needs a new video witness. Call
    inside the caller's transaction, with the application locked; returns the names reopened."""
    from .engine import flow_steps

    names = [step.name for step in flow_steps(application)]
    if from_step not in names:
        return []
    reopened = names[names.index(from_step) + (0 if inclusive else 1) :]
    StepRecord.objects.filter(application=application, kind__in=reopened).update(completed_at=None)
    return reopened
