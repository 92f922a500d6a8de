"""Starting an application: its acceptance number, its pinned flow and documents."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from clients.models import Client
from common.exceptions import BusinessError
from content.selectors import document_snapshots_live

from ..actors import Actor
from ..events import event_record
from ..models import BUSINESS_PREFIX, AcceptanceCounter, Application, BusinessType, FlowDefinition


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


def application_start(
    *,
    client: Client,
    business_type: str = BusinessType.ADD_TRADING_CODE,
    actor: Actor | None = None,
) -> Application:
    """Open a new business for a client, unless one is already pending. The application pins
    the live revision of the business's flow definition and of every live document: later
    edits never change its steps or what its investor reads and signs."""
    actor = actor or Actor.investor(client)
    definition = FlowDefinition.objects.filter(business_type=business_type, live=True).first()
    if definition is None or definition.live_revision_id is None:
        raise BusinessError(
            _("该业务暂未开放网上办理，请致电客服热线咨询。"), code="business_not_available"
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
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
            audit_record(
                action="application.start",
                actor=actor.user,
                actor_label=actor.label,
                target=application,
                data={"flow_revision": definition.live_revision_id},
            )
            event_record(
                name="application.started",
                application=application,
                actor=actor,
                payload={"state": application.state, "branch_id": client.branch_id},
            )
    except IntegrityError as error:
        raise BusinessError(
            _("您有一笔正在办理的业务，请在“我的业务”中继续办理或放弃后再申请。"),
            code="pending_business_exists",
        ) from error
    return application
