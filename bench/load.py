"""A bounded load test on loopback: N investors log in and walk steps 1–4 against the ASGI server
(uvicorn, as `make demo` and production run it), at most C at a time; p50/p95/max of every
request and the errors. PostgreSQL + Redis (+ a Celery worker) when --postgres/--redis are given,
the embedded SQLite otherwise; --plain-sqlite runs SQLite without WAL, busy timeout and IMMEDIATE
transactions (the "before" of issue 16). Only 127.0.0.1 is ever contacted.

    .venv/bin/python bench/load.py --investors 200 --concurrency 50 \\
        --postgres postgres://postgres@127.0.0.1:5432/h16_load --redis redis://127.0.0.1:6379/8
    .venv/bin/python bench/load.py --investors 50 --concurrency 50 --login-only [--plain-sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings.test")

from tests.live import demo_env, free_port, manage, served  # noqa: E402
from tests.load.investors import Peek, prepare_clients, walk  # noqa: E402

PLAIN_SQLITE = """
from onboarding.settings.demo import *  # noqa: F403
DATABASES["default"]["OPTIONS"] = {}  # noqa: F405
"""


def _fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _fresh_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--investors", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--redis", default="")
    parser.add_argument("--plain-sqlite", action="store_true")
    parser.add_argument("--login-only", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        tmp = Path(folder)
        overrides = {"TRUSTED_PROXIES": "127.0.0.1", "DEBUG": "false", "LOG_LEVEL": "WARNING"}
        if args.postgres:
            _fresh_postgres(args.postgres)
            overrides["DATABASE_URL"] = args.postgres
        if args.redis:
            _fresh_redis(args.redis)
            overrides["REDIS_URL"] = args.redis
        if args.plain_sqlite:
            (tmp / "plain_sqlite.py").write_text(PLAIN_SQLITE)
            overrides["DJANGO_SETTINGS_MODULE"] = "plain_sqlite"
            overrides["PYTHONPATH"] = f"{tmp}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
        env = demo_env(tmp, free_port(), **overrides)
        began = time.monotonic()
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        prepare_clients(lambda *a: manage(env, *a), tmp, args.investors)
        print(f"prepared in {time.monotonic() - began:.0f} s", file=sys.stderr)
        worker = None
        if args.redis:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "onboarding",
                    "worker",
                    "-l",
                    "warning",
                    "--concurrency",
                    "1",
                    "--pool",
                    "solo",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        try:
            with served(env, tmp, prepare=False) as server:
                peek = Peek(env["DATABASE_URL"])
                began = time.monotonic()
                timings = asyncio.run(
                    walk(
                        server.url,
                        peek,
                        args.investors,
                        concurrency=args.concurrency,
                        steps=not args.login_only,
                    )
                )
                elapsed = time.monotonic() - began
                rss = server.rss_mb()
                if timings.errors:
                    print(server.log_text()[-6000:], file=sys.stderr)
        finally:
            if worker:
                worker.terminate()
                worker.wait(timeout=30)
        report = {
            "database": "postgres"
            if args.postgres
            else ("sqlite-plain" if args.plain_sqlite else "sqlite"),
            "investors": args.investors,
            "concurrency": args.concurrency,
            "walk": "login" if args.login_only else "login + steps 1-4",
            "seconds": round(elapsed, 1),
            "server_rss_mb": round(rss),
            **timings.summary(),
            "first_errors": timings.errors[:5],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
