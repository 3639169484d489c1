"""`flask backup` and `flask restore` on SQLite files: what an archive holds, that it restores, and
that a damaged archive or a database holding data is refused with nothing changed.

The drills (writes going on during a backup) and PostgreSQL are in tests/routes/test_backup_drill.py.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import stat
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.pool import NullPool

from journeymap.backup.archive import open_archive
from journeymap.backup.database import head_revision
from journeymap.backup.values import from_json, to_json
from journeymap.domain import members
from journeymap.domain.accounts import create_account
from journeymap.domain.family import delete_map, start_map
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.models import AuthSession, JourneyMap, Presence, User
from journeymap.readmodel.snapshot import load_map_view
from journeymap.samples.demo import load_demo
from journeymap.samples.demo_accounts import create_demo_accounts
from tests.backups import (
    DATED,
    app_on,
    backup,
    dispose,
    invoke,
    migrate,
    restore,
    sqlite_checks,
    sqlite_contents,
    sqlite_file,
    table_rows,
    with_a_row_pointing_nowhere,
)
from tests.databases import loggers_kept

ACTOR = Actor.command("test")


def fill(app) -> None:
    """The demo map with its accounts, an account made by a later account, a second map that was
    deleted (its id must never be handed out again), a signed-in browser and a presence."""
    with app.app_context():
        journey_map = load_demo()
        create_demo_accounts(journey_map, actor=ACTOR)
        gone = start_map("Deleted family")
        db.session.flush()
        delete_map(gone)
        maker = create_account("maker@example.org", "Maker", "long enough password")
        early = db.session.get(User, 1)
        early.created_by_id = maker.id  # names a row that comes after it
        members.create_invitation(journey_map, "viewer", hours=2, max_uses=None,
                                  actor=Actor.person(maker))
        db.session.add(AuthSession(token_hash="f" * 64, user_id=maker.id))
        db.session.add(Presence(map_id=journey_map.id, user_id=maker.id, page="map"))
        db.session.commit()


@dataclass(frozen=True)
class Made:
    archive: Path  # a backup of fill()'s database
    migrated: Path  # a database as `flask db upgrade` leaves it: every table, no rows


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Made:
    """Made once for the module: migrations and the demo take a second or two each time."""
    folder = tmp_path_factory.mktemp("backup-source")
    with loggers_kept():
        source = app_on(folder / "instance", f"sqlite:///{folder / 'source.sqlite3'}")
        migrate(source)
        live, copy = sqlite3.connect(folder / "source.sqlite3"), sqlite3.connect(folder / "migrated.sqlite3")
        live.backup(copy)
        live.close()
        copy.close()
        fill(source)
        archive = backup(source, folder / "out")
        dispose(source)
    return Made(archive, folder / "migrated.sqlite3")


@pytest.fixture(scope="module")
def target_app(tmp_path_factory):
    """One app for the module's restores, each into a database file made for the test (NullPool:
    no connection outlives a command, so the file can be replaced between tests)."""
    folder = tmp_path_factory.mktemp("backup-target")
    app = app_on(folder / "instance", f"sqlite:///{folder / 'target.sqlite3'}",
                 SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    yield app
    dispose(app)


def reset(app, template: Path | None = None) -> None:
    """No database at all, or a copy of `template`."""
    path = sqlite_file(app)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if template is not None:
        shutil.copyfile(template, path)


@pytest.fixture
def empty(target_app, logging_kept):
    """The target app on a database that does not exist yet."""
    reset(target_app)
    return target_app


@pytest.fixture
def migrated(target_app, made, logging_kept):
    """The target app on a migrated database with no rows (as a new installation starts)."""
    reset(target_app, made.migrated)
    return target_app


@pytest.fixture
def holding_data(migrated):
    """The target app on a database holding someone else's map."""
    with migrated.app_context():
        start_map("Someone else's family")
        db.session.commit()
    return migrated


@pytest.fixture
def archive(made, tmp_path) -> Path:
    """A copy of the module's backup, for the test to keep or damage."""
    path = tmp_path / made.archive.name
    shutil.copyfile(made.archive, path)
    return path


def test_a_backup_restores_into_a_new_database_with_every_row(archive, empty, tmp_path):
    output = restore(empty, archive)
    assert "journey_map 1, " in output and "No one is signed in" in output
    assert table_rows(backup(empty, tmp_path / "again")) == table_rows(archive)
    assert sqlite_checks(sqlite_file(empty)) == (["ok"], [])


def test_an_empty_migrated_database_is_restored_into(archive, migrated, tmp_path):
    restore(migrated, archive)
    assert table_rows(backup(migrated, tmp_path / "again")) == table_rows(archive)


def test_sessions_presence_and_the_sign_in_throttle_are_left_out(archive):
    with open_archive(archive) as opened:
        manifest = opened.manifest
    assert set(manifest.left_out) == {"alembic_version", "auth_session", "sign_in_throttle", "presence"}
    assert not set(manifest.left_out) & set(manifest.tables)
    kept = {"journey_map", "user_account", "history_entry", "membership", "invitation"}
    assert kept <= set(manifest.tables)
    assert manifest.engine == "sqlite" and manifest.alembic_revision
    rows = table_rows(archive)
    assert len(rows["journey_map"]) == 1 and len(rows["user_account"]) == 5 and len(rows["invitation"]) == 1


def test_the_restored_rows_are_what_the_app_reads(archive, empty):
    restore(empty, archive)
    with empty.app_context():
        view = load_map_view(db.session, 1)
        assert view is not None and view.pseudonym == "Family R. (pseudonym)"
        assert len(view.touchpoints) == 16
        # The first account names one made after it: filled in once both were there.
        assert db.session.scalar(select(User.created_by_id).where(User.id == 1)) == 5
        assert not db.session.scalars(select(AuthSession)).all()


def test_a_deleted_maps_id_is_not_handed_out_again_after_a_restore(archive, empty):
    restore(empty, archive)
    with empty.app_context():
        assert db.session.scalars(select(JourneyMap.id)).all() == [1]
        new = start_map("After the restore")
        db.session.commit()
        assert new.id == 3  # map 2 was deleted before the backup


def test_the_archive_is_readable_by_its_owner_only_whatever_the_umask(migrated, tmp_path):
    named = tmp_path / "named.zip"
    old_mask = os.umask(0)
    try:
        result = invoke(migrated, "backup", "-o", named)
    finally:
        os.umask(old_mask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(named.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["named.zip"]  # no copy or partial file left


def test_a_folder_gets_a_dated_name_and_the_output_says_where_and_how_much(migrated, tmp_path):
    before = datetime.now(UTC).replace(microsecond=0)
    result = invoke(migrated, "backup", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.glob(f"{DATED}*.zip")
    stamp = datetime.strptime(path.stem.removeprefix(DATED), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC)
    assert str(path) in result.output and "journey_map 0, " in result.output


def test_a_backup_of_a_database_the_migrations_did_not_make_is_refused(empty, tmp_path):
    with empty.app_context():
        db.create_all()
    result = invoke(empty, "backup", "-o", tmp_path)
    assert result.exit_code == 1
    assert "flask --app journeymap db upgrade" in result.output
    assert not list(tmp_path.iterdir())


# Refusals ------------------------------------------------------------------------------------


def rewrite(path: Path, change) -> None:
    """Rewrite the zip at `path`, each member's bytes passed through change(name, data) (None drops it)."""
    with zipfile.ZipFile(path) as old:
        members_ = [(info.filename, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members_:
            changed = change(name, data)
            if changed is not None:
                new.writestr(name, changed)


def manifest_with(**fields):
    def change(name, data):
        return json.dumps(json.loads(data) | fields).encode() if name == "manifest.json" else data
    return change


def one_more_stage(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["tables"]["stage"]["rows"] += 1
    return json.dumps(manifest).encode()


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DAMAGE = {
    "truncated": (truncate, "not a readable zip file"),
    "member edited": (
        lambda path: rewrite(path, lambda name, data: data.replace(b"Family R. (p", b"Family X. (p")),
        "tables/journey_map.jsonl does not match its checksum",
    ),
    "member missing": (
        lambda path: rewrite(path, lambda name, data: None if name == "tables/stage.jsonl" else data),
        "it has no tables/stage.jsonl",
    ),
    "unknown revision": (
        lambda path: rewrite(path, manifest_with(alembic_revision="0123456789ab")),
        "revision '0123456789ab', which this version of journeymap does not know",
    ),
    "unknown format version": (
        lambda path: rewrite(path, manifest_with(format_version=2)),
        "format version 2, which this version of journeymap cannot read",
    ),
    "a count in the manifest edited": (
        lambda path: rewrite(path, one_more_stage),
        "The restored row counts differ from the backup's manifest (in stage); nothing was restored.",
    ),
    "not a backup": (
        lambda path: path.write_bytes(_zip_of({"notes.txt": b"hello"})),
        "it has no manifest.json",
    ),
}


def _zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as made:
        for name, data in files.items():
            made.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_archive_is_refused_and_nothing_is_written(archive, migrated, damage):
    damage_it, message = damage
    before = sqlite_contents(sqlite_file(migrated))  # the undamaged archive would restore into it
    damage_it(archive)
    result = invoke(migrated, "restore", archive)
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]  # after any migration's log lines: one line
    assert last.startswith("Error: ") and message in last
    assert sqlite_contents(sqlite_file(migrated)) == before


def test_a_database_holding_data_is_refused(archive, holding_data):
    before = sqlite_contents(sqlite_file(holding_data))
    result = invoke(holding_data, "restore", archive)
    assert result.exit_code == 1
    assert "already holds data (in journey_map)" in result.output
    assert "--replace" in result.output
    assert sqlite_contents(sqlite_file(holding_data)) == before


def test_replacing_asks_first_and_no_keeps_the_database(archive, holding_data):
    before = sqlite_contents(sqlite_file(holding_data))
    result = invoke(holding_data, "restore", "--replace", archive, input="n\n")
    assert result.exit_code == 1
    assert "Delete everything in sqlite:///" in result.output and "Nothing was restored." in result.output
    assert sqlite_contents(sqlite_file(holding_data)) == before


def test_replace_yes_puts_the_backup_in_place_of_what_was_there(archive, holding_data, tmp_path):
    output = restore(holding_data, archive, "--replace", "--yes")
    assert "What the database held before (in journey_map) was replaced." in output
    assert table_rows(backup(holding_data, tmp_path / "again")) == table_rows(archive)


def test_a_restore_that_fails_part_way_leaves_the_database_as_it_was(archive, holding_data, tmp_path):
    broken = with_a_row_pointing_nowhere(archive, tmp_path / "broken.zip")
    before = sqlite_contents(sqlite_file(holding_data))
    result = invoke(holding_data, "restore", "--replace", "--yes", broken)
    assert result.exit_code == 1
    assert "The database refused the restore, so nothing was restored" in result.output
    assert sqlite_contents(sqlite_file(holding_data)) == before


def test_an_archive_from_an_older_migration_restores_with_its_columns_then_upgrades(empty, tmp_path):
    old = app_on(tmp_path / "instance", f"sqlite:///{tmp_path / 'old.sqlite3'}")
    assert invoke(old, "db", "upgrade", "263c8377661d").exit_code == 0
    with old.app_context(), db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO journey_map (id, pseudonym, situation, hopes, created_at, updated_at, revision, "
            "version, from_family) VALUES (1, 'Old family', '', '', '2025-01-02 03:04:05.000000', "
            "'2025-01-02 03:04:05.000000', 1, 1, 0)"
        ))
        connection.execute(text(
            "INSERT INTO barrier (id, map_id, title, description, category, severity, version, from_family) "
            "VALUES (1, 1, 'No heat', '', 'other', 'high', 1, 0)"
        ))
    path = backup(old, tmp_path / "out")
    dispose(old)
    with open_archive(path) as opened:
        assert opened.manifest.alembic_revision == "263c8377661d"
        assert "owner_recorded_at" not in opened.manifest.tables["barrier"].columns

    assert "at the backup's revision, 263c8377661d" in restore(empty, path, "--no-upgrade")
    with empty.app_context():
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == "263c8377661d"
    reset(empty)
    output = restore(empty, path)
    with empty.app_context():
        head = head_revision()
    assert f"Migrated from the backup's revision 263c8377661d to {head}" in output
    with empty.app_context():
        barrier = db.session.execute(text("SELECT title, owner_recorded_at FROM barrier")).one()
        assert barrier.title == "No heat" and barrier.owner_recorded_at is None


# Values --------------------------------------------------------------------------------------


def test_times_are_utc_with_their_offset_and_come_back_for_either_kind_of_column():
    from sqlalchemy import DateTime

    naive_utc = datetime(2026, 3, 4, 5, 6, 7, 890000)  # how SQLite hands a time back
    assert to_json(naive_utc) == "2026-03-04T05:06:07.890000+00:00"
    elsewhere = datetime(2026, 3, 4, 6, 6, 7, 890000, tzinfo=timezone(timedelta(hours=1)))
    assert to_json(elsewhere) == "2026-03-04T05:06:07.890000+00:00"
    aware = naive_utc.replace(tzinfo=UTC)
    assert from_json(DateTime(timezone=True), "2026-03-04T05:06:07.890000+00:00") == aware
    assert from_json(DateTime(), "2026-03-04T06:06:07.890000+01:00") == naive_utc


def test_values_of_other_types_round_trip():
    from decimal import Decimal

    from sqlalchemy import JSON, Boolean, Integer, LargeBinary, Numeric, String

    for column_type, value in [
        (Integer(), 7), (Boolean(), True), (String(), "Zoë ‮ 🏠"), (LargeBinary(), b"\x00\xff"),
        (Numeric(), Decimal("1.50")), (JSON(), {"title": ["a", "b"], "n": None}),
    ]:
        assert from_json(column_type, json.loads(json.dumps(to_json(value)))) == value
    with pytest.raises(ValueError):
        from_json(Integer(), "7")
