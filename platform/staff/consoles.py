"""What the capabilities register with the staff base app: their consoles (a link on the staff
home page), the permission that makes someone hold a console's role, and the permissions a role
needs on their models. staff names none of them: video registers the witness console, flows
the review console and the flow definitions, from their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from .roles import Role


@dataclass(frozen=True)
class Console:
    role: Role
    title: str | Promise
    url_name: str  # reversed when shown
    permission: str  # "app_label.codename": holding it is holding the role
    description: str | Promise = ""
    order: int = 100

    def url(self) -> str:
        return reverse(self.url_name)


_consoles: dict[str, Console] = {}
_role_permissions: dict[Role, dict[str, tuple[str, ...]]] = {}


def console_register(name: str, console: Console) -> Console:
    """Register a console (again, identically: ready() may run more than once). Another
    console under the same name, or a second console for a role, is refused at start-up."""
    existing = _consoles.get(name)
    if existing is not None and existing != console:
        raise ValueError(f"console {name!r} is registered twice")
    for other_name, other in _consoles.items():
        if other_name != name and other.role == console.role:
            raise ValueError(f"role {console.role} already has the console {other_name!r}")
    _consoles[name] = console
    return console


def consoles() -> list[Console]:
    return sorted(_consoles.values(), key=lambda console: (console.order, str(console.title)))


def console_of(role: Role) -> Console | None:
    return next((console for console in _consoles.values() if console.role == role), None)


def role_permissions_register(source: str, role: Role, codes: Iterable[str]) -> None:
    """Permissions ("app_label.codename") a role needs on a capability's models; `source`
    names the capability (registering again replaces its own entry)."""
    _role_permissions.setdefault(role, {})[source] = tuple(codes)


def registered_permissions(role: Role) -> list[str]:
    """Every permission registered for a role: its console's and its model permissions."""
    codes = [code for entry in _role_permissions.get(role, {}).values() for code in entry]
    console = console_of(role)
    if console is not None:
        codes.append(console.permission)
    return codes
