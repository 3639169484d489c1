"""Handoffs through the routes: recording one (htmx and plain), bad input beside the field with the
input kept, its steps, dropped ones counted and listed first, "Make it a barrier", the map's days,
who may do what (a caseworker: their agency's; the family: their own), escaping, CSV and JSON."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from journeymap.clock import today
from journeymap.domain.handoffs import add_handoff, move
from journeymap.exports.json_in import read_document
from journeymap.extensions import db
from journeymap.models import Agency, Barrier, Handoff, HistoryEntry, JourneyMap
from tests.actors import SETUP
from tests.markup import select as css
from tests.routes.conftest import (
    HX,
    add_to_map,
    assert_fragment,
    assert_redirect,
    client_as,
    error_of,
    html,
    post_change,
)


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


@pytest.fixture
def county(small) -> int:
    agency = Agency(map_id=small.id, name="County Human Services", sector="county")
    db.session.add(agency)
    db.session.commit()
    return agency.id


def form(small, county, **changes) -> dict:
    return {"from_agency_id": str(small.agency), "to_agency_id": str(county), "sent_on": days_ago(20),
            "channel": "referral_form", "expected": "A call within a week",
            "began_touchpoint_id": str(small.tp1), **changes}


def handoff_of(map_id: int) -> Handoff:
    db.session.expire_all()
    return db.session.scalars(select(Handoff).where(Handoff.map_id == map_id).order_by(Handoff.id)).all()[-1]


def history_of(map_id: int) -> list[HistoryEntry]:
    return db.session.scalars(select(HistoryEntry).where(HistoryEntry.map_id == map_id)
                              .order_by(HistoryEntry.id)).all()


def test_a_handoff_recorded_20_days_ago_is_dropped_counted_and_listed_first(client, small, county):
    assert_redirect(client.post(f"/maps/{small.id}/handoffs", data=form(small, county)))
    received = handoff_of(small.id)
    move(db.session.get(JourneyMap, small.id), received, "received", today(), actor=SETUP)
    db.session.commit()
    dropped_one = form(small, county, expected="Dropped one")
    assert_redirect(client.post(f"/maps/{small.id}/handoffs", data=dropped_one))
    page = html(client.get(f"/maps/{small.id}/handoffs"))
    cards = css(page, "#handoffs > li")
    assert "Dropped one" in cards[0].text and "Who should have picked this up?" in cards[0].text
    assert "Dropped: 20 days without being received" in cards[0].text
    assert "Dropped" not in cards[1].text.split("Step:")[0] or "Received" in cards[1].text
    status = css(page, "#map-status")[0].text
    assert "1 handoff dropped" in status
    entry = history_of(small.id)[-1]
    assert (entry.action, entry.kind) == ("added", "handoff") and entry.changes["sent_on"] == days_ago(20)


def test_htmx_add_answers_the_card_the_fresh_form_and_the_status(client, small, county):
    body = assert_fragment(client.post(f"/maps/{small.id}/handoffs", data=form(small, county), headers=HX))
    assert 'id="handoff-new"' in body and "Who should have picked this up?" in body
    assert "1 handoff dropped" in css(body, "#map-status")[0].text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"sent_on": ""}, "sent_on", "Please give the day the family was sent on."),
    ({"sent_on": "2026-02-30"}, "sent_on", "is not a day of the calendar"),
    ({"sent_on": (date.today() + timedelta(days=3)).isoformat()}, "sent_on", "still to come"),
    ({"channel": "pigeon"}, "channel", "Not a valid choice"),
    ({"expected": "x" * 1001}, "expected", "Please keep this to 1,000 characters"),
    ({"from_caseworker_id": "CW", "from_agency_id": "COUNTY"}, "from_caseworker_id", "is recorded at"),
    ({"began_touchpoint_id": "999999"}, "began_touchpoint_id", "Not a valid choice"),
])
def test_bad_input_is_refused_beside_the_field_with_the_input_kept(client, small, county, data, field,
                                                                   message):
    data = {k: {"CW": str(small.caseworker), "COUNTY": str(county)}.get(v, v) for k, v in data.items()}
    for headers in ({}, HX):
        response = client.post(f"/maps/{small.id}/handoffs", data=form(small, county, **data),
                               headers=headers)
        assert response.status_code == 422
        body = html(response)
        assert message in (error_of(body, f"handoff-new-{field}") or ""), body[:3000]
        assert "A call within a week" in body or field == "expected"
    assert db.session.scalar(select(Handoff.id).where(Handoff.map_id == small.id)) is None


def made(small, county, **fields) -> int:
    handoff = add_handoff(db.session.get(JourneyMap, small.id), actor=SETUP, from_agency_id=small.agency,
                          to_agency_id=county, sent_on=today() - timedelta(days=30), **fields)
    db.session.commit()
    return handoff.id


def step(client, small, item_id: int, name: str, headers=None, **data):
    version = db.session.get(Handoff, item_id, populate_existing=True).version
    return client.post(f"/maps/{small.id}/handoffs/{item_id}/steps/{name}",
                       data={"on": today().isoformat(), "version": str(version), **data},
                       headers=headers or {})


def test_steps_received_accepted_completed_each_dated_and_in_the_history(client, small, county):
    item = made(small, county)
    assert_redirect(step(client, small, item, "received"))
    body = assert_fragment(step(client, small, item, "accepted", headers=HX, by="Intake worker"))
    assert "Recorded: accepted." in body and "by Intake worker" in body
    assert "handoff dropped" not in css(body, "#map-status")[0].text
    assert_redirect(step(client, small, item, "completed"))
    record = handoff_of(small.id)
    assert (record.status, record.received_on, record.completed_on) == ("completed", today(), today())
    changes = [e.changes for e in history_of(small.id) if e.kind == "handoff" and e.action == "changed"]
    assert changes[0]["status"] == ["sent", "received"] and changes[-1]["status"] == ["accepted", "completed"]


def test_a_decline_needs_a_reason_and_a_step_out_of_order_is_a_conflict(client, small, county):
    item = made(small, county)
    response = step(client, small, item, "declined", headers=HX)
    assert response.status_code == 422
    assert "Please say why they declined" in html(response)
    assert_redirect(step(client, small, item, "declined", reason="Not our area"))
    assert handoff_of(small.id).decline_reason == "Not our area"
    conflict = step(client, small, item, "completed", headers=HX)
    assert conflict.status_code == 409 and "changed this handoff a moment ago" in html(conflict)
    assert client.post(f"/maps/{small.id}/handoffs/{item}/steps/lost", data={}).status_code == 404


def test_a_stale_step_is_a_conflict_not_a_second_step(client, small, county):
    item = made(small, county)
    stale = db.session.get(Handoff, item).version
    assert_redirect(step(client, small, item, "received"))
    response = client.post(f"/maps/{small.id}/handoffs/{item}/steps/accepted",
                           data={"on": today().isoformat(), "version": str(stale)}, headers=HX)
    assert response.status_code == 409
    assert handoff_of(small.id).status == "received"


def test_make_it_a_barrier_in_one_step(client, small, county):
    item = made(small, county, began_touchpoint_id=small.tp1, ended_touchpoint_id=small.tp2)
    version = db.session.get(Handoff, item).version
    body = assert_fragment(client.post(f"/maps/{small.id}/handoffs/{item}/barrier",
                                       data={"version": str(version)}, headers=HX))
    assert "Became the barrier" in body and "Who should have picked this up?" not in body
    record = handoff_of(small.id)
    barrier = db.session.get(Barrier, record.barrier_id)
    assert barrier.title == "Referral from Test Housing Office never picked up by County Human Services"
    assert (barrier.category, barrier.is_unowned) == ("coordination", True)
    view = client.get(f"/maps/{small.id}/barriers")
    assert barrier.title in html(view)
    again = client.post(f"/maps/{small.id}/handoffs/{item}/barrier", data={"version": str(record.version)})
    assert again.status_code == 409
    twins = select(Barrier.id).where(Barrier.title == barrier.title, Barrier.id != barrier.id)
    assert db.session.scalar(twins) is None


def test_the_facilitator_sets_the_days_before_a_handoff_is_dropped(client, small, county):
    made(small, county)  # 30 days ago
    assert_redirect(client.post(f"/maps/{small.id}/handoffs/days", data={"days": "45"}))
    page = html(client.get(f"/maps/{small.id}/handoffs"))
    assert "handoff dropped" not in css(page, "#map-status")[0].text
    assert "Waiting 30 days" in page
    bad = client.post(f"/maps/{small.id}/handoffs/days", data={"days": "0"})
    assert bad.status_code == 422 and "from 1 to 365" in html(bad)
    assert history_of(small.id)[-1].changes == {"handoff_days": [None, 45]}


def test_a_caseworker_records_handoffs_of_their_own_agency_only(app, small, county):
    add_to_map(small.id, "casey@example.org", "caseworker", caseworker_id=small.caseworker)
    casey = client_as(app, "casey@example.org")
    theirs = form(small, county)
    assert_redirect(casey.post(f"/maps/{small.id}/handoffs", data=theirs))
    other = form(small, county, from_agency_id="", began_touchpoint_id="")
    response = casey.post(f"/maps/{small.id}/handoffs", data=other)
    assert response.status_code == 422
    assert "from or to yourself or" in error_of(html(response), "handoff-new-to_caseworker_id")
    # Someone else's handoff between two other agencies: not theirs to change or move.
    elsewhere = Agency(map_id=small.id, name="School", sector="school")
    db.session.add(elsewhere)
    db.session.commit()
    foreign = add_handoff(db.session.get(JourneyMap, small.id), actor=SETUP, from_agency_id=elsewhere.id,
                          to_agency_id=county, sent_on=today())
    db.session.commit()
    assert step(casey, small, foreign.id, "received").status_code == 403
    assert casey.get(f"/maps/{small.id}/handoffs/{foreign.id}/edit").status_code == 403
    # Theirs, from their agency: they move its steps.
    ours = db.session.scalars(select(Handoff).where(Handoff.from_agency_id == small.agency)).one()
    assert_redirect(step(casey, small, ours.id, "received"))


def test_the_family_adds_and_changes_only_their_own(app, small, county):
    add_to_map(small.id, "fam@example.org", "family")
    family = client_as(app, "fam@example.org")
    told = form(small, county, expected="Go to room 4")
    assert_redirect(family.post(f"/maps/{small.id}/handoffs", data=told))
    own = handoff_of(small.id)
    assert own.from_family
    assert_redirect(post_change(family, f"/maps/{small.id}/handoffs/{own.id}/edit",
                                data=form(small, county, expected="Go to room 5")))
    other = made(small, county)
    assert family.get(f"/maps/{small.id}/handoffs/{other}/edit").status_code == 403
    assert step(family, small, other, "received").status_code == 403


def test_hostile_text_is_escaped_in_the_page_and_the_csv(client, small, county):
    hostile = '<script>alert(1)</script>=HYPERLINK("x")'
    assert_redirect(client.post(f"/maps/{small.id}/handoffs", data=form(small, county, expected=hostile)))
    page = html(client.get(f"/maps/{small.id}/handoffs"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    response = client.post(f"/maps/{small.id}/data/export", data={"format": "handoffs-csv", "detail": "full"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "'<script>" not in text
    assert "Referral form" in text and "Yes" in text  # dropped


def test_an_edit_of_a_changed_handoff_shows_the_conflict(client, small, county):
    item = made(small, county)
    url = f"/maps/{small.id}/handoffs/{item}/edit"
    data = {**form(small, county, expected="Mine"), "version": "1"}
    assert_redirect(post_change(client, url, data=form(small, county, expected="Theirs")))
    response = client.post(url, data=data, headers=HX)
    assert response.status_code == 409 and "Theirs" in html(response)


def test_a_version_4_file_without_handoffs_imports_as_none_and_the_demo_round_trips(client, demo_id, view_of):
    exported = json.loads(client.post(f"/maps/{demo_id}/data/export",
                                      data={"format": "json", "detail": "full"}).get_data(as_text=True))
    assert exported["format_version"] == 4 and len(exported["handoffs"]) == 2
    (dropped,) = [h for h in exported["handoffs"] if h["status"] == "sent"]
    assert (dropped["status"], dropped["ended_at"], dropped["channel"]) == ("sent", None, "referral_form")
    without = {key: value for key, value in exported.items() if key != "handoffs"}
    assert read_document(without).items["handoff"] == []
    assert len(read_document(exported).items["handoff"]) == 2


def test_the_de_identified_silo_map_still_shows_a_dropped_handoff_without_its_days(client, small, county):
    """The room sees the de-identified drawing (the present view): it has no days, but keeps how
    long a handoff nobody received has waited, so the dropped referral is drawn there too."""
    assert_redirect(client.post(f"/maps/{small.id}/handoffs", data=form(small, county)))
    svg = client.get(f"/maps/{small.id}/silo-map.svg?detail=deidentified").get_data(as_text=True)
    assert "Referral dropped: 20 days" in svg
    assert days_ago(20) not in svg
