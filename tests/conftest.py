"""Fixtures: one app for the whole session on an in-memory database, emptied before each test (so
each test still starts from a fresh, empty database, as in flaskr's pattern), a client and a CLI
runner. Tests that need a real file database or migrations make their own app with tests.apps."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from journeymap.extensions import db
from journeymap.models import JourneyMap
from journeymap.readmodel.snapshot import load_map_view
from tests.apps import FAST_HASHING, REPOSITORY_INSTANCE, TEST_SETTINGS, files_under, make_app

__all__ = ["FAST_HASHING", "count_maps", "count_rows"]


def count_rows(model) -> int:
    """Rows of a table in the database."""
    return db.session.scalar(select(func.count()).select_from(model))


def count_maps() -> int:
    return count_rows(JourneyMap)


# What <repository>/instance held before the session; test_instance_untouched.py compares.
INSTANCE_BEFORE = pytest.StashKey[set]()


def pytest_configure(config):
    config.stash[INSTANCE_BEFORE] = files_under(REPOSITORY_INSTANCE)


def pytest_collection_modifyitems(items):
    # The check that the session left <repository>/instance alone runs after everything else.
    last = [item for item in items if item.name.startswith(LAST_TEST)]
    items[:] = [item for item in items if item not in last] + last


LAST_TEST = "test_the_session_wrote_nothing_under_the_repositorys_instance_folder"


@pytest.fixture(autouse=True)
def drawing_cache_cleared():
    """Each test has a fresh database whose first map is map 1 at revision 1 again: drawings kept
    by an earlier test's map 1 must not answer for it."""
    from journeymap.render.drawing import clear_cache

    clear_cache()
    yield
    clear_cache()


class OwnContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in a real server.

    The `app` fixture keeps one context open for the test's own database work; without this, every
    request would share its `g`, where Flask-Login keeps the signed-in user, and a second client
    would be the first.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory):
    """One app for the session: routes, templates and SQL are compiled once. Its database is in
    memory, and StaticPool hands every connection the same one (a new connection to `sqlite://`
    would be a new, empty database)."""
    app = make_app(tmp_path_factory.mktemp("instance"), {
        **TEST_SETTINGS,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}},
    })
    app.test_client_class = OwnContextClient
    with app.app_context():
        db.create_all()
    return app


def empty_database() -> None:
    """Every row gone and every id counter back to 1, so the next test starts as on a new database.

    The maps go first: the history refuses DELETE while its map exists (an append-only trigger)
    and goes with the map (ON DELETE CASCADE), as in real use.
    """
    with db.engine.begin() as connection:
        connection.execute(delete(JourneyMap))
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.exec_driver_sql("DELETE FROM sqlite_sequence")


@pytest.fixture
def app(shared_app):
    """The session's app with an empty database, and an app context open for the test. Tests that
    change the app's config use monkeypatch, which puts it back."""
    with shared_app.app_context():
        empty_database()
        yield shared_app
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
def postgres_app(logging_kept, tmp_path):
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
        app = make_app(tmp_path / "instance", {
            **TEST_SETTINGS,
            "SQLALCHEMY_DATABASE_URI": server.set(database=name).render_as_string(hide_password=False),
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
