"""Step pages, side by side with a bare Django view of the same size (bench/urls.py), in one run:

- server time of each step page (an investor logged in, a real application at that step): median
  and p95 over alternating requests through Django's whole stack in one process, with the SQL
  queries each page makes;
- throughput: requests per second for a step page with 50 concurrent clients against the ASGI
  server (uvicorn, as `make demo` and production run it) on loopback, against the bare view;
- memory: the server's resident memory after the 10th and the 100th investor walked steps 1–4.

On PostgreSQL when one answers (BENCH_POSTGRES_URL, a database of its own that is recreated),
with Redis as the cache when one answers (BENCH_REDIS_URL, else REDIS_URL, else db 0 on
127.0.0.1: emptied first), as production runs; and on the embedded default (SQLite). Only
127.0.0.1 is contacted. Run by `make bench`, or alone:

    .venv/bin/python bench/pages.py [--journeys 100] [--sqlite-only] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from bench.database import sqlite_fresh  # noqa: E402
from tests.live import demo_env, free_port, manage, served  # noqa: E402
from tests.load.investors import Investor, Peek, Timings, prepare_clients, walk  # noqa: E402

STEPS = ("photos", "basic_info", "exchanges", "agreements", "witness")
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_pages"
)
RUNS = 40
CLIENTS = 50
REQUESTS = 300


def _postgres_fresh(url: str) -> bool:
    """Recreate the bench's database (a copy of the migrated template, bench/database.py);
    False when no PostgreSQL answers."""
    from bench.database import postgres_fresh

    return postgres_fresh(url)


def _production_cache() -> dict[str, str]:
    """The PostgreSQL run with Redis as production has it (the cache, so the sessions and the
    theme read through it), a database of Redis emptied first; tasks still run inline (no
    worker here). Nothing when no Redis answers."""
    from bench.fanout import REDIS_URL, _redis_answers

    if not _redis_answers(REDIS_URL):
        print(f"step pages: no Redis answers at {REDIS_URL}; PostgreSQL without a shared cache")
        return {}
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return {"REDIS_URL": REDIS_URL, "CELERY_TASK_ALWAYS_EAGER": "true"}


async def _investor_at(base_url: str, n: int, peek: Peek, steps_done: int):
    """Investor n logged in, with steps_done steps completed: (page path, session cookies)."""
    investor = Investor(base_url, n, peek, Timings())
    try:
        await investor.log_in()
        response = await investor.follow("/business/enter/")
        for _ in range(steps_done):
            path = response.url.path
            response = await investor.complete(
                path, path.rstrip("/").rsplit("/", 1)[-1], response.text
            )
        return response.url.path, dict(investor.http.cookies)
    finally:
        await investor.http.aclose()


async def _rate(base_url: str, path: str, cookies: dict[str, str]) -> tuple[float, int]:
    """Requests per second for `path`, CLIENTS at a time; and how many were not 200."""
    gate = asyncio.Semaphore(CLIENTS)
    failed = 0
    async with httpx.AsyncClient(
        base_url=base_url,
        cookies=cookies,
        timeout=60,
        limits=httpx.Limits(max_connections=CLIENTS, keepalive_expiry=3),
    ) as http:

        async def one() -> None:
            nonlocal failed
            async with gate:
                if (await http.get(path)).status_code != 200:
                    failed += 1

        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(REQUESTS)))
        return REQUESTS / (time.perf_counter() - began), failed


def _serve_and_measure(env: dict[str, str], tmp: Path, journeys: int) -> dict:
    manage(env, "migrate", "--noinput")
    from bench.database import keep_migrated

    keep_migrated(env["DATABASE_URL"])
    manage(env, "seed_demo")
    prepare_clients(lambda *a: manage(env, *a), tmp, len(STEPS) + journeys)
    found: dict = {"positions": {}, "rate": {}, "rss": {}}
    with served(env, tmp, prepare=False) as server:
        for n, kind in enumerate(STEPS):
            peek = Peek(env["DATABASE_URL"])  # one per event loop: it holds an asyncio lock
            path, cookies = asyncio.run(_investor_at(server.url, n, peek, n))
            if not path.rstrip("/").endswith(kind):
                raise SystemExit(f"investor {n} is at {path}, not at the {kind} step")
            found["positions"][kind] = (path, cookies)
        found["server_time"] = _server_time(server.url, found["positions"])
        # throughput: the exchanges page (a form with the exchanges of the CMS) against bare
        path, cookies = found["positions"]["exchanges"]
        size = len(httpx.get(server.url + path, cookies=cookies).content)
        rates: dict[str, list[float]] = {"step": [], "bare": []}
        for _ in range(2):  # taking turns, so that a busy machine slows both alike
            for name, url in (("step", path), ("bare", f"/bench/bare/{size}/")):
                rate, failed = asyncio.run(_rate(server.url, url, cookies))
                if failed:
                    raise SystemExit(f"{failed} of {REQUESTS} requests to {url} failed")
                rates[name].append(rate)
        found["rate"] = {name: max(values) for name, values in rates.items()}
        # memory over whole journeys (steps 1-4), ten at a time
        first = len(STEPS)
        if journeys:
            timings = asyncio.run(
                walk(server.url, Peek(env["DATABASE_URL"]), 10, concurrency=10, first=first)
            )
            found["rss"][10] = server.rss_mb()
            timings.errors += asyncio.run(
                walk(
                    server.url,
                    Peek(env["DATABASE_URL"]),
                    journeys - 10,
                    concurrency=10,
                    first=first + 10,
                )
            ).errors
            found["rss"][journeys] = server.rss_mb()
            found["journey_errors"] = timings.errors[:3]
    return found


def _timing(response: httpx.Response) -> tuple[float, float, int]:
    """The server's own time and its request thread's CPU time (ms), and the SQL queries of a
    request (bench/middleware.py)."""
    found = re.match(
        r'app;dur=([\d.]+), cpu;dur=([\d.]+), db;desc="(\d+)"', response.headers["server-timing"]
    )
    return float(found[1]), float(found[2]), int(found[3])


def _server_time(base_url: str, positions: dict) -> list[tuple]:
    """Per step page: the server times of the page and of the bare view of its size, taken in
    turns (so that load slows both alike), the page's SQL queries, and the CPU times of both."""
    rows = []
    with httpx.Client(base_url=base_url, timeout=60) as http:
        for kind, (path, cookies) in positions.items():
            http.cookies.clear()
            http.cookies.update(cookies)
            page = http.get(path)
            if page.status_code != 200:
                raise SystemExit(f"{kind}: {path} answered {page.status_code}")
            bare_url = f"/bench/bare/{len(page.content)}/"
            times: dict[str, list[float]] = {"step": [], "bare": []}
            cpu: dict[str, list[float]] = {"step": [], "bare": []}
            queries = 0
            for _ in range(RUNS):
                for name, url in (("step", path), ("bare", bare_url)):
                    spent, used, counted = _timing(http.get(url))
                    times[name].append(spent)
                    cpu[name].append(used)
                    queries = counted if name == "step" else queries
            rows.append((kind, times["step"], times["bare"], queries, cpu))
    return rows


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, default=100)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--profile",
        default="",
        help="a folder: every request runs under cProfile, each path's profile written in its "
        "postgresql/ or sqlite/ "
        "(bench/middleware.py); the times are then the profiled ones, not figures",
    )
    args = parser.parse_args()
    databases = [("embedded default (SQLite)", None)]
    if not args.sqlite_only and _postgres_fresh(POSTGRES_URL):
        databases.insert(0, ("PostgreSQL", POSTGRES_URL))
    else:
        print("step pages: no PostgreSQL answered; the embedded default only")
    for label, url in databases:
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
            tmp = Path(folder)
            overrides = {
                "TRUSTED_PROXIES": "127.0.0.1",
                "DEBUG": "false",
                "LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "bench.settings",
            }
            if args.profile:
                folder = Path(args.profile).resolve() / ("postgresql" if url else "sqlite")
                folder.mkdir(parents=True, exist_ok=True)
                overrides["BENCH_PROFILE"] = str(folder)
            if url:
                overrides["DATABASE_URL"] = url
                overrides.update(_production_cache())
            else:
                overrides["DATABASE_URL"] = sqlite_fresh(tmp / "db.sqlite3")
            env = demo_env(tmp, free_port(), **overrides)
            journeys = args.journeys if url == databases[0][1] else 0
            found = _serve_and_measure(env, tmp, journeys)
            rate = found["rate"]
            print(f"step pages on {label}:")
            print(
                f"  throughput, {CLIENTS} concurrent clients, uvicorn on loopback: exchanges page "
                f"{rate['step']:.0f} req/s, bare view {rate['bare']:.0f} req/s, "
                f"ratio {rate['step'] / rate['bare']:.2f}   (goal >= 0.4)"
            )
            if found["rss"]:
                (first, low), (last, high) = sorted(found["rss"].items())
                print(
                    f"  server memory after {first} journeys {low:.0f} MB, after {last} "
                    f"{high:.0f} MB: growth {high - low:+.0f} MB   (goal: flat)"
                    + (
                        f"  errors: {found['journey_errors']}"
                        if found.get("journey_errors")
                        else ""
                    )
                )
            print(f"  server time per step page, median / p95 of {RUNS} (ms), SQL queries:")
            for kind, step, bare, queries, _cpu in found["server_time"]:
                median, bare_median = statistics.median(step), statistics.median(bare)
                print(
                    f"    {kind:<11} {median:6.1f} / {_p95(step):6.1f}   bare view of its size "
                    f"{bare_median:5.1f} / {_p95(bare):5.1f}   ratio {median / bare_median:5.2f}"
                    f"   queries {queries:3d}   (goal: ratio <= 3)"
                )
            print("  request thread CPU, median (ms): step page / bare view (less load-bound)")
            print(
                "    "
                + "   ".join(
                    f"{kind} {statistics.median(cpu['step']):.1f} / "
                    f"{statistics.median(cpu['bare']):.1f}"
                    for kind, _s, _b, _q, cpu in found["server_time"]
                )
            )


if __name__ == "__main__":
    main()
