"""The live-update hub of a worker process (journeymap/hub.py) against a real database of its own:
SQLite (the revision poll) and, on the PostgreSQL pass, LISTEN/NOTIFY. A change made through the
domain reaches a waiting stream with who did what; an open stream makes its person "here"."""

from __future__ import annotations

import pytest

from journeymap.domain import live
from journeymap.domain.family import start_map
from journeymap.domain.history import Actor
from journeymap.domain.journey import add_stage
from journeymap.extensions import db
from journeymap.hub import hub_of
from journeymap.models import JourneyMap, Membership, User
from tests.apps import FAST_HASHING, make_app


@pytest.fixture
def hub_app(tmp_path, fresh_database):
    app = make_app(tmp_path / "instance", {"TESTING": True, "SECRET_KEY": "x", "LIVE_HUB": True,
                                           "SQLALCHEMY_DATABASE_URI": fresh_database,
                                           "PASSWORD_HASH_PARAMS": FAST_HASHING})
    with app.app_context():
        db.create_all()
        ana = User(email="ana@example.org", display_name="Ana", password_hash="x")
        journey_map = start_map("Family H.", "", "")
        db.session.add(ana)
        db.session.flush()
        db.session.add(Membership(map_id=journey_map.id, user_id=ana.id, role="facilitator"))
        db.session.commit()
        ids = {"map": journey_map.id, "ana": ana.id, "revision": journey_map.revision}
        db.session.remove()
    yield app, ids
    hub_of(app).stop()
    with app.app_context():
        db.engine.dispose()


def test_a_change_reaches_a_waiting_stream_with_who_did_what(hub_app):
    app, ids = hub_app
    hub = hub_of(app)
    stream = hub.open([ids["map"]], ids["ana"], "journey", {ids["map"]: ids["revision"]})
    try:
        first = hub.wait(stream, 5)  # the hub's first reading: "here now", nothing changed
        assert not first.changes
        with app.app_context():
            journey_map = db.session.get(JourneyMap, ids["map"])
            stage_id = add_stage(journey_map, "Crisis", actor=Actor(ids["ana"], "Ana", "facilitator")).id
            db.session.commit()
            db.session.remove()
        news = hub.wait(stream, 5)
        while not news.changes:
            news = hub.wait(stream, 5)
            assert news.changes or news.here, "no change within 5 s"
        ((map_id, change),) = news.changes
        assert map_id == ids["map"] and change.revision > ids["revision"]
        assert change.count == 1 and change.people == ("Ana",)
        assert change.said == "Ana added stage “Crisis”"
        # Which item, since which revision: a page showing that revision can fetch just the item.
        assert change.items == (f"stage-{stage_id}",) and change.since == ids["revision"]
        assert hub.wait(stream, 0.6).changes == []  # sent once
    finally:
        hub.close(stream)


def test_an_open_stream_is_here_now_without_a_write_per_heartbeat(hub_app):
    app, ids = hub_app
    hub = hub_of(app)
    stream = hub.open([ids["map"]], ids["ana"], "brief", {ids["map"]: ids["revision"]})
    try:
        news = hub.wait(stream, 5)
        while not news.here or '"Ana"' not in news.here[0][1]:
            news = hub.wait(stream, 5)
            assert news.here or news.changes, "Ana never became here"
        assert news.here == [(ids["map"], '[{"name": "Ana", "role": "facilitator"}]')]
        with app.app_context():
            assert [(h.name, h.page) for h in live.here_now(ids["map"], 25)] == [("Ana", "brief")]
    finally:
        hub.close(stream)
