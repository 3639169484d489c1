"""Turnover on the people page and in "Which of these is you?": who left, who took over, what was
passed on, and "Resets to zero" when nothing was."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from journeymap.extensions import db
from journeymap.models import Caseworker, HistoryEntry, Membership, Touchpoint
from tests.markup import select as css
from tests.routes.conftest import (
    HX,
    add_to_map,
    assert_fragment,
    assert_redirect,
    client_as,
    error_of,
    html,
    make_user,
    post_change,
    user_id,
)

ADA = {"name": "Ada", "role": "Intake worker", "status": "left"}


@pytest.fixture
def bo(small) -> int:
    """A second caseworker at Ada's agency, who may take over from her."""
    worker = Caseworker(map_id=small.id, name="Bo", role="Housing officer", agency_id=small.agency)
    db.session.add(worker)
    db.session.commit()
    return worker.id


def edit_ada(client, small, headers=None, **data):
    url = f"/maps/{small.id}/caseworkers/{small.caseworker}/edit"
    return post_change(client, url, data={**ADA, "agency_id": str(small.agency), **data},
                       headers=headers or {})


def history_of(map_id: int) -> list[HistoryEntry]:
    return db.session.scalars(select(HistoryEntry).where(HistoryEntry.map_id == map_id)
                              .order_by(HistoryEntry.id)).all()


def test_a_departure_with_nothing_passed_on_resets_to_zero(client, small, bo, view_of):
    assert_redirect(edit_ada(client, small, left_on="2026-10-30", successor_id=str(bo), handover="nothing"))
    ada = view_of(small.id).caseworker(small.caseworker)
    assert (str(ada.left_on), ada.successor_id, ada.handover) == ("2026-10-30", bo, "nothing")
    page = html(client.get(f"/maps/{small.id}/people"))
    assert "Resets to zero: nothing was passed on to Bo, Housing officer." in page
    assert "Left on 2026-10-30." in page
    entry = history_of(small.id)[-1]
    assert (entry.action, entry.kind, entry.item_id) == ("changed", "caseworker", small.caseworker)
    assert set(entry.changes) >= {"left_on", "successor_id", "handover"}
    history = html(client.get(f"/maps/{small.id}/history"))
    assert "What was passed on" in history and "Nothing passed on" in history


def test_a_file_passed_on_with_notes_does_not_reset(client, small, bo):
    edit_ada(client, small, successor_id=str(bo), handover="with_notes")
    page = html(client.get(f"/maps/{small.id}/people"))
    assert "Bo, Housing officer took over." in page
    assert "Resets to zero" not in page


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"successor_id": "SELF"}, "successor_id", "cannot take over from themselves"),
    ({"left_on": "2026-02-30"}, "left_on", "is not a day of the calendar"),
    ({"status": "active", "handover": "nothing"}, "handover", "Only for someone who has left"),
    ({"handover": "lost"}, "handover", "Not a valid choice"),
])
def test_bad_turnover_input_is_refused_beside_the_field(client, small, bo, view_of, data, field, message):
    if data.get("successor_id") == "SELF":
        data = {**data, "successor_id": str(small.caseworker)}
    for headers in ({}, HX):
        response = edit_ada(client, small, **data, headers=headers)
        assert response.status_code == 422
        body = html(response)
        assert message in (error_of(body, f"caseworker-{small.caseworker}-{field}") or "")
    ada = view_of(small.id).caseworker(small.caseworker)
    assert (ada.status, ada.successor_id, ada.handover, ada.left_on) == ("active", None, None, None)


def test_the_successor_list_leaves_out_the_person_themselves(client, small, bo):
    body = html(client.get(f"/maps/{small.id}/caseworkers/{small.caseworker}/edit"))
    options = [o.get("value") for o in css(body, f"#caseworker-{small.caseworker}-successor_id option")]
    assert str(bo) in options and str(small.caseworker) not in options


def test_deleting_the_successor_keeps_the_departure(client, small, bo, view_of):
    edit_ada(client, small, successor_id=str(bo), handover="nothing")
    post_change(client, f"/maps/{small.id}/caseworkers/{bo}/delete")
    ada = view_of(small.id).caseworker(small.caseworker)
    assert (ada.status, ada.successor_id, ada.handover) == ("left", None, "nothing")


def test_only_editors_of_people_record_a_departure(app, small, bo, view_of):
    make_user("casey@example.org", "Casey")
    add_to_map(small.id, "casey@example.org", "caseworker")
    casey = client_as(app, "casey@example.org")
    response = edit_ada(casey, small, successor_id=str(bo), handover="nothing")
    assert response.status_code == 403
    assert view_of(small.id).caseworker(small.caseworker).status == "active"


def test_htmx_edit_answers_with_the_people_region(client, small, bo):
    body = assert_fragment(edit_ada(client, small, successor_id=str(bo), handover="unknown", headers=HX))
    assert "Resets to zero: nothing is known to have been passed on to Bo, Housing officer." in body


# "Which of these is you?": taking over from someone who left -----------------------------------


@pytest.fixture
def newcomer(app, client, small):
    """Ada has left with nobody recorded as taking over; Casey joins as a caseworker."""
    edit_ada(client, small, handover="")
    make_user("casey@example.org", "Casey")
    add_to_map(small.id, "casey@example.org", "caseworker")
    return client_as(app, "casey@example.org")


def membership_of(map_id: int) -> Membership:
    db.session.expire_all()
    return db.session.scalar(select(Membership).where(Membership.map_id == map_id,
                                                      Membership.user_id == user_id("casey@example.org")))


def test_a_newcomer_is_offered_to_take_over_from_who_left(newcomer, small):
    body = html(newcomer.get("/me/touchpoints"))
    assert (f'<option value="over:{small.caseworker}">I am taking over from Ada, Intake worker '
            f'(Test Housing Office)</option>') in body


def test_taking_over_adds_the_newcomer_as_successor_with_history(newcomer, client, small, view_of):
    before = len(history_of(small.id))
    response = newcomer.post(f"/me/maps/{small.id}/identity", data={
        "caseworker_id": f"over:{small.caseworker}", "name": "Casey", "role": "Intake worker",
        "agency_id": "", "new_agency": ""})
    assert_redirect(response, "/me/touchpoints")
    mine = membership_of(small.id).caseworker_id
    view = view_of(small.id)
    casey, ada = view.caseworker(mine), view.caseworker(small.caseworker)
    assert (casey.name, casey.agency_id, casey.status) == ("Casey", small.agency, "active")
    assert (ada.successor_id, ada.handover) == (mine, "unknown")
    added = history_of(small.id)[before:]
    assert [(e.action, e.kind) for e in added] == [
        ("added", "caseworker"), ("changed", "caseworker"), ("changed", "membership")]
    assert "taking_over" in str(added[0].changes)
    page = html(client.get(f"/maps/{small.id}/people"))
    assert "Resets to zero: nothing is known to have been passed on to Casey, Intake worker." in page
    # Once someone has taken over, nobody else is offered to.
    make_user("dee@example.org", "Dee")
    add_to_map(small.id, "dee@example.org", "caseworker")
    assert f"over:{small.caseworker}" not in html(client_as(client.application, "dee@example.org")
                                                  .get("/me/touchpoints"))


def test_taking_over_needs_a_name_or_role(newcomer, small, view_of):
    response = newcomer.post(f"/me/maps/{small.id}/identity", data={
        "caseworker_id": f"over:{small.caseworker}", "name": "", "role": "", "agency_id": "",
        "new_agency": ""})
    assert response.status_code == 422
    assert "Give your name, your role, or both." in html(response)
    assert membership_of(small.id).caseworker_id is None
    assert view_of(small.id).caseworker(small.caseworker).successor_id is None


def test_taking_over_from_someone_still_in_post_is_refused(app, small, view_of):
    make_user("casey@example.org", "Casey")
    add_to_map(small.id, "casey@example.org", "caseworker")
    casey = client_as(app, "casey@example.org")
    response = casey.post(f"/me/maps/{small.id}/identity", data={
        "caseworker_id": f"over:{small.caseworker}", "name": "Casey", "role": "", "agency_id": "",
        "new_agency": ""})
    assert response.status_code == 422
    assert view_of(small.id).caseworker(small.caseworker).successor_id is None


def test_the_journey_marks_where_the_family_met_the_successor(client, small, bo):
    # The family met Ada at the first step; Bo at the third, after Ada left with nothing passed on.
    db.session.get(Touchpoint, small.tp3).caseworker_id = bo
    db.session.commit()
    edit_ada(client, small, successor_id=str(bo), handover="nothing")
    page = html(client.get(f"/maps/{small.id}/journey"))
    (marker,) = css(page, f"#touchpoint-{small.tp3} .succession-marker")
    assert len(css(page, ".succession-marker")) == 1
    assert "Ada, Intake worker left; Bo, Housing officer took over (nothing passed on)." in marker.text
    assert "Resets to zero: nothing was passed on to Bo, Housing officer." in marker.text


def test_hostile_names_are_escaped_in_the_succession(client, small, bo):
    db.session.get(Caseworker, bo).name = "<script>x()</script>"
    db.session.commit()
    edit_ada(client, small, successor_id=str(bo), handover="nothing")
    page = html(client.get(f"/maps/{small.id}/people"))
    assert "<script>x()" not in page and "&lt;script&gt;x()" in page
