"""Who acts on an application. Every service of the flow takes an `Actor`, never a request: the
investor's pages, the agent's console, the reviewer's console and the REST API all build one
and call the same services, so each rule is written once.

- investor: the client the application belongs to, logged in with ID number + SMS code;
- agent: a witness agent (staff), only for applications of their own branch;
- reviewer: a reviewer (staff), for any branch;
- integrator: an integrator's API key acting on an investor's behalf (the key's owner is staff);
- system: the platform itself (timeouts, tasks, management commands)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from clients.models import Client


class ActorKind(StrEnum):
    INVESTOR = "investor"
    AGENT = "agent"
    REVIEWER = "reviewer"
    INTEGRATOR = "integrator"
    SYSTEM = "system"


ACTOR_LABELS = {
    ActorKind.INVESTOR: _("投资者"),
    ActorKind.AGENT: _("见证坐席"),
    ActorKind.REVIEWER: _("复核员"),
    ActorKind.INTEGRATOR: _("对接系统"),
    ActorKind.SYSTEM: _("系统"),
}

# Those who may do what the investor does in the flow: the investor, and an integrator's app
# driving the flow on the investor's behalf.
ON_INVESTORS_BEHALF = frozenset({ActorKind.INVESTOR, ActorKind.INTEGRATOR})


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    client: Client | None = None  # the investor (for an investor)
    user: Any = None  # the staff account (agent, reviewer, integrator key's owner)
    name: str = ""  # for the system: which part of it ("queue timeout", "demo_sign")

    @classmethod
    def investor(cls, client: Client) -> Actor:
        return cls(ActorKind.INVESTOR, client=client)

    @classmethod
    def agent(cls, user: Any) -> Actor:
        return cls(ActorKind.AGENT, user=user)

    @classmethod
    def reviewer(cls, user: Any) -> Actor:
        return cls(ActorKind.REVIEWER, user=user)

    @classmethod
    def integrator(cls, user: Any) -> Actor:
        return cls(ActorKind.INTEGRATOR, user=user)

    @classmethod
    def system(cls, name: str = "") -> Actor:
        return cls(ActorKind.SYSTEM, name=name)

    @property
    def is_staff(self) -> bool:
        return self.user is not None

    @property
    def label(self) -> str:
        """How the audit log and events name the actor: never a name or an ID number."""
        if self.kind == ActorKind.INVESTOR and self.client is not None:
            return f"investor:{self.client.pk}"
        if self.user is not None:
            return f"{self.kind}:{self.user.get_username()}"
        return f"system:{self.name}" if self.name else "system"

    def __str__(self) -> str:
        return self.label
