"""The live check every open map page makes (who is here now; has the map changed?) and "My
touchpoints", a caseworker's own page: say which caseworker you are, then add what you did."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import Agency, Caseworker, JourneyMap, Membership, Presence, Touchpoint
from journeymap.models.utctime import utcnow
from tests import markup
from tests.actors import SETUP
from tests.markup import texts
from tests.routes.conftest import (
    FACILITATOR,
    HX,
    add_to_map,
    assert_redirect,
    build_small_map,
    client_as,
    html,
    make_user,
    post_change,
    user_id,
)


def revision(map_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(JourneyMap.revision).where(JourneyMap.id == map_id))


def check(browser, map_id: int, seen: int | str | None = None, page: str = "journey"):
    data = {"page": page} if seen is None else {"page": page, "seen": str(seen)}
    return browser.post(f"/maps/{map_id}/live", data=data, headers=HX)


def here(response) -> list[str]:
    """The "here now" list: each person's name and role as shown."""
    assert response.status_code == 200
    return texts(html(response), ".here-now li")


def trigger(response) -> dict | None:
    raw = response.headers.get("HX-Trigger")
    return json.loads(raw) if raw else None


@pytest.fixture
def cora(app, small):
    make_user("cora@example.org", "Cora Contributor")
    add_to_map(small.id, "cora@example.org", "contributor")
    return client_as(app, "cora@example.org")


# Live check ------------------------------------------------------------------------------------


def test_the_live_check_lists_who_is_here_with_their_roles(client, cora, small):
    assert here(check(client, small.id, revision(small.id))) == ["Fran Facilitator (facilitator)"]
    assert here(check(cora, small.id, revision(small.id), page="barriers")) == [
        "Cora Contributor (contributor)", "Fran Facilitator (facilitator)"]
    rows = {row.user_id: row.page for row in db.session.scalars(select(Presence))}
    assert rows == {user_id(FACILITATOR): "journey", user_id("cora@example.org"): "barriers"}


def test_people_who_left_a_while_ago_are_not_here(app, client, cora, small):
    check(cora, small.id)
    db.session.execute(update(Presence).where(Presence.user_id == user_id("cora@example.org")).values(
        last_seen_at=utcnow() - timedelta(seconds=app.config["PRESENCE_SECONDS"] + 1)))
    db.session.commit()
    assert here(check(client, small.id)) == ["Fran Facilitator (facilitator)"]


def test_someone_removed_from_the_map_is_not_listed(client, cora, small):
    check(cora, small.id)
    db.session.delete(db.session.scalar(
        select(Membership).where(Membership.user_id == user_id("cora@example.org"))))
    db.session.commit()
    assert here(check(client, small.id)) == ["Fran Facilitator (facilitator)"]
    assert check(cora, small.id).status_code == 404


def test_an_unknown_page_name_is_recorded_as_other(client, small):
    check(client, small.id, page="<script>")
    assert db.session.scalar(select(Presence.page)) == "other"


@pytest.mark.parametrize(("path", "page"), [
    ("", "family"), ("/journey-view", "journey view"), ("/brief", "brief"), ("/meetings", "meetings"),
    ("/data", "data"),
])
def test_every_map_page_says_which_page_it_is_and_that_is_recorded(client, small, path, page):
    body = html(client.get(f"/maps/{small.id}{path}"))
    assert f'hx-vals=\'{{"page": "{page}"}}\'' in body
    check(client, small.id, page=page)
    assert db.session.scalar(select(Presence.page)) == page


def test_presence_is_per_map(client, small, other):
    check(client, other.id)
    assert here(check(client, small.id)) == ["Fran Facilitator (facilitator)"]
    add_to_map(other.id, "olga@example.org", "viewer")
    check(client_as(client.application, "olga@example.org"), other.id)
    assert here(check(client, small.id)) == ["Fran Facilitator (facilitator)"]


def test_no_trigger_when_the_page_shows_the_latest_revision(client, small):
    current = revision(small.id)
    assert trigger(check(client, small.id, current)) is None
    assert trigger(check(client, small.id, current + 5)) is None  # a newer page than this server knows


@pytest.mark.parametrize("seen", [None, "", "abc", "-1", "1.5", "٣"])
def test_a_missing_or_odd_revision_counts_as_old(client, small, seen):
    assert trigger(check(client, small.id, seen)) == {"jm:map-changed": {"revision": revision(small.id)}}


def test_a_change_by_someone_else_triggers_a_refresh(client, cora, small):
    seen = revision(small.id)
    assert trigger(check(client, small.id, seen)) is None
    assert_redirect(post_change(cora, f"/maps/{small.id}/touchpoints/{small.tp2}/delete"))
    now = revision(small.id)
    assert now > seen
    assert trigger(check(client, small.id, seen)) == {"jm:map-changed": {"revision": now}}
    assert trigger(check(client, small.id, now)) is None


def test_the_page_carries_the_revision_it_shows(client, small):
    body = html(client.get(f"/maps/{small.id}/journey"))
    assert f'data-revision="{revision(small.id)}"' in body
    assert f'hx-post="/maps/{small.id}/live"' in body


def test_the_live_check_is_a_post(client, small):
    assert client.get(f"/maps/{small.id}/live").status_code == 405
    assert db.session.scalar(select(Presence)) is None


def test_the_live_check_is_for_members_only(app, small, anonymous):
    make_user("stranger@example.org")
    db.session.commit()
    assert check(client_as(app, "stranger@example.org"), small.id).status_code == 404
    assert check(anonymous, small.id).status_code == 401
    assert db.session.scalar(select(Presence)) is None


# My touchpoints --------------------------------------------------------------------------------


def section_ids(body: str) -> set[int]:
    sections = markup.select(body, 'section.quick[id^="map-"]')
    return {int(section.get("id").removeprefix("map-")) for section in sections}


QUICK = {"action": "Checked the lease with the family", "place": "Their kitchen", "stage_id": "",
         "channel": "home_visit", "days_waited": "3", "documents": "Lease", "feeling": "1"}


def test_my_touchpoints_lists_only_maps_where_i_may_add_them(app, client):
    maps = {role: build_small_map(f"Family {role}") for role in
            ("viewer", "caseworker", "family", "contributor", "facilitator")}
    make_user("pat@example.org", "Pat")
    db.session.commit()
    for role, small_map in maps.items():
        if role != "facilitator":
            add_to_map(small_map.id, "pat@example.org", role)
    build_small_map("Family not mine")
    body = html(client_as(app, "pat@example.org").get("/me/touchpoints"))
    assert section_ids(body) == {maps[r].id for r in ("caseworker", "family", "contributor")}
    assert "Family viewer" not in body and "Family not mine" not in body


def test_my_touchpoints_without_maps_says_how_to_join(app):
    make_user("pat@example.org")
    db.session.commit()
    body = html(client_as(app, "pat@example.org").get("/me/touchpoints"))
    assert section_ids(body) == set()
    assert "You are not on any map where you can add touchpoints yet" in body
    assert 'href="/join"' in body


@pytest.fixture
def casey(app, small):
    """A caseworker on the small map, not yet linked to one of its caseworkers."""
    make_user("casey@example.org", "Casey")
    add_to_map(small.id, "casey@example.org", "caseworker")
    return client_as(app, "casey@example.org")


def my_membership(map_id: int, email: str = "casey@example.org") -> Membership:
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).where(Membership.map_id == map_id, Membership.user_id == user_id(email)))


def test_an_unlinked_caseworker_is_asked_who_they_are(casey, small):
    body = html(casey.get("/me/touchpoints"))
    assert "First: who are you on this map?" in body
    assert f'action="/me/maps/{small.id}/identity"' in body
    assert '<option value="new">I am not listed: add me</option>' in body
    assert f'<option value="{small.caseworker}">Ada, Intake worker</option>' in body
    assert f'action="/me/maps/{small.id}/touchpoints"' not in body  # not before they say who they are
    refused = casey.post(f"/me/maps/{small.id}/touchpoints", data=QUICK)
    assert refused.status_code == 409
    assert db.session.scalar(select(Touchpoint).where(Touchpoint.action == QUICK["action"])) is None


def test_linking_to_an_existing_caseworker(casey, small):
    response = casey.post(f"/me/maps/{small.id}/identity", data={"caseworker_id": str(small.caseworker),
                                                                "agency_id": ""})
    assert_redirect(response, "/me/touchpoints")
    assert response.headers["Location"].endswith(f"#map-{small.id}")
    assert my_membership(small.id).caseworker_id == small.caseworker
    body = html(casey.get("/me/touchpoints"))
    assert "as Ada, Intake worker at Test Housing Office" in body
    assert "First: who are you on this map?" not in body
    assert f'action="/me/maps/{small.id}/touchpoints"' in body


def test_a_caseworker_someone_else_is_linked_to_cannot_be_claimed(app, casey, small):
    add_to_map(small.id, "ada@example.org", "caseworker", caseworker_id=small.caseworker)
    body = html(casey.get("/me/touchpoints"))
    assert "Ada, Intake worker</option>" not in body
    response = casey.post(f"/me/maps/{small.id}/identity", data={"caseworker_id": str(small.caseworker),
                                                                "agency_id": ""})
    assert response.status_code == 422
    assert my_membership(small.id).caseworker_id is None


def test_a_caseworker_of_another_map_cannot_be_claimed(casey, small, other):
    response = casey.post(f"/me/maps/{small.id}/identity", data={"caseworker_id": str(other.caseworker),
                                                                "agency_id": ""})
    assert response.status_code == 422
    assert my_membership(small.id).caseworker_id is None


def test_adding_myself_as_a_new_caseworker_at_a_listed_agency(casey, small):
    response = casey.post(f"/me/maps/{small.id}/identity", data={
        "caseworker_id": "new", "name": "Casey", "role": "Benefits adviser", "agency_id": str(small.agency),
        "new_agency": ""})
    assert_redirect(response, "/me/touchpoints")
    worker = db.session.get(Caseworker, my_membership(small.id).caseworker_id)
    assert (worker.map_id, worker.name, worker.role, worker.agency_id) == (
        small.id, "Casey", "Benefits adviser", small.agency)


def test_adding_myself_with_a_new_agency(casey, small):
    response = casey.post(f"/me/maps/{small.id}/identity", data={
        "caseworker_id": "new", "name": "", "role": "Benefits adviser", "agency_id": "",
        "new_agency": "Advice Centre"})
    assert_redirect(response, "/me/touchpoints")
    worker = db.session.get(Caseworker, my_membership(small.id).caseworker_id)
    agency = db.session.get(Agency, worker.agency_id)
    assert (worker.role, agency.name, agency.map_id) == ("Benefits adviser", "Advice Centre", small.id)


@pytest.mark.parametrize(("data", "message"), [
    ({"caseworker_id": "new", "name": "", "role": "", "agency_id": "", "new_agency": "Advice Centre"},
     "Give your name, your role, or both."),
    ({"caseworker_id": "new", "name": "Casey", "role": "", "agency_id": "", "new_agency": ""},
     "Choose your agency or type its name."),
])
def test_adding_myself_needs_a_name_or_role_and_an_agency(casey, small, data, message):
    response = casey.post(f"/me/maps/{small.id}/identity", data=data)
    assert response.status_code == 422
    assert message in html(response)
    assert my_membership(small.id).caseworker_id is None
    assert db.session.scalar(select(Agency).where(Agency.name == "Advice Centre")) is None


def test_only_caseworkers_say_which_caseworker_they_are(client, small):
    response = client.post(f"/me/maps/{small.id}/identity", data={"caseworker_id": str(small.caseworker),
                                                                 "agency_id": ""})
    assert response.status_code == 403
    assert my_membership(small.id, FACILITATOR).caseworker_id is None


@pytest.fixture
def linked(casey, small):
    """Casey, linked to Ada (the intake worker of the Test Housing Office)."""
    membership = my_membership(small.id)
    membership.caseworker_id = small.caseworker
    db.session.commit()
    return casey


def test_the_quick_add_records_a_touchpoint_from_me(client, linked, small):
    response = linked.post(f"/me/maps/{small.id}/touchpoints", data=QUICK)
    assert_redirect(response, "/me/touchpoints")
    assert response.headers["Location"].endswith(f"#map-{small.id}")
    touchpoint = db.session.scalar(select(Touchpoint).where(Touchpoint.action == QUICK["action"]))
    assert touchpoint.map_id == small.id
    assert touchpoint.created_by_id == user_id("casey@example.org")
    assert (touchpoint.caseworker_id, touchpoint.agency_id) == (small.caseworker, small.agency)
    assert touchpoint.reported_by == "caseworker"
    assert (touchpoint.place, touchpoint.channel, touchpoint.days_waited, touchpoint.feeling) == (
        "Their kitchen", "home_visit", 3, 1)
    # On the family's journey, for everyone, and in my own list.
    assert QUICK["action"] in html(client.get(f"/maps/{small.id}/journey"))
    mine = html(linked.get("/me/touchpoints"))
    assert "Touchpoints you added (1)" in mine and QUICK["action"] in mine


def test_the_quick_add_is_always_mine_whatever_is_posted(linked, small):
    journey_map = db.session.get(JourneyMap, small.id)
    food_bank = add_agency(journey_map, "Food Bank", "nonprofit", actor=SETUP)
    bea = add_caseworker(journey_map, name="Bea", role="Volunteer", agency_id=food_bank.id, actor=SETUP)
    db.session.commit()
    response = linked.post(f"/me/maps/{small.id}/touchpoints", data={
        **QUICK, "caseworker_id": str(bea.id), "agency_id": str(food_bank.id), "reported_by": "facilitator"})
    assert_redirect(response)
    touchpoint = db.session.scalar(select(Touchpoint).where(Touchpoint.action == QUICK["action"]))
    assert (touchpoint.caseworker_id, touchpoint.agency_id, touchpoint.reported_by) == (
        small.caseworker, small.agency, "caseworker")


def test_the_quick_add_bumps_the_revision_so_open_pages_refresh(client, linked, small):
    seen = revision(small.id)
    linked.post(f"/me/maps/{small.id}/touchpoints", data=QUICK)
    assert trigger(check(client, small.id, seen)) == {"jm:map-changed": {"revision": revision(small.id)}}


def test_quick_add_errors_keep_the_text(linked, small):
    response = linked.post(f"/me/maps/{small.id}/touchpoints",
                           data={**QUICK, "action": "", "days_waited": "x"})
    assert response.status_code == 422
    body = html(response)
    assert "Please fill this in." in body and "Enter a whole number" in body
    assert 'value="Their kitchen"' in body
    assert db.session.scalar(select(Touchpoint).where(Touchpoint.place == "Their kitchen")) is None


def test_the_family_quick_add_is_marked_as_theirs(app, small):
    add_to_map(small.id, "fam@example.org", "family")
    family = client_as(app, "fam@example.org")
    assert_redirect(family.post(f"/me/maps/{small.id}/touchpoints", data={
        **QUICK, "agency_id": "", "caseworker_id": "", "reported_by": "facilitator"}))
    touchpoint = db.session.scalar(select(Touchpoint).where(Touchpoint.action == QUICK["action"]))
    assert (touchpoint.reported_by, touchpoint.from_family, touchpoint.created_by_id) == (
        "family", True, user_id("fam@example.org"))


def test_viewers_cannot_quick_add(app, small):
    add_to_map(small.id, "vic@example.org", "viewer")
    viewer = client_as(app, "vic@example.org")
    assert viewer.post(f"/me/maps/{small.id}/touchpoints", data=QUICK).status_code == 403
    assert db.session.scalar(select(Touchpoint).where(Touchpoint.action == QUICK["action"])) is None
