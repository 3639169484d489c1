"""The backup drill, as an installation would run it: people keep saving while `flask backup` runs;
the archive restores into a fresh database, passes the integrity checks, and holds every save that
was acknowledged before the backup began. On a SQLite file in WAL mode (as the app runs it, where a
plain copy of the file lost 30 of 310 acknowledged writes) and on PostgreSQL. Then the demo map
from SQLite to PostgreSQL and back, every table's rows equal, and the refusals on PostgreSQL.

Writers are threads, each in its own app context and so on its own connection, saving through the
domain functions and committing as a route does; a save counts as acknowledged once its commit
returned.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from journeymap.domain.family import delete_map, start_map
from journeymap.domain.history import Actor
from journeymap.domain.journey import add_touchpoint
from journeymap.exports.downloads import data_export
from journeymap.extensions import db
from journeymap.models import HistoryEntry, JourneyMap, Touchpoint
from journeymap.readmodel.snapshot import load_map_view
from tests.backups import (
    app_on,
    backup,
    dispose,
    invoke,
    migrate,
    postgres_database,
    restore,
    sqlite_checks,
    sqlite_file,
    table_rows,
    with_a_row_pointing_nowhere,
)
from tests.databases import POSTGRES_URL

WRITERS = 3
BEFORE = 30  # saves acknowledged before the backup starts
AFTER = 10  # saves acknowledged after it ends: the writers were still going throughout
WAIT = 60  # seconds at most for either, on a loaded machine


class Saves:
    """Acknowledged saves: each label with the moment its commit returned."""

    def __init__(self):
        self.changed = threading.Condition()
        self.acknowledged: dict[str, float] = {}
        self.failures: list[str] = []

    def acknowledge(self, label: str) -> None:
        with self.changed:
            self.acknowledged[label] = time.monotonic()
            self.changed.notify_all()

    def fail(self, problem: str) -> None:
        with self.changed:
            self.failures.append(problem)
            self.changed.notify_all()

    def wait_for(self, enough: Callable[[], bool], what: str) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: enough() or self.failures, timeout=WAIT):
                pytest.fail(f"timed out waiting for {what}")
        assert not self.failures, self.failures[:3]

    def after(self, moment: float) -> int:
        return sum(at > moment for at in self.acknowledged.values())

    def before(self, moment: float) -> set[str]:
        return {label for label, at in self.acknowledged.items() if at < moment}


def keep_saving(app, map_id: int, name: str, saves: Saves, stop: threading.Event) -> None:
    """Add touchpoints named `name`-0, -1, ... one commit each, until told to stop."""
    actor = Actor.command(f"drill writer {name}")
    with app.app_context():
        try:
            for number in itertools.count():
                if stop.is_set():
                    return
                label = f"{name}-{number}"
                add_touchpoint(db.session.get(JourneyMap, map_id), actor=actor, action=label)
                db.session.commit()
                saves.acknowledge(label)
        except Exception as exc:  # reported to the test, which fails on it
            saves.fail(repr(exc))
        finally:
            db.session.remove()


def back_up_while_saving(source, folder: Path) -> tuple[Path, Saves, float, float]:
    """Start the writers, back up once BEFORE saves are in, carry on for AFTER more; the archive,
    the saves, and when the backup began and ended."""
    with source.app_context():
        map_id = start_map("Drill family").id
        db.session.commit()
    saves, stop = Saves(), threading.Event()
    writers = [threading.Thread(target=keep_saving, args=(source, map_id, f"w{n}", saves, stop))
               for n in range(WRITERS)]
    for writer in writers:
        writer.start()
    try:
        saves.wait_for(lambda: len(saves.acknowledged) >= BEFORE, "the first saves")
        began = time.monotonic()
        archive = backup(source, folder)
        ended = time.monotonic()
        saves.wait_for(lambda: saves.after(ended) >= AFTER, "saves after the backup")
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=WAIT)
    assert not saves.failures, saves.failures[:3]
    assert any(began < at < ended for at in saves.acknowledged.values()), "no save while the backup ran"
    return archive, saves, began, ended


def check_restored(target, saves: Saves, began: float) -> None:
    """Every save acknowledged before the backup began is there, and what is there is one moment:
    each touchpoint with its history entry, the map's revision counting them all."""
    with target.app_context():
        touchpoints = dict(db.session.execute(select(Touchpoint.action, Touchpoint.id)).all())
        added = db.session.scalars(select(HistoryEntry.item_id).where(
            HistoryEntry.kind == "touchpoint", HistoryEntry.action == "added")).all()
        revision = db.session.scalar(select(JourneyMap.revision))
        view = load_map_view(db.session, 1)
    missing = saves.before(began) - touchpoints.keys()
    assert not missing, f"{len(missing)} acknowledged saves are not in the backup: {sorted(missing)[:5]}"
    assert touchpoints.keys() <= saves.acknowledged.keys()
    assert sorted(added) == sorted(touchpoints.values())
    assert revision == 1 + len(touchpoints)
    assert view is not None and len(view.touchpoints) == len(touchpoints)


def test_sqlite_drill_every_acknowledged_save_survives(tmp_path, logging_kept):
    source = app_on(tmp_path / "live", f"sqlite:///{tmp_path / 'live.sqlite3'}")
    target = app_on(tmp_path / "fresh", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        migrate(source)
        with source.app_context():
            assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
        archive, saves, began, _ended = back_up_while_saving(source, tmp_path / "backups")
        assert Path(f"{sqlite_file(source)}-wal").stat().st_size > 0  # saves sat in the -wal file
        restore(target, archive)
        assert sqlite_checks(sqlite_file(target)) == (["ok"], [])
        check_restored(target, saves, began)
    finally:
        dispose(source)
        dispose(target)


def test_postgresql_drill_every_acknowledged_save_survives(tmp_path, logging_kept):
    with postgres_database(POSTGRES_URL) as live_url, postgres_database(POSTGRES_URL) as fresh_url:
        source = app_on(tmp_path / "live", live_url)
        target = app_on(tmp_path / "fresh", fresh_url)
        try:
            migrate(source)
            archive, saves, began, _ended = back_up_while_saving(source, tmp_path / "backups")
            restore(target, archive)
            check_restored(target, saves, began)
        finally:
            dispose(source)
            dispose(target)


def test_the_demo_goes_from_sqlite_to_postgresql_and_back_with_every_row(tmp_path, logging_kept):
    laptop = app_on(tmp_path / "laptop", f"sqlite:///{tmp_path / 'laptop.sqlite3'}")
    back = app_on(tmp_path / "back", f"sqlite:///{tmp_path / 'back.sqlite3'}")
    with postgres_database(POSTGRES_URL) as hosted_url:
        hosted = app_on(tmp_path / "hosted", hosted_url)
        try:
            migrate(laptop)
            assert invoke(laptop, "demo").exit_code == 0
            with laptop.app_context():
                delete_map(start_map("Deleted family"))  # map 2: its id is never handed out again
                db.session.commit()
            from_laptop = backup(laptop, tmp_path / "a")
            migrate(hosted)  # as a new hosted installation starts: migrated, empty
            restore(hosted, from_laptop)
            from_hosted = backup(hosted, tmp_path / "b")
            restore(back, from_hosted)
            from_back = backup(back, tmp_path / "c")

            assert table_rows(from_hosted) == table_rows(from_laptop)
            assert table_rows(from_back) == table_rows(from_laptop)
            assert exported(hosted) == exported(laptop) == exported(back)
            assert sqlite_checks(sqlite_file(back)) == (["ok"], [])
            for app in (hosted, back):
                with app.app_context():
                    assert start_map("After the move").id == 3
        finally:
            for app in (laptop, hosted, back):
                dispose(app)


def exported(app) -> bytes:
    """The demo map's full JSON export: what the app itself makes of the rows."""
    with app.app_context():
        return data_export(load_map_view(db.session, 1), "json").content


def test_postgresql_refusals_leave_the_database_as_it_was(tmp_path, logging_kept):
    with postgres_database(POSTGRES_URL) as url:
        hosted = app_on(tmp_path / "hosted", url)
        try:
            migrate(hosted)
            assert invoke(hosted, "demo").exit_code == 0
            before = table_rows(backup(hosted, tmp_path / "before"))
            with hosted.app_context():
                tables = set(inspect(db.engine).get_table_names())

            result = invoke(hosted, "restore", backup(hosted, tmp_path / "mine"))
            assert result.exit_code == 1 and "already holds data (in " in result.output
            assert "journey_map" in result.output

            broken = with_a_row_pointing_nowhere(backup(hosted, tmp_path / "good"), tmp_path / "broken.zip")
            result = invoke(hosted, "restore", "--replace", "--yes", broken)
            assert result.exit_code == 1
            assert "The database refused the restore, so nothing was restored" in result.output

            assert table_rows(backup(hosted, tmp_path / "after")) == before
            with hosted.app_context():
                assert set(inspect(db.engine).get_table_names()) == tables
                assert db.session.scalar(select(func.count()).select_from(JourneyMap)) == 1
        finally:
            dispose(hosted)
