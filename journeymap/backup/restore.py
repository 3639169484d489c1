"""Restoring an archive into an empty database, or in place of what a database holds when told to.

The steps: the archive is checked whole first (archive.open_archive) and its revision must be one
of this code's migrations; a database holding data is refused unless `replace`; the schema is built
by running the migrations up to the archive's revision; rows go in parents first; id counters are
set past every id the archive saw handed out; row counts must equal the manifest's (and on SQLite
the integrity and foreign key checks must pass); then the migrations run on to the newest, unless
told not to.

PostgreSQL changes its schema inside transactions, so all of that is one transaction: a restore
that fails leaves the database as it was. SQLite's cannot share one with Alembic (the migrations
switch foreign keys off, which only works outside a transaction), so the database is built in a
private file beside the target and then copied over it with SQLite's backup API, which writes the
target in one transaction: a failure before or during the copy leaves the target as it was.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, create_engine, update
from sqlalchemy.pool import NullPool

from journeymap.backup.archive import Archive, ArchiveProblem
from journeymap.backup.database import (
    app_tables,
    check_revision_known,
    every_table,
    migrate,
    revision_of,
    row_counts,
    tables_with_rows,
    write_id_counters,
)
from journeymap.backup.values import BadValue, from_json

BATCH = 1000  # rows inserted per statement


class NotRestored(Exception):
    """Nothing was restored; the message says why and what to do, in one sentence."""


@dataclass(frozen=True)
class Restored:
    archive_revision: str
    revision: str  # the database's, afterwards
    rows: dict[str, int]
    replaced: list[str]  # the tables that held rows before


def restore_backup(engine: Engine, archive: Archive, *, replace: bool = False,
                   upgrade: bool = True) -> Restored:
    """Restore `archive` (already checked by open_archive) into the database behind `engine`."""
    check_revision_known(archive.manifest.alembic_revision, archive.path.name)
    if engine.dialect.name == "postgresql":
        return _restore_postgresql(engine, archive, replace=replace, upgrade=upgrade)
    if engine.dialect.name == "sqlite":
        return _restore_sqlite(engine, archive, replace=replace, upgrade=upgrade)
    raise NotRestored(f"Backups are restored into SQLite or PostgreSQL, not {engine.dialect.name}.")


def refuse_if_holding_data(connection: Connection, *, replace: bool) -> list[str]:
    """The tables holding rows; refused unless they are to be replaced."""
    held = tables_with_rows(connection)
    if held and not replace:
        raise NotRestored(
            f"The database already holds data (in {', '.join(held)}), so nothing was restored; "
            "restore into an empty database, or give --replace to replace everything in it with the backup."
        )
    return held


def _restore_postgresql(engine: Engine, archive: Archive, *, replace: bool, upgrade: bool) -> Restored:
    with engine.connect() as connection, connection.begin():
        held = refuse_if_holding_data(connection, replace=replace)
        every_table(connection).drop_all(bind=connection)
        migrate(connection, archive.manifest.alembic_revision)
        rows = _fill(connection, archive)
        if upgrade:
            migrate(connection, "head")
        return Restored(archive.manifest.alembic_revision, revision_of(connection), rows, held)


def _restore_sqlite(engine: Engine, archive: Archive, *, replace: bool, upgrade: bool) -> Restored:
    with engine.connect() as connection:
        held = refuse_if_holding_data(connection, replace=replace)
        page_size = connection.exec_driver_sql("PRAGMA page_size").scalar()
    with tempfile.TemporaryDirectory(dir=_scratch_folder(engine), prefix=".journeymap-restore-") as folder:
        built = Path(folder) / "restored.sqlite3"
        _new_sqlite_file(built, page_size)
        work = create_engine(f"sqlite:///{built}", poolclass=NullPool)
        try:
            with work.connect() as connection:
                migrate(connection, archive.manifest.alembic_revision)
                with connection.begin():
                    rows = _fill(connection, archive)
                if upgrade:
                    migrate(connection, "head")
                _check_sqlite_integrity(connection)
                revision = revision_of(connection)
                connection.rollback()  # no read transaction may be open on the copy's source
                with engine.connect() as target:
                    connection.connection.dbapi_connection.backup(target.connection.dbapi_connection)
        finally:
            work.dispose()
    return Restored(archive.manifest.alembic_revision, revision, rows, held)


def _scratch_folder(engine: Engine) -> Path | None:
    """Beside the database file (same disk, same owner); for a database in memory, the system's
    temporary folder."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve().parent


def _new_sqlite_file(path: Path, page_size: int) -> None:
    # The backup API cannot copy into a database in WAL mode whose page size differs ("attempt to
    # write a readonly database"), and the page size of a WAL database is fixed once it is made.
    raw = sqlite3.connect(path)
    try:
        raw.execute(f"PRAGMA page_size = {int(page_size)}")
        raw.execute("PRAGMA journal_mode = WAL")
    finally:
        raw.close()


def _check_sqlite_integrity(connection: Connection) -> None:
    problems = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check").all()]
    if problems != ["ok"]:
        raise NotRestored(
            f"The restored database failed SQLite's integrity check ({problems[:3]}); nothing was restored."
        )
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise NotRestored(
            f"The restored rows point at rows that are not there ({broken[:3]}); nothing was restored."
        )


def _fill(connection: Connection, archive: Archive) -> dict[str, int]:
    """Insert every row, set the id counters, and check the counts against the manifest."""
    tables = app_tables(connection)
    _check_fits(tables, archive)
    for table in tables:
        _insert_rows(connection, table, archive)
    write_id_counters(connection, tables, archive.manifest.id_counters)
    counts = row_counts(connection, tables)
    if counts != archive.manifest.rows():
        differ = sorted(name for name in counts if counts[name] != archive.manifest.rows()[name])
        raise NotRestored(
            f"The restored row counts differ from the backup's manifest (in {', '.join(differ)}); "
            "nothing was restored."
        )
    return counts


def _check_fits(tables: list[Table], archive: Archive) -> None:
    """The archive's tables and columns are those its revision's migrations make."""
    made = {table.name: {column.name for column in table.columns} for table in tables}
    kept = {name: set(entry.columns) for name, entry in archive.manifest.tables.items()}
    if made != kept:
        differ = sorted(name for name in made.keys() | kept.keys() if made.get(name) != kept.get(name))
        raise ArchiveProblem(
            f"{archive.path.name} does not match the schema of its own revision "
            f"{archive.manifest.alembic_revision} (tables {', '.join(differ)} differ), so it cannot be "
            "restored."
        )


def _insert_rows(connection: Connection, table: Table, archive: Archive) -> None:
    columns = archive.manifest.tables[table.name].columns
    types = {column.name: column.type for column in table.columns}
    # A column naming another row of the same table (who made an account) is filled in once
    # every row is there: the row it names may come later.
    later = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    keys = [column.name for column in table.primary_key.columns]
    batch, links = [], []
    for number, row in enumerate(archive.rows(table.name), start=1):
        values = _decoded(row, columns, types, f"{table.name} row {number}", archive)
        if any(values[name] is not None for name in later):
            links.append(({key: values[key] for key in keys}, {name: values[name] for name in later}))
            values.update(dict.fromkeys(later))
        batch.append(values)
        if len(batch) == BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
    for key, link in links:
        where = [table.c[name] == value for name, value in key.items()]
        connection.execute(update(table).where(*where).values(link))


def _decoded(row: dict, columns: list[str], types: dict, where: str, archive: Archive) -> dict:
    if set(row) != set(columns):
        raise ArchiveProblem(f"{archive.path.name} is damaged: {where} does not have the table's columns.")
    try:
        return {name: from_json(types[name], row[name]) for name in columns}
    except BadValue as exc:
        raise ArchiveProblem(f"{archive.path.name} is damaged: {where} holds {exc}.") from exc
