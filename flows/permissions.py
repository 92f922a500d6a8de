"""Who may see which application. "May change" is another question, answered by the lifecycle
(`Application.change_steps` and each transition's permission) in the services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from staff.roles import Role
from staff.selectors import agent_branch_id, user_has_role

from .actors import Actor, ActorKind
from .models import Application

STAFF_ROLE = {
    ActorKind.AGENT: Role.WITNESS_AGENT,
    ActorKind.REVIEWER: Role.REVIEWER,
    ActorKind.INTEGRATOR: Role.INTEGRATOR,
}


def actor_may_view(actor: Actor, application: Application) -> bool:
    """The investor their own; an agent their branch's; reviewers, integrators and the system
    any. A staff actor must hold the role of its kind."""
    if actor.kind == ActorKind.SYSTEM:
        return True
    if actor.kind == ActorKind.INVESTOR:
        return actor.client is not None and actor.client.pk == application.client_id
    if actor.user is None or not user_has_role(actor.user, STAFF_ROLE[actor.kind]):
        return False
    if actor.kind == ActorKind.AGENT:
        branch = agent_branch_id(actor.user)
        return branch is not None and branch == application.client.branch_id
    return True


def applications_visible(actor: Actor) -> QuerySet[Application]:
    """The applications `actor_may_view` lets this actor see, as a query (the API's lists)."""
    applications = Application.objects.select_related("client", "client__branch")
    if actor.kind == ActorKind.SYSTEM:
        return applications
    if actor.kind == ActorKind.INVESTOR:
        return applications.filter(client=actor.client) if actor.client else applications.none()
    if actor.user is None or not user_has_role(actor.user, STAFF_ROLE[actor.kind]):
        return applications.none()
    if actor.kind == ActorKind.AGENT:
        branch = agent_branch_id(actor.user)
        return applications.filter(client__branch_id=branch) if branch else applications.none()
    return applications


def application_check_visible(*, actor: Actor, application: Application) -> None:
    """Refuse, as if it did not exist, an application the actor may not see."""
    if not actor_may_view(actor, application):
        raise BusinessError(_("未找到该业务。"), code="not_found")
