"""Reading the environment: one place, so that a wrong or missing variable stops start-up with a
message that names it (django-environ does the parsing)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None


def require(name: str, hint: str) -> str:
    """A variable production cannot start without."""
    value = env.str(name, default="")
    if not value.strip():
        raise ImproperlyConfigured(f"环境变量 {name} 未设置 / {name} is not set: {hint}")
    return value


TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def strict_bool(name: str, default: bool = False) -> bool:
    """Like env.bool, but a value that is neither true nor false is an error, not False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in TRUE | FALSE:
        raise ValueError(f"{raw!r} is not one of true/false, 1/0, yes/no, on/off")
    return raw in TRUE


def parsed(name: str, parse, default):
    """Parse a variable with django-environ, naming the variable when its value is wrong."""
    try:
        return parse(name, default=default)
    except (ValueError, ImproperlyConfigured, environ.ImproperlyConfigured) as error:
        raise ImproperlyConfigured(
            f"环境变量 {name} 的值无效 / {name} has an invalid value: {error}"
        ) from error


def proxy_list(name: str, default: list[str]) -> list[str]:
    """Addresses or CIDR blocks (10.0.0.0/8, 172.18.0.1, ::1), comma-separated."""
    entries = [entry.strip() for entry in env.list(name, default=default) if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise ValueError(f"{entry!r} is not an address or a CIDR block") from error
    return entries


DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def database(default: str) -> dict:
    """DATABASE_URL as Django's DATABASES entry: PostgreSQL in production, SQLite embedded."""
    url = env.str("DATABASE_URL", default=default)
    scheme = url.split(":", 1)[0]
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"环境变量 DATABASE_URL 的值无效 / DATABASE_URL must start with one of "
            f"{', '.join(s + '://' for s in DATABASE_SCHEMES)}, not {scheme!r}."
        )
    config = parsed("DATABASE_URL", lambda name, default: env.db_url_config(url), None)
    if scheme == "sqlite":
        config.setdefault("OPTIONS", {}).update(SQLITE_CONCURRENCY)
    elif parsed("DATABASE_POOL", strict_bool, False):
        # A pool of open connections (psycopg_pool), for the ASGI server (onboarding/asgi.py turns
        # it on): it runs each request's sync code in a thread of its own, so a connection kept
        # with CONN_MAX_AGE is never used again and every request paid for a new one (6-8 ms
        # here, more than the step page's own queries). A pooled connection is returned at the
        # end of each request, as CONN_MAX_AGE=0 closes one; the pool checks it before lending.
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": parsed("DATABASE_POOL_MAX_SIZE", env.int, 20),
            "timeout": 30,
        }
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = True  # the pool checks a connection before lending it
    return config


# The embedded SQLite under concurrent requests: readers never wait for the writer (WAL), a
# writer waits for the lock instead of failing at once (busy timeout), and a transaction takes
# the write lock when it begins (IMMEDIATE), so two that read then write cannot deadlock into
# "database is locked". Measured: 50 concurrent logins, README "SQLite under load".
SQLITE_CONCURRENCY = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
    ),
}
