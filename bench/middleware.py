"""Server time and SQL queries of each request, in a `Server-Timing` header (bench only)."""

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

        began = time.perf_counter()
        with connection.execute_wrapper(count):
            response = get_response(request)
        spent = 1000 * (time.perf_counter() - began)
        response["Server-Timing"] = f'app;dur={spent:.2f}, db;desc="{queries}"'
        return response

    return middleware
