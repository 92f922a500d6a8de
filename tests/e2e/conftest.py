"""Browser tests: the demo served by uvicorn (as `make demo` serves it) in another process,
driven by Debian's chromium through Playwright's sync API.

One server and one browser serve every test in this folder; each test gets a fresh browser
context (no cookies or storage shared between tests). The server and the browser are
package-scoped, not session-scoped: while Playwright's sync API is alive it marks its event loop
as running in the main thread, which would break the async (pytest-asyncio, channels) tests of
other folders. Package scope ends both as soon as the last test in tests/e2e has run.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from common.serving import uvicorn_command

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DEMO_PASSWORD = "demo123456"  # fixtures/data.py: every demo staff account
SERVER_START_TIMEOUT = 60
DEFAULT_TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _skip_reason() -> str | None:
    if _chromium() is None:
        return "browser test: chromium is not installed (/usr/bin/chromium, or on PATH)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser test: the playwright package is not installed"
    return None


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser`, and skip them all, saying why, without chromium.

    The hook sees the whole session's items: only those under tests/e2e are touched.
    """
    reason = _skip_reason()
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


# --- the server ---------------------------------------------------------------------------


def _server_env(tmp: Path, port: int) -> dict[str, str]:
    """The embedded demo defaults: SQLite in tmp, in-memory channel layer, inline Celery."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "REDIS_", "DATABASE_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="onboarding.settings.demo",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_STORAGE="local",
        # Empty, not absent: a developer's .env cannot point the test server at Redis.
        REDIS_URL="",
        # as `make demo` serves it: the product's own error pages, not Django's debug pages
        DEBUG="false",
        PORT=str(port),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )


def _wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"the server exited with {server.returncode} before answering {url}:\n{_tail(log)}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}: {error.read()[:300]!r}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.25)
    raise RuntimeError(
        f"{url} did not answer 200 within {SERVER_START_TIMEOUT} s (last: {last}).\n"
        f"Server log ({log}):\n{_tail(log)}"
    )


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@pytest.fixture(scope="package")
def live_server_url(tmp_path_factory) -> Iterator[str]:
    """The demo (migrated and seeded) served as `make demo` serves it, on a free 127.0.0.1 port.

    A real server in another process, as in production: websockets, the ASGI stack and the
    seeded demo data are all there, and nothing of pytest-django's test database is involved.
    """
    tmp = tmp_path_factory.mktemp("e2e-server")
    port = _free_port()
    env = _server_env(tmp, port)
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    log = tmp / "server.log"
    command = uvicorn_command("127.0.0.1", port)
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(f"{base_url}/healthz", server, log)
        yield base_url
    finally:
        _stop(server)


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="package")
def playwright():
    """Playwright's sync API: plain sync tests only (it refuses to start in a running loop)."""
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="package")
def browser(playwright):
    """One headless Debian chromium, with a fake camera and microphone that need no prompt."""
    browser = playwright.chromium.launch(
        executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


def _new_context(browser, base_url: str, **options):
    context = browser.new_context(
        base_url=base_url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        permissions=["camera", "microphone"],
        **options,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS * 2)
    return context


@pytest.fixture
def context(browser, live_server_url):
    """A fresh desktop context per test: no cookies, session or IndexedDB carried over."""
    context = _new_context(browser, live_server_url, viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A desktop page; `page.goto("/")` resolves against the live server."""
    return context.new_page()


@pytest.fixture
def phone_context(browser, live_server_url):
    """A fresh phone-sized context (an iPhone 12-class screen with touch)."""
    context = _new_context(
        browser,
        live_server_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield context
    context.close()


@pytest.fixture
def phone_page(phone_context):
    """A page on a phone viewport: the investor flow is mobile first."""
    return phone_context.new_page()


# --- helpers ------------------------------------------------------------------------------


@dataclass
class PageWatch:
    """What a page asked for and complained about, to assert no outside requests or errors."""

    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def outside(self, base_url: str) -> list[str]:
        """Requests and websockets that went anywhere but the live server (data: URLs are not
        requests)."""
        http = base_url.rstrip("/") + "/"
        ws = "ws" + http.removeprefix("http")
        return [url for url in self.requests if not url.startswith(http)] + [
            url for url in self.websockets if not url.startswith(ws)
        ]

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors


@pytest.fixture
def watch() -> Callable[..., PageWatch]:
    """`watch(page)` before `page.goto`: records requests, websockets, console and JS errors."""

    def attach(page) -> PageWatch:
        seen = PageWatch()
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("websocket", lambda socket: seen.websockets.append(socket.url))
        page.on(
            "console",
            lambda message: (
                seen.console_errors.append(f"{message.text} @ {message.location.get('url')}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
        return seen

    return attach


def staff_login(page, username: str, password: str = DEMO_PASSWORD, next_url: str = "") -> None:
    """Signs in through the real staff login form (and the second factor).

    Fails with the form's error text when the login is refused, instead of a later timeout.
    """
    page.goto("/staff/login/" + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    if page.url.split("?")[0].endswith("/staff/login/"):
        errors = page.locator(".errorlist").all_inner_texts()
        raise AssertionError(f"staff login as {username!r} refused: {errors}")
    if page.url.split("?")[0].endswith("/staff/otp/"):
        _second_factor(page, username)


@pytest.fixture
def login_staff(live_server_url) -> Callable[..., None]:
    """`login_staff(page, "agent_bj")`: signs in through the real staff login form."""
    return staff_login


@pytest.fixture(scope="package")
def staff_page(browser, live_server_url) -> Iterator[Callable[[str], object]]:
    """`staff_page("reviewer")`: a desktop page of that staff member, signed in once for the
    whole folder (each sign-in spends a 30-second authenticator code, so journeys that need the
    same agent or reviewer several times share one signed-in browser context)."""
    pages: dict[str, object] = {}
    contexts = []

    def get(username: str):
        if username not in pages:
            context = _new_context(
                browser, live_server_url, viewport={"width": 1280, "height": 800}
            )
            contexts.append(context)
            pages[username] = context.new_page()
            staff_login(pages[username], username)
        return pages[username]

    try:
        yield get
    finally:
        for context in contexts:
            context.close()


_STEPS_USED: dict[str, int] = {}  # username -> the last 30-second step whose code it used


def _second_factor(page, username: str) -> None:
    """The demo's published authenticator secret. A code serves once (a device remembers the
    last step it accepted, and takes one step ahead at most), and each wrong code counts toward
    the account's lock-out: so every sign-in uses a step after the last one used, waiting for
    the clock when it would be more than one ahead, rather than trying a used code."""
    from fixtures.management.commands.demo_totp import demo_totp_now

    for _attempt in range(2):
        now = int(time.time()) // 30
        step = max(now, _STEPS_USED.get(username, now - 1) + 1)
        if step > now + 1:  # wait until that step is at most one ahead
            time.sleep((step - 1) * 30 - time.time() + 0.5)
            now = int(time.time()) // 30
        page.fill("#id_token", demo_totp_now(step - now))
        with page.expect_navigation():
            page.click("form.stacked button[type=submit]")
        _STEPS_USED[username] = step
        if not page.url.split("?")[0].endswith("/staff/otp/"):
            return
    errors = page.locator(".field-error").all_inner_texts()
    raise AssertionError(f"second factor of {username!r} refused: {errors}")


@pytest.fixture(scope="package")
def server_env(live_server_url, tmp_path_factory) -> dict[str, str]:
    """The live server's environment (its SQLite database, media, settings), for a test that
    must read what the server stored, e.g. the answer to a graphic captcha. Rebuilt from the
    folder `live_server_url` made, so that fixture stays as it is."""
    folders = [
        folder
        for folder in sorted(tmp_path_factory.getbasetemp().glob("e2e-server*"))
        if not folder.is_symlink()  # pytest's "...current" link to the newest one
    ]
    if len(folders) != 1:
        raise RuntimeError(f"expected one e2e server folder, found {folders}")
    port = int(live_server_url.rsplit(":", 1)[1])
    return _server_env(folders[0], port)


def restore_demo_client(server_env: dict[str, str], id_number: str) -> None:
    """Arrange: the demo client as `seed_demo` made it, whatever earlier tests on this server
    did (photos on file, a suitability assessment answered), so a journey that needs the
    client's first visit does not depend on the order the tests run in. Businesses are left
    alone: the journeys abandon a pending one through "my business", as an investor does."""
    from fixtures.data import CLIENTS

    (demo,) = [client for client in CLIENTS if client.id_number == id_number]
    database = server_env["DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(database, timeout=30)) as db, db:
        (client_id,) = db.execute(
            "SELECT id FROM clients_client WHERE client_no = ?", (demo.client_no,)
        ).fetchone()
        db.execute("DELETE FROM photos_idphoto WHERE client_id = ?", (client_id,))
        db.execute(
            "UPDATE clients_client SET suitability_class = ?, suitability_expires = ? WHERE id = ?",
            (
                demo.suitability_class,
                demo.suitability_expires.isoformat() if demo.suitability_expires else None,
                client_id,
            ),
        )
