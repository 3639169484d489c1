"""/healthz and /readyz: what a container's health check and a load balancer ask."""

from __future__ import annotations

import logging

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import event

from journeymap.extensions import db
from journeymap.routes import health
from tests.apps import TEST_SETTINGS, make_app
from tests.routes.conftest import FACILITATOR, sign_in


@pytest.fixture(autouse=True)
def dot_checked_afresh():
    health.forget_dot_check()
    yield
    health.forget_dot_check()


def app_on(tmp_path, url: str | None = None, **settings):
    return make_app(tmp_path / "instance", {
        **TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp_path / 'db.sqlite3'}", **settings,
    })


@pytest.fixture
def migrated(tmp_path, logging_kept):
    """An app whose database was built by the migrations, as a server's is."""
    app = app_on(tmp_path)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def statements_during(engine, call):
    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        return call(), seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def assert_plain_and_not_kept(response):
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_without_the_database_or_a_session(app, client):
    """Even for a signed-in browser: no user is loaded, no session written, no SQL run."""
    sign_in(client, FACILITATOR)
    response, statements = statements_during(db.engine, lambda: client.get("/healthz"))
    assert (response.status_code, response.text) == (200, "ok\n")
    assert_plain_and_not_kept(response)
    assert statements == []


def test_healthz_answers_while_the_database_is_unreachable(tmp_path):
    app = app_on(tmp_path, f"sqlite:///{tmp_path / 'no such folder' / 'db.sqlite3'}")
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.text) == (200, "ok\n")


def test_readyz_is_ready_on_a_migrated_database(migrated):
    response = migrated.test_client().get("/readyz")
    assert (response.status_code, response.text) == (200, "ready\n")
    assert_plain_and_not_kept(response)


def test_readyz_names_migrations_on_a_database_never_migrated(tmp_path):
    response = app_on(tmp_path).test_client().get("/readyz")
    assert (response.status_code, response.text) == (503, "not ready: migrations\n")
    assert_plain_and_not_kept(response)


def test_readyz_names_migrations_on_a_database_one_migration_behind(migrated):
    with migrated.app_context():
        downgrade(revision="-1")
    response = migrated.test_client().get("/readyz")
    assert (response.status_code, response.text) == (503, "not ready: migrations\n")


def test_readyz_names_the_database_when_it_does_not_answer(tmp_path, caplog):
    app = app_on(tmp_path, f"sqlite:///{tmp_path / 'no such folder' / 'db.sqlite3'}")
    response = app.test_client().get("/readyz")
    assert (response.status_code, response.text) == (503, "not ready: database\n")
    # The log says what kind of failure, for whoever runs the server; not the error's text.
    assert "readyz: the database did not answer (OperationalError)" in caplog.text
    assert "unable to open" not in caplog.text


def test_readyz_names_graphviz_when_dot_is_missing(migrated, tmp_path, monkeypatch):
    monkeypatch.setitem(migrated.config, "DOT_BINARY", str(tmp_path / "no-dot-here"))
    response = migrated.test_client().get("/readyz")
    assert (response.status_code, response.text) == (503, "not ready: graphviz\n")


def test_readyz_names_every_failed_check_and_nothing_else(tmp_path):
    app = app_on(tmp_path, DOT_BINARY=str(tmp_path / "no-dot-here"))
    response = app.test_client().get("/readyz")
    assert response.text == "not ready: migrations, graphviz\n"


def test_dot_runs_at_most_once_in_a_while(migrated, monkeypatch):
    runs = []
    real = health._dot_answers
    monkeypatch.setattr(health, "_dot_answers", lambda binary: runs.append(binary) or real(binary))
    now = [1000.0]
    monkeypatch.setattr(health.time, "monotonic", lambda: now[0])
    client = migrated.test_client()
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert len(runs) == 1
    now[0] += health.DOT_CHECK_SECONDS + 1
    assert client.get("/readyz").status_code == 200
    assert len(runs) == 2


def test_probes_are_not_logged_as_requests(app, client, caplog):
    caplog.set_level(logging.INFO, logger="journeymap.request")
    client.get("/healthz")
    client.get("/readyz")
    client.get("/sign-in")
    rules = [record.request_fields["rule"] for record in caplog.records if hasattr(record, "request_fields")]
    assert rules == ["/sign-in"]
