"""Server time, the request thread's CPU time and SQL queries of each request, in a
`Server-Timing` header (bench only). The CPU time is what a busy shared machine disturbs least:
the wall time also counts the waits for the other processes' turns on the cores.

With BENCH_PROFILE set to a folder, each request also runs under cProfile, and the profiles of
each path's requests are added up and written there as `<path>.prof` (every 10th request of that
path, so a server stopped at any time leaves them): `bench/pages.py --profile DIR`, then
`python -m pstats DIR/<file>.prof`."""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import threading
import time
from pathlib import Path

from django.db import connection

PROFILE_DIR = os.environ.get("BENCH_PROFILE", "")
_profiles: dict[str, tuple[pstats.Stats | None, int]] = {}
_profiles_lock = threading.Lock()


def _profiled(request, get_response):
    profile = cProfile.Profile()
    response = profile.runcall(get_response, request)
    key = re.sub(r"[^\w.-]+", "_", request.path.strip("/")) or "root"
    with _profiles_lock:
        stats, count = _profiles.get(key, (None, 0))
        if stats is None:
            stats = pstats.Stats(profile)
        else:
            stats.add(profile)
        _profiles[key] = (stats, count + 1)
        if (count + 1) % 10 == 0:
            stats.dump_stats(Path(PROFILE_DIR) / f"{key}.prof")
    return response


def server_timing(get_response):
    def middleware(request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        began, cpu_began = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(count):
            if PROFILE_DIR:
                response = _profiled(request, get_response)
            else:
                response = get_response(request)
        spent = 1000 * (time.perf_counter() - began)
        cpu = 1000 * (time.thread_time() - cpu_began)
        response["Server-Timing"] = f'app;dur={spent:.2f}, cpu;dur={cpu:.2f}, db;desc="{queries}"'
        return response

    return middleware
