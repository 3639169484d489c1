"""Helpers for the backup tests (tests/unit/test_backup.py, tests/routes/test_backup_drill.py):
apps on databases of their own, the commands as an operator runs them, and ways to look inside a
database or an archive."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from journeymap.backup.archive import TableRows, open_archive, write_archive
from journeymap.extensions import db
from tests.apps import TEST_SETTINGS, make_app

DATED = "journeymap-backup-"


def app_on(instance: Path, url: str, **settings) -> Flask:
    return make_app(instance, {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, **settings})


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def invoke(app: Flask, *args, input: str | None = None):
    """A flask command on `app`. Never call it inside another app's context: Flask runs a command
    on whichever app is current."""
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args], input=input)


def migrate(app: Flask) -> None:
    result = invoke(app, "db", "upgrade")
    assert result.exit_code == 0, result.output + repr(result.exception)


def backup(app: Flask, folder: Path) -> Path:
    """`flask backup -o FOLDER`; the archive it wrote (the only one in the folder)."""
    folder.mkdir(exist_ok=True)
    result = invoke(app, "backup", "-o", folder)
    assert result.exit_code == 0, result.output + repr(result.exception)
    (path,) = folder.glob(f"{DATED}*.zip")
    return path


def restore(app: Flask, archive: Path, *options: str) -> str:
    result = invoke(app, "restore", *options, archive)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def table_rows(archive: Path) -> dict[str, list[dict]]:
    """Every table's rows as the archive holds them."""
    with open_archive(archive) as opened:
        return {name: list(opened.rows(name)) for name in opened.manifest.tables}


def sqlite_file(app: Flask) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def sqlite_contents(path: Path) -> list[str]:
    """Everything in a SQLite database, schema and rows, as SQL: equal lists mean nothing changed."""
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def sqlite_checks(path: Path) -> tuple[list, list]:
    """SQLite's integrity check (["ok"] when sound) and its foreign key check ([] when sound)."""
    with closing(sqlite3.connect(path)) as connection:
        return (
            [row[0] for row in connection.execute("PRAGMA integrity_check")],
            connection.execute("PRAGMA foreign_key_check").fetchall(),
        )


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server (skips the test if none is reachable); its URL.
    Dropped afterwards, as tests/conftest.py's postgres_app does."""
    psycopg = pytest.importorskip("psycopg")
    server = make_url(server_url)
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {server.host}:{server.port}: {exc}")
    name = f"journeymap_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def with_a_row_pointing_nowhere(good: Path, broken: Path) -> Path:
    """A copy of the archive `good` (which has a touchpoint) whose first touchpoint is in a stage
    that is not there, every checksum right: it passes every check on the file and is refused by
    the database as the rows go in."""
    rows = table_rows(good)
    rows["touchpoint"][0]["stage_id"] = 999_999
    with open_archive(good) as opened:
        manifest = opened.manifest
    write_archive(
        broken, created_at=datetime.now(UTC), engine=manifest.engine, revision=manifest.alembic_revision,
        tables=[TableRows(name, manifest.tables[name].columns, rows[name]) for name in manifest.tables],
        id_counters=manifest.id_counters, left_out=manifest.left_out,
    )
    return broken
