"""The owner's answer and their next step, through the pages: a caseworker answers for their own
agency's barrier (on the barriers page and on the phone page), bad input gets a message beside
the field, a stale form is a conflict, and overdue shows on the card, the map's header, the maps
list and "What I said I would do". "Today" is set in the app's settings (TODAY), never waited for."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from journeymap.domain import commitments
from journeymap.domain.barriers import set_owner
from journeymap.domain.people import add_agency
from journeymap.extensions import db
from journeymap.models import Barrier, Commitment, HistoryEntry, JourneyMap
from tests.actors import SETUP
from tests.routes.conftest import HX, add_to_map, assert_fragment, client_as, html

CASEY = "casey@example.org"
TODAY = date(2026, 12, 7)


@pytest.fixture
def today(app, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", TODAY)
    return TODAY


@pytest.fixture
def owned(small, today):
    """small's barrier, owned by small's agency and waiting for an answer; Casey is the caseworker
    member linked to small's caseworker at that agency."""
    journey_map = db.session.get(JourneyMap, small.id)
    set_owner(journey_map, db.session.get(Barrier, small.barrier), small.agency, None, actor=SETUP)
    db.session.commit()
    add_to_map(small.id, CASEY, "caseworker", caseworker_id=small.caseworker)
    return small


def url(small, what: str) -> str:
    return f"/maps/{small.id}/barriers/{small.barrier}/{what}"


def barrier(small) -> Barrier:
    return db.session.get(Barrier, small.barrier, populate_existing=True)


def accepted_with_step(small, due: date | None):
    journey_map = db.session.get(JourneyMap, small.id)
    record = db.session.get(Barrier, small.barrier)
    commitments.accept(journey_map, record, actor=SETUP)
    made = commitments.commit_to(journey_map, record, actor=SETUP, next_step="Fix the boiler",
                                 who_caseworker_id=small.caseworker, who_text="", due_on=due)
    db.session.commit()
    return made


def test_a_caseworker_accepts_and_sets_a_next_step_with_htmx(app, owned):
    casey = client_as(app, CASEY)
    page = html(casey.get(f"/maps/{owned.id}/barriers"))
    assert "Waiting for the owner to accept or decline" in page and url(owned, "accept") in page
    body = assert_fragment(casey.post(url(owned, "accept"), headers=HX,
                                      data={"version": barrier(owned).version}))
    assert "Accepted" in body and "Set the next step" in body and 'hx-swap-oob="true"' in body
    form = assert_fragment(casey.get(url(owned, "next-step"), headers=HX))
    assert f'<option selected value="{owned.caseworker}">' in form  # herself, unless she says otherwise
    body = assert_fragment(casey.post(url(owned, "next-step"), headers=HX, data={
        "next_step": "Ring the landlord about the boiler", "who_caseworker_id": str(owned.caseworker),
        "who_text": "", "due_on": "2026-12-18", "version": barrier(owned).version}))
    assert "Ring the landlord about the boiler" in body and "18 December 2026" in body
    entries = db.session.scalars(select(HistoryEntry.action).where(HistoryEntry.map_id == owned.id)
                                 .order_by(HistoryEntry.id)).all()
    assert entries[-2:] == ["accepted", "added"]


def test_the_facilitator_sees_it_on_the_barriers_page_and_the_open_list(app, owned, client):
    accepted_with_step(owned, date(2026, 12, 18))
    assert "Fix the boiler" in html(client.get(f"/maps/{owned.id}/barriers"))
    listed = html(client.get(f"/maps/{owned.id}/commitments"))
    assert "Fix the boiler" in listed and "<td>today</td>" in listed  # set today


def test_a_caseworker_cannot_answer_for_another_agency(app, owned):
    journey_map = db.session.get(JourneyMap, owned.id)
    school = add_agency(journey_map, name="Valley School", sector="school", actor=SETUP)
    set_owner(journey_map, barrier(owned), school.id, None, actor=SETUP)
    db.session.commit()
    casey = client_as(app, CASEY)
    assert casey.post(url(owned, "accept"), data={"version": barrier(owned).version}).status_code == 403
    assert url(owned, "accept") not in html(casey.get(f"/maps/{owned.id}/barriers"))
    assert barrier(owned).owner_answer == "pending"


def test_declining_needs_a_reason_then_says_who_and_why(app, owned):
    casey = client_as(app, CASEY)
    empty = casey.post(url(owned, "decline"), headers=HX,
                       data={"reason": "  ", "version": barrier(owned).version})
    assert empty.status_code == 422 and "Please fill this in." in html(empty)
    body = assert_fragment(casey.post(url(owned, "decline"), headers=HX, data={
        "reason": "The landlord holds the deposit, not us.", "version": barrier(owned).version}))
    assert "Declined" in body and "The landlord holds the deposit, not us." in body
    assert "No one owns this" in body
    assert barrier(owned).is_unowned


@pytest.mark.parametrize(("field", "value", "message"), [
    ("due_on", "2026-02-30", "is not a day of the calendar"),
    ("due_on", "next friday", "is not a day of the calendar"),
    ("due_on", "1926-12-18", "between the years 2000 and 2099"),
    ("next_step", "x" * 10_000, "Please keep this to 500 characters; it has 10,000."),
    ("next_step", "", "Please fill this in."),
])
def test_bad_next_step_input_gets_a_message_beside_the_field_and_keeps_the_rest(app, owned, client, field,
                                                                                 value, message):
    accepted_with_step(owned, None)
    step = db.session.scalar(select(Commitment))
    data = {"next_step": "Call the landlord", "who_caseworker_id": "", "who_text": "the housing team",
            "due_on": "2026-12-18", "version": step.version, field: value}
    response = client.post(url(owned, "next-step"), data=data, headers=HX)
    body = html(response)
    assert response.status_code == 422 and message in body
    assert f'id="step-{owned.barrier}-{field}-error"' in body
    assert "the housing team" in body  # what else was typed is kept
    assert db.session.get(Commitment, step.id, populate_existing=True).next_step == "Fix the boiler"


def test_a_date_in_the_past_is_allowed_and_the_page_says_so(app, owned, client):
    accepted_with_step(owned, None)
    step = db.session.scalar(select(Commitment))
    body = assert_fragment(client.post(url(owned, "next-step"), headers=HX, data={
        "next_step": "Call the landlord", "who_caseworker_id": "", "who_text": "", "due_on": "2026-12-01",
        "version": step.version}))
    assert "already passed" in body and "Overdue since" in body


def test_typed_html_is_shown_as_text(app, owned, client):
    accepted_with_step(owned, None)
    step = db.session.scalar(select(Commitment))
    body = assert_fragment(client.post(url(owned, "next-step"), headers=HX, data={
        "next_step": '<script>alert("x")</script>', "who_caseworker_id": "", "who_text": "<b>me</b>",
        "due_on": "", "version": step.version}))
    assert "<script>alert" not in body and "&lt;script&gt;" in body and "<b>me</b>" not in body


def test_a_stale_next_step_form_is_a_conflict_not_an_overwrite(app, owned, client):
    step = accepted_with_step(owned, None)
    seen = step.version
    fresh = {"next_step": "Mine", "who_caseworker_id": "", "who_text": "", "due_on": ""}
    first = client.post(url(owned, "next-step"), data={**fresh, "version": seen}, headers=HX)
    assert first.status_code == 200
    stale = client.post(url(owned, "next-step"), data={**fresh, "next_step": "Theirs", "version": seen},
                        headers=HX)
    assert stale.status_code == 409 and "changed this barrier a moment ago" in html(stale)
    assert "Theirs" in html(stale)  # what they typed is kept
    assert db.session.get(Commitment, step.id, populate_existing=True).next_step == "Mine"
    now = re.search(r'name="version" value="(\d+)"', html(stale))[1]  # the form carries it
    again = client.post(url(owned, "next-step"), headers=HX,
                        data={**fresh, "next_step": "Theirs", "version": now})
    assert again.status_code == 200
    assert db.session.get(Commitment, step.id, populate_existing=True).next_step == "Theirs"


def test_progress_done_and_hand_on_without_javascript(app, owned):
    step = accepted_with_step(owned, date(2026, 12, 18))
    casey = client_as(app, CASEY)
    none_typed = casey.post(url(owned, "progress"), data={"on_date": "2026-12-07"})
    assert none_typed.status_code == 422
    assert "Give what was done, what is in the way, or both." in html(none_typed)
    moved = casey.post(url(owned, "progress"), data={"on_date": "2026-12-07", "what_is_blocking": "Away"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"#barrier-{owned.barrier}")
    done = casey.post(url(owned, "done"), data={"what_changed": "Warm again", "version": step.version})
    assert done.status_code == 303
    page = html(casey.get(f"/maps/{owned.id}/barriers"))
    assert "Warm again" in page and "In the way: Away" not in page  # done: the progress list closes
    assert casey.post(url(owned, "hand-on"), data={"version": barrier(owned).version}).status_code == 303
    assert barrier(owned).is_unowned


def test_overdue_shows_on_the_card_the_header_the_maps_list_and_my_page(app, owned, monkeypatch):
    accepted_with_step(owned, date(2026, 12, 10))
    casey = client_as(app, CASEY)
    assert "overdue" not in html(casey.get(f"/maps/{owned.id}/barriers")).lower()
    monkeypatch.setitem(app.config, "TODAY", date(2026, 12, 11))  # the date passes
    page = html(casey.get(f"/maps/{owned.id}/barriers"))
    assert "Overdue since" in page and "1 next step overdue" in page
    assert "1 overdue" in html(casey.get("/"))
    mine = html(casey.get("/me/commitments"))
    assert "Fix the boiler" in mine and "Overdue since" in mine


def test_the_phone_page_lists_the_barriers_my_agency_owns_and_answers_there(app, owned):
    casey = client_as(app, CASEY)
    page = html(casey.get("/me/touchpoints"))
    assert "Barriers you or your agency own (1)" in page and url(owned, "accept") in page
    body = assert_fragment(casey.post(url(owned, "accept"), headers=HX,
                                      data={"version": barrier(owned).version, "from": "me"}))
    assert "card barrier compact" in body and "Accepted" in body
    plain = casey.post(url(owned, "hand-on"), data={"version": barrier(owned).version, "from": "me"})
    assert plain.headers["Location"].startswith("/me/touchpoints")


def test_what_i_said_i_would_do_lists_only_mine(app, owned, client):
    accepted_with_step(owned, date(2026, 12, 18))  # names Casey's caseworker record
    assert "Fix the boiler" in html(client_as(app, CASEY).get("/me/commitments"))
    assert "Fix the boiler" not in html(client.get("/me/commitments"))  # the facilitator's is empty


def test_the_phone_page_answer_brings_no_map_header_it_has_none_to_update(app, owned):
    casey = client_as(app, CASEY)
    body = assert_fragment(casey.post(url(owned, "accept"), headers=HX,
                                      data={"version": barrier(owned).version, "from": "me"}))
    assert 'id="map-status"' not in body


def test_the_silo_map_says_overdue_in_words_once_the_day_passes(app, owned, client, monkeypatch):
    """The same revision of the map is drawn again on the day its next step becomes overdue: a
    drawing cached the day before must not answer for it."""
    accepted_with_step(owned, date(2026, 12, 10))
    drawing = f"/maps/{owned.id}/silo-map.svg"
    before = client.get(drawing)
    assert before.status_code == 200 and "OVERDUE" not in before.text
    monkeypatch.setitem(app.config, "TODAY", date(2026, 12, 11))
    after = client.get(drawing)
    assert after.status_code == 200 and "OVERDUE next step" in after.text


@pytest.mark.parametrize("detail", ["deidentified", "full"])
def test_the_brief_counts_the_overdue_next_steps(app, owned, client, monkeypatch, detail):
    accepted_with_step(owned, date(2026, 12, 10))
    query = "?detail=full" if detail == "full" else ""
    assert "overdue" not in html(client.get(f"/maps/{owned.id}/brief{query}"))
    monkeypatch.setitem(app.config, "TODAY", date(2026, 12, 11))
    assert "1 next step overdue" in html(client.get(f"/maps/{owned.id}/brief{query}"))


def test_the_history_says_each_step_in_words(app, owned, client):
    step = accepted_with_step(owned, date(2026, 12, 18))
    journey_map = db.session.get(JourneyMap, owned.id)
    commitments.record_progress(journey_map, step, actor=SETUP, on_date=date(2026, 12, 8),
                                what_was_done="Rang them", what_is_blocking="")
    commitments.hand_on(journey_map, barrier(owned), actor=SETUP)
    db.session.commit()
    page = unescape(html(client.get(f"/maps/{owned.id}/history")))
    for words in ("Owner's answer", "Accepted", "Next step", "Fix the boiler", "By when", "2026-12-18",
                  "What was done", "Rang them", "handed-on", "Handed on", "Test Housing Office"):
        assert words in page, words


@pytest.mark.parametrize(("what", "data", "message"), [
    ("decline", {"reason": "x" * 10_000}, "Please keep this to 1,000 characters; it has 10,000."),
    ("progress", {"on_date": "2026-12-07", "what_was_done": "x" * 10_000},
     "Please keep this to 2,000 characters; it has 10,000."),
    ("progress", {"on_date": "2026-13-01", "what_was_done": "Rang"}, "is not a day of the calendar"),
    ("progress", {"on_date": "", "what_was_done": "Rang"}, "Please give the day."),
    ("done", {"what_changed": "x" * 10_000}, "Please keep this to 2,000 characters; it has 10,000."),
    ("done", {"what_changed": ""}, "Please fill this in."),
])
def test_every_follow_up_form_answers_bad_input_beside_the_field(app, owned, client, what, data, message):
    step = accepted_with_step(owned, None)
    version = barrier(owned).version if what == "decline" else step.version
    response = client.post(url(owned, what), data={**data, "version": version}, headers=HX)
    assert response.status_code == 422 and message in html(response)
    assert not barrier(owned).is_unowned and db.session.get(Commitment, step.id).status == "open"
