"""What a business produced beyond its step records (signed PDFs, later perhaps recordings), for
the pages of flows that show a business: "my business" and the review console.

flows imports no capability app, so each capability registers a provider here from its
AppConfig.ready(); a provider is asked for one application and one audience and answers with
plain `Output`s (a title, a link for that audience, labelled detail lines)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .models import Application

Audience = Literal["investor", "staff"]
AUDIENCES: tuple[Audience, ...] = ("investor", "staff")


@dataclass(frozen=True)
class Output:
    title: str
    url: str
    details: tuple[tuple[str, str], ...] = ()  # (label, value): versions, hashes, times
    warnings: tuple[str, ...] = ()  # e.g. "signed with a certificate revoked since"


Provider = Callable[[Application, Audience], list[Output]]

_providers: dict[str, Provider] = {}


def provider_register(name: str, provider: Provider) -> Provider:
    """Register (or, with the same name, replace: ready() may run more than once) a provider."""
    _providers[name] = provider
    return provider


def application_outputs(*, application: Application, audience: Audience) -> list[Output]:
    """Every registered provider's outputs for this application, in registration order. The
    audience decides the links: an investor's and a staff member's downloads are different views
    with different permission checks."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    outputs: list[Output] = []
    for provider in _providers.values():
        outputs.extend(provider(application, audience))
    return outputs
