"""Steering meetings through the pages: the facilitator records, corrects and deletes one (htmx and
plain HTML), bad input gets a message beside the field with the input kept, a stale form is a
conflict, and every write is in the history with who made it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from journeymap.extensions import db
from journeymap.models import HistoryEntry, Meeting
from tests.routes.conftest import HX, add_to_map, assert_fragment, client_as, error_of, html, post_change

GOOD = {"held_on": "2026-11-16", "attendees": "Housing officer, County Housing Office\nSchool nurse"}


def meetings_of(map_id: int) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.map_id == map_id)
                                   .execution_options(populate_existing=True)))


def record(client, small, data=None, **kw):
    return client.post(f"/maps/{small.id}/meetings", data={**GOOD, **(data or {})}, **kw)


def test_the_facilitator_records_a_meeting_with_htmx(client, small):
    body = assert_fragment(record(client, small, headers=HX))
    (meeting,) = meetings_of(small.id)
    assert meeting.held_on == date(2026, 11, 16) and meeting.attendees.startswith("Housing officer")
    assert "Steering meeting, " in body and "16 November 2026" in body
    assert "Housing officer" in body and "County Housing Office" in body and "School nurse" in body
    assert 'id="meeting-new"' in body and 'hx-swap-oob="true"' in body  # a fresh form comes back
    entry = db.session.scalar(select(HistoryEntry).where(HistoryEntry.kind == "meeting"))
    assert entry.action == "added" and entry.actor_name and entry.changes["held_on"] == "2026-11-16"


def test_a_plain_browser_records_a_meeting_and_is_sent_to_the_page(client, small):
    response = record(client, small)
    (meeting,) = meetings_of(small.id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/maps/{small.id}/meetings#meeting-{meeting.id}")
    page = html(client.get(f"/maps/{small.id}/meetings"))
    assert "16 November 2026" in page and "the last one" in page


def test_a_meeting_planned_for_later_is_not_the_last_one(client, small):
    record(client, small)
    record(client, small, {"held_on": "2099-01-05"})
    page = html(client.get(f"/maps/{small.id}/meetings"))
    planned, held = page.split("5 January 2099")[1], page.split("16 November 2026")[1]
    assert planned.index("planned") < planned.index("</h2>")
    assert held.index("the last one") < held.index("</h2>")


def test_edit_and_delete_a_meeting(client, small):
    record(client, small)
    (meeting,) = meetings_of(small.id)
    url = f"/maps/{small.id}/meetings/{meeting.id}"
    form = html(client.get(url + "/edit", headers=HX))
    assert 'value="2026-11-16"' in form and "County Housing Office" in form
    body = assert_fragment(post_change(client, url + "/edit", {**GOOD, "held_on": "2026-11-17"}, headers=HX))
    assert "17 November 2026" in body
    assert meetings_of(small.id)[0].held_on == date(2026, 11, 17)
    changed = db.session.scalar(select(HistoryEntry).where(HistoryEntry.kind == "meeting",
                                                           HistoryEntry.action == "changed"))
    assert changed.changes["held_on"] == ["2026-11-16", "2026-11-17"] and changed.actor_name
    assert_fragment(post_change(client, url + "/delete", headers=HX))
    assert meetings_of(small.id) == []
    assert db.session.scalar(select(HistoryEntry).where(HistoryEntry.kind == "meeting",
                                                        HistoryEntry.action == "deleted")) is not None
    history = html(client.get(f"/maps/{small.id}/history"))
    assert "Held on" in history and "Who came" in history and "2026-11-17" in history


def test_a_stale_edit_is_a_conflict_keeping_what_was_typed(client, small):
    record(client, small)
    (meeting,) = meetings_of(small.id)
    url = f"/maps/{small.id}/meetings/{meeting.id}/edit"
    post_change(client, url, {**GOOD, "held_on": "2026-11-18"})
    stale = client.post(url, data={**GOOD, "held_on": "2026-11-19", "version": "1"}, headers=HX)
    body = assert_fragment(stale, 409)
    assert 'value="2026-11-19"' in body
    assert meetings_of(small.id)[0].held_on == date(2026, 11, 18)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"held_on": ""}, "held_on", "Please give the day."),
    ({"held_on": "2026-02-30"}, "held_on", "is not a day of the calendar"),
    ({"held_on": "1999-12-31"}, "held_on", "between the years 2000 and 2099"),
    ({"held_on": "next tuesday"}, "held_on", "is not a day of the calendar"),
    ({"attendees": "x" * 10_000}, "attendees", "2,000"),
])
def test_bad_input_gets_a_message_beside_the_field_and_keeps_the_rest(client, small, data, field, message):
    response = record(client, small, data, headers=HX)
    body = assert_fragment(response, 422)
    assert message in (error_of(body, f"meeting-new-{field}") or "")
    assert "Housing officer, County Housing Office" in body or field == "attendees"
    assert meetings_of(small.id) == []


def test_html_typed_in_a_meeting_is_shown_escaped(client, small):
    record(client, small, {"attendees": "<script>alert(1)</script>, <b>Agency</b>"})
    page = html(client.get(f"/maps/{small.id}/meetings"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Agency&lt;/b&gt;" in page


def test_everyone_on_the_map_reads_meetings_and_only_the_facilitator_records_them(app, client, small):
    record(client, small)
    add_to_map(small.id, "connie@example.org", "contributor")
    contributor = client_as(app, "connie@example.org")
    page = html(contributor.get(f"/maps/{small.id}/meetings"))
    assert "16 November 2026" in page and "the facilitator does" in page
    assert 'id="meeting-new"' not in page
    assert record(contributor, small).status_code == 403


def test_another_maps_meeting_is_not_found(client, small, other):
    record(client, small)
    (meeting,) = meetings_of(small.id)
    assert client.get(f"/maps/{other.id}/meetings/{meeting.id}/edit").status_code == 404
    deleting = client.post(f"/maps/{other.id}/meetings/{meeting.id}/delete", data={"version": "1"})
    assert deleting.status_code == 404
