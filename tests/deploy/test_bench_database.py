"""The bench's SQLite template (bench/database.py): a part's database starts as a copy of the
last migrated one, and the copy is a database of its own."""

from __future__ import annotations

import sqlite3

from bench import database


def _tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    conn.close()
    return {name for (name,) in rows}


def test_a_sqlite_database_starts_empty_without_a_template_and_as_its_copy_with_one(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(database, "SQLITE_TEMPLATE", tmp_path / "template" / "migrated.sqlite3")
    first = tmp_path / "first.sqlite3"
    url = database.sqlite_fresh(first)
    assert url == f"sqlite:///{first}"
    assert not first.exists()  # nothing to copy: migrate starts from nothing

    with sqlite3.connect(first) as conn:  # what a migrate leaves, in WAL mode as the demo has it
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO django_migrations (name) VALUES ('0001_initial')")
    conn.close()
    database.keep_migrated(url)

    second = tmp_path / "second.sqlite3"
    database.sqlite_fresh(second)
    assert _tables(second) == {"django_migrations"}
    with sqlite3.connect(second) as conn:
        conn.execute("INSERT INTO django_migrations (name) VALUES ('0002_more')")
    conn.close()
    with sqlite3.connect(database.SQLITE_TEMPLATE) as conn:  # the copy is its own
        assert conn.execute("SELECT count(*) FROM django_migrations").fetchone() == (1,)
    conn.close()


def test_keeping_a_database_that_is_neither_sqlite_nor_postgresql_does_nothing(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(database, "SQLITE_TEMPLATE", tmp_path / "migrated.sqlite3")
    database.keep_migrated("mysql://somewhere/db")
    assert not (tmp_path / "migrated.sqlite3").exists()
