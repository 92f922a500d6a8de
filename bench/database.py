"""The bench's PostgreSQL databases: each part (the step pages, the queue fan-out, the Celery
worker) gets a database of its own, recreated for every run, as a copy of one migrated template
(BENCH_POSTGRES_URL's name + "_migrated"). Migrating an empty database takes a minute or more
here; a copy, a second or two, and the copy's own `migrate` then applies only what the template
lacks. After a part has migrated its database it keeps it as the template for the next one
(`keep_migrated`), so a new migration is applied once, not once per part. Nothing measured is
read from the template: it holds only what `migrate` writes.

The SQLite runs (the step pages on the embedded default, and any part where no PostgreSQL
answers) do the same with a file: `sqlite_fresh` starts a part's database as a copy of
var/bench/migrated.sqlite3, which `keep_migrated` writes after a migrate (half a minute from
nothing here, about a second from the copy)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

BENCH_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_pages")
TEMPLATE = BENCH_URL.rsplit("/", 1)[1] + "_migrated"
SQLITE_TEMPLATE = Path(__file__).resolve().parents[1] / "var" / "bench" / "migrated.sqlite3"
SQLITE = "sqlite:///"


def _admin(url: str) -> str:
    return url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"


def _exists(conn, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def postgres_fresh(url: str) -> bool:
    """Recreate the database of `url`, from the migrated template when there is one; False when
    no PostgreSQL answers."""
    try:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(_admin(url), autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            source = f' TEMPLATE "{TEMPLATE}"' if _exists(conn, TEMPLATE) else ""
            conn.execute(f'CREATE DATABASE "{name}"{source}')
        return True
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return False


def sqlite_fresh(path: Path) -> str:
    """A new SQLite database at `path` (none there yet), a copy of the migrated template when
    there is one; its URL."""
    if SQLITE_TEMPLATE.exists():
        _sqlite_copy(SQLITE_TEMPLATE, path)
    return SQLITE + str(path)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Through SQLite's backup (a database in WAL mode may have pages outside its main file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    reading.close()
    writing.close()


def keep_migrated(url: str) -> None:
    """Keep the just-migrated database of `url` (nobody connected to it) as the template."""
    if url.startswith(SQLITE):
        _sqlite_copy(Path(url.removeprefix(SQLITE)), SQLITE_TEMPLATE)
        return
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_admin(url), autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE "{name}"')
