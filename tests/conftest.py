"""Shared fixtures. Integration tests ask for `postgres_url` / `redis_url`: they run against the
real servers named by DATABASE_URL / REDIS_URL (CI sets both) and are skipped, saying why, when
those are not set or do not answer."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # whitenoise warns at every request handler it is built into when STATIC_ROOT is missing,
    # as it is in a clean clone (collectstatic is the deployment's step, not the tests')
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port), timeout=1):
            return True
    except OSError:
        return False


def _service_url(variable: str, schemes: tuple[str, ...], what: str) -> str:
    url = os.environ.get(variable, "")
    if not url.startswith(schemes):
        pytest.skip(f"{what} integration test: set {variable} to a {schemes[0]} URL to run it")
    if not _reachable(url):
        pytest.skip(f"{what} integration test: {variable} does not answer ({urlparse(url).netloc})")
    return url


@pytest.fixture
def redis_url() -> str:
    return _service_url("REDIS_URL", ("redis://", "rediss://"), "Redis")


@pytest.fixture
def postgres_url() -> str:
    return _service_url("DATABASE_URL", ("postgres://", "postgresql://"), "PostgreSQL")


@pytest.fixture
def demo(db) -> None:
    """The demo company, clients and staff (as `make demo` loads them)."""
    from fixtures.services import demo_seed

    demo_seed()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in English (the test client runs it
    in this thread, and LocaleMiddleware leaves it active) must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _themes_forgotten():
    """The cached themes (themes.models.CACHE_KEY, and the process's kept copies) belong to one
    test's database: a rolled-back test leaves them behind without the signal that empties them."""
    from themes.models import _forget

    _forget()
    yield
