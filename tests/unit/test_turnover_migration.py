"""The turnover migration adds nullable columns in place: on SQLite, no copy of the caseworker
table (a copy would take a lock and time proportional to the table on a big embedded database)."""

from __future__ import annotations

import sqlite3

from flask_migrate import upgrade

from tests.apps import make_app

BEFORE_TURNOVER = "a7da32cc5bd0"


def test_the_caseworker_table_is_altered_not_copied(tmp_path, logging_kept):
    path = tmp_path / "old.sqlite3"
    app = make_app(tmp_path / "instance", {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                           "SECRET_KEY": "x"})

    def caseworker_table():
        raw = sqlite3.connect(path)
        try:
            return raw.execute("SELECT rootpage, sql FROM sqlite_master WHERE name = 'caseworker'").fetchone()
        finally:
            raw.close()

    with app.app_context():
        upgrade(revision=BEFORE_TURNOVER)
        raw = sqlite3.connect(path)
        raw.execute("INSERT INTO journey_map (id, pseudonym, situation, hopes, created_at, updated_at,"
                    " revision) VALUES (1, 'F', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)")
        raw.execute("INSERT INTO caseworker (id, map_id, name, role, holds_file, status)"
                    " VALUES (1, 1, 'Ada', '', 1, 'left')")
        raw.commit()
        raw.close()
        rootpage_before, _ = caseworker_table()
        upgrade()
        rootpage_after, sql = caseworker_table()
        raw = sqlite3.connect(path)
        row = raw.execute("SELECT name, status, left_on, successor_id, handover FROM caseworker").fetchone()
        raw.close()
    assert rootpage_after == rootpage_before  # the same table, not a rebuilt copy
    assert "handover" in sql and "successor_id" in sql and "left_on" in sql
    assert row == ("Ada", "left", None, None, None)
