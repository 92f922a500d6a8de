"""Running a parser over a stranger's file without letting the file hurt the server: a forked
child with a CPU-time and an address-space limit, a wall-clock deadline after which it is
killed, and at most a few at a time per process. What the child returns comes back as JSON; a
child that crashes (a C stack overflow in a parser, a memory limit), raises something unexpected
or runs out of time is one answer: it could not be read."""

from __future__ import annotations

import faulthandler
import json
import os
import resource
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from common.exceptions import BusinessError

CONCURRENT_CHILDREN = threading.BoundedSemaphore(2)
WAIT_FOR_A_TURN_SECONDS = 15


class ChildFailed(Exception):
    """The child did not return a result: it crashed, was killed, or ran out of time."""


def in_child(work: Callable[..., Any], *args: Any, seconds: int, memory_bytes: int) -> Any:
    """`work(*args)` in a forked child; its result (JSON-able) or the BusinessError it raised,
    raised again here. Linux only (fork, /proc); elsewhere it runs in the process."""
    if not hasattr(os, "fork"):
        return work(*args)
    if not CONCURRENT_CHILDREN.acquire(timeout=WAIT_FOR_A_TURN_SECONDS):
        raise BusinessError(_("验签请求较多，请稍后再试。"), code="busy")
    try:
        outcome = _fork_and_wait(work, args, seconds, memory_bytes)
    finally:
        CONCURRENT_CHILDREN.release()
    if outcome.get("refused"):
        raise BusinessError(
            outcome["message"], code=outcome["code"], extra=outcome.get("extra") or {}
        )
    return outcome["result"]


def _fork_and_wait(work, args, seconds: int, memory_bytes: int) -> dict[str, Any]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(work, args, write_end, seconds, memory_bytes)
    os.close(write_end)
    try:
        payload = _read_until(read_end, deadline=time.monotonic() + seconds + 2)
    except TimeoutError as error:
        os.kill(pid, signal.SIGKILL)
        raise ChildFailed("out of time") from error
    finally:
        os.close(read_end)
        _reap(pid)
    if not payload:
        raise ChildFailed("no answer")
    return json.loads(payload)


def _child(work, args, write_end: int, seconds: int, memory_bytes: int) -> None:
    status = 0
    try:
        faulthandler.disable()  # a crash here is an answer ("unreadable"), not a report
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        ceiling = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        try:
            outcome: dict[str, Any] = {"result": work(*args)}
        except BusinessError as refusal:
            outcome = {
                "refused": True,
                "code": refusal.code,
                "message": str(refusal.message),
                "extra": refusal.extra,
            }
        data = json.dumps(outcome, default=str).encode()
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
    except BaseException:  # anything at all: the parent hears nothing and says "unreadable"
        status = 1
    finally:
        os._exit(status)  # no atexit, no closing of the parent's database connections


def _address_space() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _read_until(fd: int, *, deadline: float) -> bytes:
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _w, _x = select.select([fd], [], [], left)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
