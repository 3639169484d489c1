"""The live stream every open page holds (GET /maps/<id>/events) and the phone page's (/me/events):
who may hold one, what it sends first, and that it ends when its person may no longer see the map."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from journeymap.extensions import db
from journeymap.models import JourneyMap, Membership
from journeymap.models.utctime import utcnow
from journeymap.routes import live as live_routes
from tests.routes.conftest import add_to_map, client_as, user_id


def events(body: str) -> list[tuple[str, str | None, dict]]:
    """(event name, id, data) of each event in a stream's text."""
    found = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            found.append((fields["event"], fields.get("id"), json.loads(fields["data"])))
    return found


def revision(map_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(JourneyMap.revision).where(JourneyMap.id == map_id))


def test_a_stream_starts_with_the_maps_revision_as_its_event_id(client, small):
    response = client.get(f"/maps/{small.id}/events?page=journey")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    now = revision(small.id)
    assert events(response.get_data(as_text=True)) == [
        ("change", str(now), {"revision": now, "count": 0, "people": [], "said": "",
                              "since": 0, "items": None})]
    assert "retry: " in response.get_data(as_text=True)


def test_a_reconnection_that_missed_nothing_is_sent_nothing(client, small):
    now = revision(small.id)
    response = client.get(f"/maps/{small.id}/events", headers={"Last-Event-ID": str(now)})
    assert events(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("last", ["0", "abc", "-4", "9" * 40])
def test_a_reconnection_from_another_revision_gets_the_current_one_at_once(client, small, last):
    response = client.get(f"/maps/{small.id}/events", headers={"Last-Event-ID": last})
    now = revision(small.id)
    assert [(name, event_id) for name, event_id, _ in events(response.get_data(as_text=True))] == [
        ("change", str(now))]


def test_non_members_and_missing_maps_get_404(app, small, other):
    add_to_map(other.id, "olga@example.org", "facilitator")
    olga = client_as(app, "olga@example.org")
    assert olga.get(f"/maps/{small.id}/events").status_code == 404
    assert olga.get("/maps/999999/events").status_code == 404


def test_signed_out_browsers_are_sent_to_sign_in(app, small):
    response = app.test_client().get(f"/maps/{small.id}/events")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.fixture
def long_streams(app, monkeypatch):
    """Streams that live on, checking access at every (quick) keepalive."""
    monkeypatch.setitem(app.config, "LIVE_STREAM_MAX_SECONDS", 30.0)
    monkeypatch.setitem(app.config, "LIVE_KEEPALIVE_SECONDS", 0.01)


def while_waiting(monkeypatch, *things):
    """Do each of `things`, in turn, while the stream waits between keepalives."""
    todo = list(things)

    def sleep(seconds):
        time.sleep(seconds)  # the keepalive's moment comes, as it would
        if todo:
            todo.pop(0)()
    monkeypatch.setattr(live_routes, "_sleep", sleep)


def test_a_removed_members_stream_ends(app, small, long_streams, monkeypatch):
    add_to_map(small.id, "cora@example.org", "contributor")
    cora = client_as(app, "cora@example.org")

    def remove():
        db.session.delete(db.session.scalar(
            select(Membership).where(Membership.user_id == user_id("cora@example.org"))))
        db.session.commit()
    while_waiting(monkeypatch, lambda: None, remove)
    sent = events(cora.get(f"/maps/{small.id}/events").get_data(as_text=True))
    assert [name for name, _, _ in sent] == ["change", "ping", "end"]


def test_a_closed_maps_stream_ends(client, small, long_streams, monkeypatch):
    def close():
        db.session.get(JourneyMap, small.id).closed_at = utcnow()
        db.session.commit()
    while_waiting(monkeypatch, close)
    sent = events(client.get(f"/maps/{small.id}/events").get_data(as_text=True))
    assert [name for name, _, _ in sent] == ["change", "end"]


def test_a_change_the_stream_missed_is_sent_at_the_next_keepalive(client, small, long_streams, monkeypatch):
    before = revision(small.id)

    def change():
        db.session.get(JourneyMap, small.id).touch()
        db.session.commit()

    def close():
        db.session.get(JourneyMap, small.id).closed_at = utcnow()
        db.session.commit()
    while_waiting(monkeypatch, change, close)
    sent = events(client.get(f"/maps/{small.id}/events").get_data(as_text=True))
    assert [(name, event_id) for name, event_id, _ in sent] == [
        ("change", str(before)), ("change", str(before + 1)), ("ping", None), ("end", None)]


def test_the_phone_pages_stream_is_for_signed_in_people(app, client, small):
    assert client.get("/me/events").status_code == 200
    assert app.test_client().get("/me/events").status_code == 302


def test_my_touchpoints_holds_a_stream_and_map_pages_name_theirs(client, small):
    assert 'data-events="/me/events"' in client.get("/me/touchpoints").get_data(as_text=True)
    body = client.get(f"/maps/{small.id}/journey").get_data(as_text=True)
    assert f'data-events="/maps/{small.id}/events?page=journey"' in body
    assert 'id="live-pause"' in body
