"""The Alembic migrations build the schema the models describe, with nothing left out."""

from __future__ import annotations

import logging

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from journeymap import create_app
from journeymap.extensions import db


@pytest.fixture
def logging_kept():
    """Alembic's env.py runs logging.config.fileConfig, which disables every existing logger;
    put them back so later tests still see their log records."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    saved = {lg: (lg.disabled, lg.level, list(lg.handlers)) for lg in loggers}
    yield
    for lg, (disabled, level, handlers) in saved.items():
        lg.disabled, lg.level, lg.handlers = disabled, level, handlers


@pytest.fixture
def migrated(tmp_path, logging_kept):
    """A fresh database built by `flask db upgrade` alone (no create_all)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
        }
    )
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
    from journeymap import demo
    from journeymap.snapshot import load_map_view

    journey_map = demo.load_demo()
    db.session.commit()
    view = load_map_view(db.session, journey_map.id)
    assert view is not None and view.unowned_barriers
