"""What backup and restore ask of a database, in SQLite's and PostgreSQL's words.

Tables are found by reflection on the database itself, never from the app's models, so a database
at an older migration is read, and restored, with that migration's columns.
"""

from __future__ import annotations

import alembic.command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import Connection, Integer, MetaData, Table, func, select, text

from journeymap.backup.archive import ArchiveProblem

# Left out of every backup, and why (also written into each archive's manifest).
LEFT_OUT = {
    "alembic_version": "the schema's revision is in the manifest; restore makes this table by migrating",
    "auth_session": "signed-in browsers: after a restore everyone signs in again, and no old session "
                    "token comes back to life",
    "sign_in_throttle": "failed sign-ins of the last minutes, kept only to slow down password guessing",
    "presence": "who had a page open in the last seconds",
}


def app_tables(connection: Connection) -> list[Table]:
    """The tables a backup holds, parents before children (the order rows can be inserted in)."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return [table for table in metadata.sorted_tables if table.name not in LEFT_OUT]


def every_table(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return metadata


def revision_of(connection: Connection) -> str | None:
    """The Alembic revision the database is at, or None if it was never migrated."""
    if "alembic_version" not in every_table(connection).tables:
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def tables_with_rows(connection: Connection) -> list[str]:
    """The tables holding anything worth keeping: a database with none of them may be restored into."""
    return [
        table.name for table in every_table(connection).sorted_tables
        if table.name not in LEFT_OUT and connection.execute(select(1).select_from(table).limit(1)).first()
    ]


def row_counts(connection: Connection, tables: list[Table]) -> dict[str, int]:
    return {table.name: connection.scalar(select(func.count()).select_from(table)) for table in tables}


def _counted_id(table: Table):
    """The table's id column if ids are handed out by the database (one integer primary key)."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and isinstance(keys[0].type, Integer) and not keys[0].foreign_keys:
        return keys[0]
    return None


def read_id_counters(connection: Connection, tables: list[Table]) -> dict[str, int]:
    """Per table, the highest id ever handed out (a deleted row's id is never given again)."""
    if connection.dialect.name == "sqlite":
        if not connection.scalar(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")):
            return {}
        wanted = {table.name for table in tables}
        rows = connection.execute(text("SELECT name, seq FROM sqlite_sequence")).all()
        return {name: int(seq) for name, seq in rows if name in wanted}
    counters = {}
    for table in tables:
        column = _counted_id(table)
        if column is None:
            continue
        # Sequences are outside transactions: this may be past the snapshot, never behind it.
        last = connection.scalar(
            text("SELECT pg_sequence_last_value(pg_get_serial_sequence(:t, :c)::regclass)"),
            {"t": _quoted(connection, table), "c": column.name},
        )
        if last is not None:
            counters[table.name] = int(last)
    return counters


def write_id_counters(connection: Connection, tables: list[Table], counters: dict[str, int]) -> None:
    """Set each table's id counter past both its rows and the counter the archive kept."""
    if connection.dialect.name == "sqlite":
        _sqlite_counters(connection, counters)
        return
    for table in tables:
        column = _counted_id(table)
        if column is None:
            continue
        highest = max(counters.get(table.name, 0), connection.scalar(select(func.max(column))) or 0)
        connection.execute(
            text("SELECT setval(seq::regclass, greatest(:n, 1), :n > 0) FROM "
                 "(SELECT pg_get_serial_sequence(:t, :c) AS seq) AS s WHERE seq IS NOT NULL"),
            {"n": highest, "t": _quoted(connection, table), "c": column.name},
        )


def _sqlite_counters(connection: Connection, counters: dict[str, int]) -> None:
    # Only tables made with AUTOINCREMENT have a counter; SQLite keeps it in sqlite_sequence and has
    # already raised it to the highest id inserted.
    counted = {
        name for (name,) in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND upper(sql) LIKE '%AUTOINCREMENT%'"
        ))
    }
    for name, counter in counters.items():
        if name not in counted:
            continue
        connection.execute(text("UPDATE sqlite_sequence SET seq = :n WHERE name = :t AND seq < :n"),
                           {"n": counter, "t": name})
        connection.execute(text(
            "INSERT INTO sqlite_sequence (name, seq) SELECT :t, :n "
            "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = :t)"
        ), {"n": counter, "t": name})


def _quoted(connection: Connection, table: Table) -> str:
    return connection.dialect.identifier_preparer.format_table(table)


def _alembic_config():
    return current_app.extensions["migrate"].migrate.get_config()


def check_revision_known(revision: str, archive_name: str) -> None:
    """Refuse an archive made at a migration this code does not have (a newer journeymap's)."""
    scripts = ScriptDirectory.from_config(_alembic_config())
    try:
        known = scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise ArchiveProblem(
            f"{archive_name} was made at database revision {revision!r}, which this version of journeymap "
            "does not know; restore it with the same or a newer version of journeymap."
        )


def migrate(connection: Connection, revision: str) -> None:
    """Run the migrations up to `revision` on this connection (inside its transaction, if any)."""
    config = _alembic_config()
    config.attributes["connection"] = connection
    alembic.command.upgrade(config, revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()
