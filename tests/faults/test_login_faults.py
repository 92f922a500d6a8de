"""Parts stopping in the middle of a login, against the server as production runs it (uvicorn,
PostgreSQL, Redis as cache and broker, a Celery worker): Redis gone between the captcha and the
SMS code, the worker stopped while a code waits to be sent, the database connection cut between
the code and the login. Each time the investor's state stays consistent, nothing is lost or done
twice, and the work completes once the part is back.

The services are reached through relays (proxy.py) that the test cuts; the real PostgreSQL and
Redis are never stopped (they are shared)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from urllib.parse import urlparse

import httpx
import pytest
from cryptography.fernet import Fernet

from tests.live import ROOT, demo_env, free_port, manage, served
from tests.load.investors import DEMO_DATA_KEY, load_id_number, load_mobile, prepare_clients

from .proxy import Relay

pytestmark = pytest.mark.integration
DATABASE = "h16_faults"


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    import os

    import psycopg
    import redis

    pg = os.environ.get("DATABASE_URL", "")
    rd = os.environ.get("REDIS_URL", "")
    if not pg.startswith("postgres") or not rd.startswith("redis"):
        pytest.skip("fault tests: set DATABASE_URL (PostgreSQL) and REDIS_URL")
    direct = pg.rsplit("/", 1)[0] + f"/{pg.rsplit('/', 1)[1]}_faults"
    with psycopg.connect(_admin_url(pg), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{urlparse(direct).path[1:]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{urlparse(direct).path[1:]}"')
    redis.Redis.from_url(rd).flushdb()
    pg_parts, rd_parts = urlparse(direct), urlparse(rd)
    pg_relay = Relay(pg_parts.hostname, pg_parts.port or 5432).start()
    rd_relay = Relay(rd_parts.hostname, rd_parts.port or 6379).start()
    tmp = tmp_path_factory.mktemp("faults")
    env = demo_env(
        tmp,
        free_port(),
        DATABASE_URL=f"postgres://{pg_parts.username}@127.0.0.1:{pg_relay.port}{pg_parts.path}",
        REDIS_URL=f"redis://127.0.0.1:{rd_relay.port}{rd_parts.path or '/0'}",
        CELERY_TASK_ALWAYS_EAGER="false",
        DEBUG="false",  # the pages production shows, not Django's debug pages
    )
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    prepare_clients(lambda *a: manage(env, *a), tmp, 6)
    worker = Worker(env, tmp)
    worker.start()
    with served(env, tmp, prepare=False) as server:
        yield Stack(server.url, env, direct, pg_relay, rd_relay, worker)
    worker.stop()
    pg_relay.cut()
    rd_relay.cut()


class Worker:
    def __init__(self, env, tmp) -> None:
        self.env, self.log = env, tmp / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "onboarding", "worker", "-l", "info",
                 "--pool", "solo", "--concurrency", "1"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # warm shutdown: a running task finishes
            self.process.wait(timeout=60)


class Stack:
    def __init__(self, url, env, direct, pg_relay, rd_relay, worker) -> None:
        self.url, self.env, self.direct = url, env, direct.replace("postgres://", "postgresql://")
        self.pg_relay, self.rd_relay, self.worker = pg_relay, rd_relay, worker
        self.fernet = Fernet(DEMO_DATA_KEY.encode())

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.direct) as conn:
            return conn.execute(sql, params).fetchall()

    def messages(self, mobile: str) -> list[tuple[str, str, int]]:
        """(status, code, attempts) of every SMS to this mobile, oldest first."""
        found = []
        for status, number, text, attempts in self.query(
            "SELECT status, mobile, text, attempts FROM sms_smsmessage ORDER BY id"
        ):
            if self.fernet.decrypt(number.encode()).decode() == mobile:
                plain = self.fernet.decrypt(text.encode()).decode()
                found.append((status, re.search(r"\d{6}", plain).group(), attempts))
        return found

    def wait_for(self, check, within: float = 90) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.5)
        raise AssertionError("the work did not complete once the part was back")


class Browser:
    """One investor's browser: the login page, "获取验证码", "马上登录"."""

    def __init__(self, stack: Stack, n: int) -> None:
        self.stack, self.n = stack, n
        self.http = httpx.Client(base_url=stack.url, timeout=60)
        page = self.http.get("/investor/login/").text
        self.captcha = re.search(r'name="captcha_0" value="([0-9a-f]+)"', page).group(1)
        self.rendition = re.search(r'name="privacy_rendition" value="(\d+)"', page).group(1)
        self.identity = {"id_number": load_id_number(n), "account_type": "individual"}

    def csrf(self) -> dict:
        return {"csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}

    def ask_code(self) -> httpx.Response:
        (answer,) = self.stack.query(
            "SELECT response FROM captcha_captchastore WHERE hashkey = %s", (self.captcha,)
        )[0]
        return self.http.post(
            "/investor/sms-code/",
            data={**self.csrf(), **self.identity, "captcha_0": self.captcha, "captcha_1": answer},
            headers={"Accept": "application/json"},
        )

    def log_in(self, code: str) -> httpx.Response:
        return self.http.post(
            "/investor/login/",
            data={**self.csrf(), **self.identity, "sms_code": code, "consent": "on",
                  "privacy_rendition": self.rendition},
        )  # fmt: skip

    def consents(self) -> int:
        return self.stack.query(
            "SELECT count(*) FROM clients_privacyconsent c JOIN clients_client k "
            "ON k.id = c.client_id WHERE k.client_no = %s",
            (f"7{self.n:07d}",),
        )[0][0]


def test_redis_gone_between_captcha_and_code_loses_nothing(stack):
    # given an investor at the login page, and Redis (cache, broker) stopping
    browser = Browser(stack, 1)
    stack.rd_relay.cut()
    try:
        # when the code is asked for, and the investor logs in
        began = time.monotonic()
        response = browser.ask_code()
        assert response.status_code == 200, response.text
        assert time.monotonic() - began < 15
        ((status, code, _attempts),) = stack.messages(load_mobile(1))
        assert status == "pending"  # kept, waiting for the broker
        assert browser.log_in(code).status_code == 302
    finally:
        stack.rd_relay.restore()
    # then once Redis is back the waiting message is queued again and sent, once
    manage(
        stack.env,
        "shell",
        "-c",
        "import datetime; from django.utils import timezone; from sms.services import "
        "sms_redrive; sms_redrive(now=timezone.now() + datetime.timedelta(minutes=2))",
    )
    stack.wait_for(lambda: stack.messages(load_mobile(1))[0][0] == "delivered")
    assert [(s, a) for s, _c, a in stack.messages(load_mobile(1))] == [("delivered", 1)]
    assert browser.consents() == 1


def test_a_stopped_worker_delays_the_code_and_loses_nothing(stack):
    # given the worker stopped
    stack.worker.stop()
    try:
        browser = Browser(stack, 2)
        # when a code is asked for
        assert browser.ask_code().status_code == 200
        time.sleep(2)
        ((status, code, _),) = stack.messages(load_mobile(2))
        assert status == "pending"
    finally:
        # then the worker, started again, sends it (from the broker), once
        stack.worker.start()
    stack.wait_for(lambda: stack.messages(load_mobile(2))[0][0] == "delivered")
    assert [(s, a) for s, _c, a in stack.messages(load_mobile(2))] == [("delivered", 1)]
    assert browser.log_in(code).status_code == 302


def test_the_database_cut_between_code_and_login_keeps_the_code(stack):
    # given a code on its way
    browser = Browser(stack, 3)
    assert browser.ask_code().status_code == 200
    ((_status, code, _),) = stack.messages(load_mobile(3))
    # when the database connection is cut as the investor logs in
    stack.pg_relay.cut()
    try:
        refused = browser.log_in(code)
    finally:
        stack.pg_relay.restore()
    # then a clear "try again", nothing recorded, and the same code works once it is back
    assert refused.status_code == 503, refused.text[:300]
    assert "Retry-After" in refused.headers
    assert browser.consents() == 0
    assert browser.log_in(code).status_code == 302
    assert browser.consents() == 1
    statuses = stack.query(
        "SELECT c.status FROM clients_logincode c JOIN clients_client k ON k.id = c.client_id "
        "WHERE k.client_no = %s",
        (f"7{3:07d}",),
    )
    assert statuses == [("used",)]


def test_healthz_says_which_part_is_down(stack):
    stack.rd_relay.cut()
    try:
        response = httpx.get(f"{stack.url}/healthz", timeout=30)
    finally:
        stack.rd_relay.restore()
    assert response.status_code == 503
    assert "redis" in response.json()["failing"]
