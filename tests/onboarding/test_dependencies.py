"""Dependencies point one way (DESIGN.md): the project package wires everything → the capability
apps (video, signing, revisit, webhooks) → flows → content, themes and the base apps in
platform/. A base app names no app above it (not in an import, not in a URL name, not in a
template), and flows names no capability: they register what the base shows of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE_APPS = [p for p in (ROOT / "platform").iterdir() if p.is_dir() and p.name != "onboarding"]
CAPABILITIES = ("video", "signing", "revisit", "webhooks")
ABOVE_THE_BASE = ("flows", *CAPABILITIES)


def _sources(folder: Path):
    for path in folder.rglob("*"):
        if path.suffix in (".py", ".html", ".js") and "migrations" not in path.parts:
            yield path


def _mentions(path: Path, apps: tuple[str, ...]) -> list[str]:
    names = "|".join(apps)
    patterns = [
        rf"^\s*(from|import)\s+({names})\b",  # an import
        rf"""["']({names}):[\w-]+["']""",  # a URL name
        rf"""["']({names})\.[\w]+["']""",  # a permission or a dotted path
    ]
    text = path.read_text(errors="replace")
    return [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}: {match.group(0)}"
        for pattern in patterns
        for match in re.finditer(pattern, text, re.M)
    ]


@pytest.mark.parametrize("app", BASE_APPS, ids=lambda p: p.name)
def test_a_base_app_names_no_app_above_it(app):
    found = [m for path in _sources(app) for m in _mentions(path, ABOVE_THE_BASE)]
    assert found == []


@pytest.mark.parametrize("folder", ["flows", "content", "themes"])
def test_flows_content_and_themes_name_no_capability(folder):
    found = [m for path in _sources(ROOT / folder) for m in _mentions(path, CAPABILITIES)]
    assert found == []
