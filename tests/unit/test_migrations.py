"""The Alembic migrations build the schema the models describe, with nothing left out."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from journeymap.extensions import db
from tests.apps import make_app


@pytest.fixture
def migrated(tmp_path, logging_kept):
    """A fresh database built by `flask db upgrade` alone (no create_all)."""
    app = make_app(tmp_path / "instance", {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
    })
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_creates_every_table(migrated):
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "journey_map", "household_member", "stage", "touchpoint", "agency", "caseworker",
        "barrier", "barrier_touchpoint", "alembic_version",
    } <= tables
    assert set(db.metadata.tables) <= tables
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_models_match_the_migrations(migrated):
    # A model change without a migration shows up here as a non-empty diff: run
    # `flask db migrate -m "..."`, review the script, and commit it with the model change.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_the_migrated_schema_keeps_the_on_delete_rules(migrated):
    # The domain relies on the database to unown barriers and keep people and touchpoints
    # when an agency, caseworker or stage is deleted.
    rules = {
        (table, fk["constrained_columns"][0]): (fk.get("options") or {}).get("ondelete")
        for table in db.metadata.tables
        for fk in inspect(db.engine).get_foreign_keys(table)
    }
    assert rules[("caseworker", "agency_id")] == "SET NULL"
    assert rules[("touchpoint", "stage_id")] == "SET NULL"
    assert rules[("touchpoint", "agency_id")] == "SET NULL"
    assert rules[("touchpoint", "caseworker_id")] == "SET NULL"
    assert rules[("barrier", "owner_agency_id")] == "SET NULL"
    assert rules[("barrier", "owner_caseworker_id")] == "SET NULL"
    assert rules[("barrier_touchpoint", "touchpoint_id")] == "CASCADE"
    assert rules[("barrier_touchpoint", "barrier_id")] == "CASCADE"
    for table in ("agency", "caseworker", "stage", "touchpoint", "barrier", "household_member"):
        assert rules[(table, "map_id")] == "CASCADE"


def test_the_demo_loads_into_a_migrated_database(migrated):
    from journeymap.readmodel.snapshot import load_map_view
    from journeymap.samples import demo

    journey_map = demo.load_demo()
    db.session.commit()
    view = load_map_view(db.session, journey_map.id)
    assert view is not None and view.unowned_barriers


def test_upgrading_keeps_every_row(tmp_path, logging_kept):
    """SQLite rebuilds a table to change it; with foreign keys on, dropping the old journey_map
    would cascade and empty every child table. The migrations run with them off, and check."""
    import sqlite3

    from flask_migrate import upgrade

    path = tmp_path / "old.sqlite3"
    app = make_app(tmp_path / "instance", {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                           "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="d815acfb08ad")
        raw = sqlite3.connect(path)
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("INSERT INTO journey_map (id, pseudonym, situation, hopes, created_at, updated_at,"
                    " revision) VALUES (1, 'F', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)")
        raw.execute("INSERT INTO agency (id, map_id, name, sector) VALUES (1, 1, 'A', 'other')")
        raw.execute("INSERT INTO stage (id, map_id, name, position) VALUES (1, 1, 'S', 0)")
        raw.execute("INSERT INTO touchpoint (id, map_id, stage_id, position, action, place, documents,"
                    " retold_story, reported_by) VALUES (1, 1, 1, 0, 'Call', '', '', 0, 'family')")
        raw.commit()
        raw.close()
        upgrade()
        raw = sqlite3.connect(path)
        tables = ("agency", "stage", "touchpoint")
        counts = [raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables]
        created = raw.execute("SELECT created_at FROM journey_map").fetchone()[0]
        raw.close()
    assert counts == [1, 1, 1]
    assert created.startswith("2026-01-01 00:00:00")
