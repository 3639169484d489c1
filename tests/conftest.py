"""Fixtures: a fresh app and database per test (flaskr's pattern), a client and a CLI runner."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from journeymap import create_app
from journeymap.extensions import db
from journeymap.models import JourneyMap
from journeymap.readmodel.snapshot import load_map_view


def count_rows(model) -> int:
    """Rows of a table in the database."""
    return db.session.scalar(select(func.count()).select_from(model))


def count_maps() -> int:
    return count_rows(JourneyMap)


# argon2id still, but cheap: the suite hashes hundreds of passwords.
FAST_HASHING = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(autouse=True)
def drawing_cache_cleared():
    """Each test has a fresh database whose first map is map 1 at revision 1 again: drawings kept
    by an earlier test's map 1 must not answer for it."""
    from journeymap.render.drawing import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "DOT_TIMEOUT": 20.0,
            "PASSWORD_HASH_PARAMS": FAST_HASHING,
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()


@pytest.fixture
def logging_kept():
    """Alembic's env.py runs logging.config.fileConfig, which disables every existing logger;
    tests that run migrations put them back so later tests still see their log records."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    saved = {lg: (lg.disabled, lg.level, list(lg.handlers)) for lg in loggers}
    yield
    for lg, (disabled, level, handlers) in saved.items():
        lg.disabled, lg.level, lg.handlers = disabled, level, handlers


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def view_of(app):
    """Load the map view of a map id, fresh from the database."""

    def load(map_id: int):
        db.session.expire_all()
        return load_map_view(db.session, map_id)

    return load


POSTGRES = os.environ.get("JOURNEYMAP_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_app(logging_kept):
    """A fresh PostgreSQL database built by `flask db upgrade`, dropped afterwards; the test is
    skipped when no server is reachable."""
    psycopg = pytest.importorskip("psycopg")
    server = make_url(POSTGRES)
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {server.host}:{server.port}: {exc}")
    name = f"journeymap_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        app = create_app({
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": server.set(database=name).render_as_string(hide_password=False),
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_PARAMS": FAST_HASHING,
        })
        runner = app.test_cli_runner()
        with app.app_context():
            result = runner.invoke(args=["db", "upgrade"])
            assert result.exit_code == 0, result.output + repr(result.exception)
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
