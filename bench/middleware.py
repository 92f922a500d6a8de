"""Server time, the request thread's CPU time and SQL queries of each request, in a
`Server-Timing` header (bench only). The CPU time is what a busy shared machine disturbs least:
the wall time also counts the waits for the other processes' turns on the cores."""

from __future__ import annotations

import time

from django.db import connection


def server_timing(get_response):
    def middleware(request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        began, cpu_began = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(count):
            response = get_response(request)
        spent = 1000 * (time.perf_counter() - began)
        cpu = 1000 * (time.thread_time() - cpu_began)
        response["Server-Timing"] = f'app;dur={spent:.2f}, cpu;dur={cpu:.2f}, db;desc="{queries}"'
        return response

    return middleware
