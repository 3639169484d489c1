"""Fixtures: one app for the whole session on one database, emptied before each test (so each test
still starts from a fresh, empty database, as in flaskr's pattern), a client and a CLI runner.
Tests that need a real file database or migrations make their own app with tests.apps.

The database is SQLite in memory, or, with JOURNEYMAP_TEST_DATABASE=postgresql (scripts/test's
second pass), a PostgreSQL database built by the migrations (tests/databases.py). Tests marked
`sqlite_only` check something only SQLite has and are skipped on PostgreSQL.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from journeymap.extensions import db
from journeymap.models import JourneyMap
from journeymap.readmodel.snapshot import load_map_view
from tests.apps import FAST_HASHING, REPOSITORY_INSTANCE, TEST_SETTINGS, files_under, make_app
from tests.databases import (
    ON_POSTGRES,
    POSTGRES_URL,
    PostgresServer,
    PostgresUnreachable,
    loggers_kept,
    upgraded_template,
)

__all__ = ["FAST_HASHING", "ON_POSTGRES", "count_maps", "count_rows"]


def count_rows(model) -> int:
    """Rows of a table in the database."""
    return db.session.scalar(select(func.count()).select_from(model))


def count_maps() -> int:
    return count_rows(JourneyMap)


# What <repository>/instance held before the session; test_instance_untouched.py compares.
INSTANCE_BEFORE = pytest.StashKey[set]()


def pytest_configure(config):
    config.stash[INSTANCE_BEFORE] = files_under(REPOSITORY_INSTANCE)


# What the PostgreSQL pass runs, under tests/: whatever goes through the app's routes, where the
# database's own behaviour shows. The unit tests check pure functions, or SQLite files of their own.
POSTGRES_PASS = ("routes", "browser", "test_instance_untouched.py")
TESTS = Path(__file__).parent


def pytest_report_header(config):
    if not ON_POSTGRES:
        return "database: SQLite (JOURNEYMAP_TEST_DATABASE=postgresql: route and browser tests on PostgreSQL)"
    where = make_url(POSTGRES_URL)
    return (f"database: PostgreSQL at {where.host}:{where.port}; "
            f"only tests/{{{','.join(POSTGRES_PASS)}}} run (JOURNEYMAP_TEST_DATABASE=postgresql)")


def pytest_collection_modifyitems(config, items):
    # The check that the session left <repository>/instance alone runs after everything else.
    last = [item for item in items if item.name.startswith(LAST_TEST)]
    items[:] = [item for item in items if item not in last] + last
    if ON_POSTGRES:
        _postgres_pass_only(config, items)


def _postgres_pass_only(config, items) -> None:
    """Deselect what the PostgreSQL pass does not run; skip what only SQLite has."""
    elsewhere = [item for item in items if item.path.relative_to(TESTS).parts[0] not in POSTGRES_PASS]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if item not in elsewhere]
    for item in items:
        if marker := item.get_closest_marker("sqlite_only"):
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


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
            response = super().open(*args, **kwargs)
            if response.mimetype == "text/event-stream":
                # A live stream keeps the request's context until it ends (stream_with_context):
                # read to its end here, in this context (the tests' streams end at once: TEST_SETTINGS).
                response.get_data()
            return response


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL server of the PostgreSQL pass; the pass stops at once without one."""
    try:
        server = PostgresServer()
    except PostgresUnreachable as exc:
        pytest.exit(f"JOURNEYMAP_TEST_DATABASE=postgresql, but {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
    yield server
    server.close()


@pytest.fixture(scope="session")
def postgres_template(postgres_server, tmp_path_factory):
    """The name of a database built by the migrations, for the session to copy (PostgreSQL pass)."""
    name = upgraded_template(postgres_server, tmp_path_factory.mktemp("template-instance"))
    yield name
    postgres_server.drop(name)


@pytest.fixture(scope="session")
def shared_app(request, tmp_path_factory):
    """One app for the session: routes, templates and SQL are compiled once."""
    if ON_POSTGRES:
        server = request.getfixturevalue("postgres_server")
        template = request.getfixturevalue("postgres_template")
        with server.database(template, kind="shared") as url:
            app = _app_for_the_session(tmp_path_factory, {
                "SQLALCHEMY_DATABASE_URI": url,
                # A test that leaves a transaction open behind a request's would otherwise wait
                # forever; this makes it fail, and say why.
                "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": "-c lock_timeout=20s"}},
            })
            yield app
            with app.app_context():
                db.engine.dispose()
        return
    # In memory: StaticPool hands every connection the same one (a new connection to `sqlite://`
    # would be a new, empty database).
    app = _app_for_the_session(tmp_path_factory, {
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}},
    })
    with app.app_context():
        db.create_all()
    yield app


def _app_for_the_session(tmp_path_factory, database: dict):
    app = make_app(tmp_path_factory.mktemp("instance"), {**TEST_SETTINGS, **database})
    app.test_client_class = OwnContextClient
    return app


def empty_database() -> None:
    """Every row gone and every id counter back to 1, so the next test starts as on a new database.

    The maps go first: the history refuses DELETE while its map exists (an append-only trigger)
    and goes with the map (ON DELETE CASCADE), as in real use.
    """
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(_emptying_postgresql(connection.dialect))
            return
        connection.execute(delete(JourneyMap))
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.exec_driver_sql("DELETE FROM sqlite_sequence")


@functools.cache
def _emptying_postgresql(dialect) -> str:
    """The same on PostgreSQL, as one string of statements: one round trip to the server instead of
    one a table (6.7 ms a test, now 1.8 ms). DELETE, not TRUNCATE: on these few rows TRUNCATE,
    which makes every table's files anew, took 35 ms. setval(..., false): the next id is 1."""
    tables = [JourneyMap.__table__] + list(reversed(db.metadata.sorted_tables))
    deletes = [f"DELETE FROM {dialect.identifier_preparer.format_table(table)}" for table in tables]
    restart = ("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
               " WHERE c.relkind = 'S' AND n.nspname = 'public'")
    return "; ".join([*deletes, restart])


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
    with loggers_kept():
        yield


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


@pytest.fixture
def fresh_database(request, tmp_path):
    """The URL of a database of the test's own, for an app or server of its own: an SQLite file with
    no tables yet, or on the PostgreSQL pass a copy of the session's migrated database, dropped after
    the test. Either way `db.create_all()` or `flask db upgrade` leaves it with every table."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path}/b.sqlite3"
        return
    server = request.getfixturevalue("postgres_server")
    with server.database(request.getfixturevalue("postgres_template"), kind="own") as url:
        yield url


@pytest.fixture
def postgres_app(logging_kept, tmp_path):
    """A fresh PostgreSQL database built by `flask db upgrade`, dropped afterwards; the test is
    skipped when no server is reachable (on the PostgreSQL pass, where one must be, it fails)."""
    pytest.importorskip("psycopg")
    try:
        server = PostgresServer()
    except PostgresUnreachable as exc:
        if ON_POSTGRES:
            raise
        pytest.skip(str(exc))
    try:
        with server.database() as url:
            app = make_app(tmp_path / "instance", {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
            with app.app_context():
                result = app.test_cli_runner().invoke(args=["db", "upgrade"])
                assert result.exit_code == 0, result.output + repr(result.exception)
                yield app
                db.session.remove()
                db.engine.dispose()
    finally:
        server.close()
