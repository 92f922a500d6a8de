"""Response headers: the Content-Security-Policy (no inline script on investor pages, consoles
and staff pages), `Cache-Control: no-store` wherever someone is logged in, and templates that
would need inline script under that policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clients.auth import SESSION_KEY
from staff.roles import Role
from tests.factories import ClientFactory, staff_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def investor_session(http) -> None:
    session = http.session
    session[SESSION_KEY] = ClientFactory().pk
    session.save()


@pytest.mark.parametrize("path", ["/investor/login/", "/staff/login/", "/signing/verify/"])
def test_public_pages_forbid_inline_and_foreign_scripts(client, path):
    policy = directives(client.get(path))
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


def test_investor_pages_forbid_inline_scripts(client):
    investor_session(client)
    response = client.get("/business/")
    assert directives(response)["script-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("role", "path"),
    [(Role.REVIEWER, "/console/review/"), (Role.WITNESS_AGENT, "/console/witness/")],
)
def test_consoles_forbid_inline_scripts_and_are_never_cached(client, role, path):
    from tests.factories import BranchFactory

    client.force_login(staff_user("someone", role, BranchFactory()))
    response = client.get(path)
    assert directives(response)["script-src"] == ["'self'"]
    assert "no-store" in response["Cache-Control"]


def test_the_cms_allows_its_own_inline_scripts_but_nothing_foreign(client):
    client.force_login(staff_user("admin", Role.ADMINISTRATOR))
    policy = directives(client.get("/cms/"))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_the_api_docs_need_no_inline_script(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert directives(response)["script-src"] == ["'self'"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html)


def test_step_pages_and_my_business_are_never_cached(client):
    investor_session(client)
    for path in ["/business/", "/business/enter/"]:
        response = client.get(path)
        assert "no-store" in response.get("Cache-Control", ""), path


def test_the_login_page_showing_a_masked_mobile_is_not_cached(client):
    assert "no-store" in client.get("/investor/login/")["Cache-Control"]


def test_public_ca_files_keep_their_own_caching(client):
    from signing.authority import ca_init

    ca_init(organisation="测试期货")
    response = client.get("/signing/crl/issuing.crl")
    assert response["Cache-Control"] == "public, max-age=3600"


# --- templates that would break under the policy ------------------------------------------------
TEMPLATE_DIRS = [
    p for p in ROOT.glob("**/templates") if ".venv" not in p.parts and "node_modules" not in p.parts
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def project_templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_the_project_has_templates_to_check():
    assert len(project_templates()) > 20


@pytest.mark.parametrize("path", project_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_event_handlers(path):
    # The PDF templates never reach a browser: weasyprint runs no script.
    html = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(html), "inline <script>: move it to a static file"
    assert not HANDLER.search(html), "on…= handler: use a data- attribute and a static script"
    assert not JS_URL.search(html), "javascript: URL"


def test_a_page_answering_a_post_stays_out_of_shared_caches_but_in_the_history(client):
    # given an investor posting a step form that is shown again (here: the language switch)
    investor_session(client)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/business/"})
    # then: kept by no proxy, but the back button can still show it
    assert response["Cache-Control"] == "private, no-cache"
