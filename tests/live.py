"""A real server for the tests that attack it: the demo (migrated and seeded) served by uvicorn
exactly as `make demo` serves it, on a free 127.0.0.1 port, in another process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from common.serving import uvicorn_command

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log: Path

    def rss_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_env(tmp: Path, port: int, **overrides: str) -> dict[str, str]:
    """The embedded defaults (SQLite in tmp, in-memory layers, inline tasks) unless overridden."""
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
        REDIS_URL="",
        DEBUG="true",
        PORT=str(port),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    Path(env["STATIC_ROOT"]).mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def wait_healthy(server: LiveServer, within: float = 60) -> None:
    deadline = time.monotonic() + within
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.2)
    raise RuntimeError(f"/healthz did not answer 200 ({last}):\n{server.log_text()[-3000:]}")


@contextmanager
def served(env: dict[str, str], tmp: Path, *, prepare: bool = True) -> Iterator[LiveServer]:
    """Migrate and seed (unless `prepare` is False), then serve until the block ends."""
    if prepare:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
    port = int(env["PORT"])
    log = tmp / f"server-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            uvicorn_command("127.0.0.1", port),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
