"""Making a backup of a database that is serving: one consistent snapshot, written as an archive.

SQLite: the live database is first copied with SQLite's online backup API into a private file, and
the tables are read from that copy. The copy takes in the writes still in the `-wal` file, which a
plain copy of the database file misses (tried while the app served: 30 of 310 acknowledged writes
lost), and it is one moment: the app's writers carry on, and none of their later writes is half in.
PostgreSQL: every table is read in one REPEATABLE READ, READ ONLY transaction, so one snapshot.
No pg_dump, whose version would have to match the server's.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, create_engine, select
from sqlalchemy.pool import NullPool

from journeymap.backup.archive import Manifest, TableRows, write_archive
from journeymap.backup.database import LEFT_OUT, app_tables, read_id_counters, revision_of
from journeymap.backup.values import to_json

ENGINES = ("sqlite", "postgresql")
BATCH = 1000  # rows fetched at a time, so a large table never sits in memory whole


class BackupProblem(Exception):
    """The database cannot be backed up; the message says why, in one sentence."""


def make_backup(engine: Engine, path: Path, *, taken_at: datetime) -> Manifest:
    """Write a backup of the database behind `engine` to `path`."""
    if engine.dialect.name not in ENGINES:
        raise BackupProblem(f"Backups are of SQLite or PostgreSQL databases, not {engine.dialect.name}.")
    with consistent_view(engine, scratch=path.parent) as connection:
        revision = revision_of(connection)
        if revision is None:
            raise BackupProblem(
                "The database was not made by the migrations (it has no alembic_version), so a restore "
                "could not rebuild it; run `flask --app journeymap db upgrade` on it first."
            )
        tables = app_tables(connection)
        return write_archive(
            path, created_at=taken_at, engine=engine.dialect.name, revision=revision,
            tables=(TableRows(table.name, [c.name for c in table.columns], _rows(connection, table))
                    for table in tables),
            id_counters=read_id_counters(connection, tables), left_out=LEFT_OUT,
        )


@contextmanager
def consistent_view(engine: Engine, *, scratch: Path) -> Iterator[Connection]:
    """A connection on which every read sees the database at one moment."""
    if engine.dialect.name == "sqlite":
        with _sqlite_copy(engine, scratch) as connection:
            yield connection
        return
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            yield connection


@contextmanager
def _sqlite_copy(engine: Engine, scratch: Path) -> Iterator[Connection]:
    # The copy holds families' details too: a private folder (mode 0700) beside the backup file,
    # on the same disk as the backups rather than in a /tmp that may be memory; removed afterwards.
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".journeymap-backup-") as folder:
        copy_path = Path(folder) / "snapshot.sqlite3"
        with engine.connect() as live:
            copy = sqlite3.connect(copy_path)
            try:
                # One step (all pages at once): a write by another connection cannot restart it.
                live.connection.dbapi_connection.backup(copy)
            finally:
                copy.close()
        copy_engine = create_engine(f"sqlite:///{copy_path}", poolclass=NullPool)
        try:
            with copy_engine.connect() as connection:
                yield connection
        finally:
            copy_engine.dispose()


def _rows(connection: Connection, table: Table) -> Iterator[dict]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execute(select(table).order_by(*order), execution_options={"yield_per": BATCH})
    names = [column.name for column in table.columns]
    for row in result:
        yield {name: to_json(value) for name, value in zip(names, row, strict=True)}
