"""Maps as a whole: the index (the signed-in person's maps only), starting a map, every page of a
map, the family, unknown ids (404 on every route), ids from another map (404), and deleting a map.
Who may use which route in which role is tests/routes/test_access_matrix.py's subject."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from journeymap.domain.family import start_map
from journeymap.domain.handoffs import add_handoff
from journeymap.domain.introductions import add_introduction
from journeymap.domain.meetings import add_meeting
from journeymap.domain.people import add_agency
from journeymap.extensions import db
from journeymap.models import (
    Agency,
    Barrier,
    Caseworker,
    HouseholdMember,
    JourneyMap,
    Stage,
    Touchpoint,
    barrier_touchpoint,
)
from tests.actors import SETUP
from tests.routes.conftest import (
    HX,
    add_to_map,
    assert_fragment,
    assert_redirect,
    assert_status_oob,
    html,
    page_urls,
    post_change,
)

# Every route that takes a map id, except the static files. Built from the app, so a new route
# is covered as soon as it exists.
UNKNOWN = 999_999
# Ids in a map's URL that do not name one of its items (item_id): members and invitations.
# Their routes are covered as routes of a map (an unknown map is 404) but not as item routes.
OTHER_IDS = ("membership_id", "invitation_id")


def map_rules(app: Flask):
    for rule in app.url_map.iter_rules():
        if "map_id" in rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def item_rules(app: Flask):
    """The routes of one item of a map: show, edit, delete, move, record an owner."""
    for rule, method in map_rules(app):
        if "item_id" in rule.arguments:
            yield rule, method


def kind_of(endpoint: str) -> str:
    """The kind of item an endpoint's item_id names: 'people.edit_agency' -> 'agency'."""
    blueprint, name = endpoint.split(".")
    # A barrier's owner, and its answer and next step.
    if name in ("record_owner", "choose_owner") or blueprint == "follow_up":
        return "barrier"
    if blueprint == "handoffs":  # a handoff's steps and "Make it a barrier"
        return "handoff"
    return name.rsplit("_", 1)[1]


def url_for_rule(app: Flask, rule, map_id: int, item_id: int | None) -> str:
    values = {"map_id": map_id}
    if "item_id" in rule.arguments:
        values["item_id"] = item_id
    for name in OTHER_IDS:
        if name in rule.arguments:
            values[name] = 1
    if "step" in rule.arguments:  # a handoff's step
        values["step"] = "received"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def call(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, data={})


# Index and new map ---------------------------------------------------------------------------


def test_index_lists_maps_with_their_unowned_count(client, small):
    response = client.get("/")
    assert response.status_code == 200
    body = html(response)
    assert small.pseudonym in body
    assert f'href="/maps/{small.id}"' in body
    assert "1 no one owns" in body
    assert '<span class="tag">Facilitator</span>' in body  # their role on it


def test_index_lists_only_the_signed_in_persons_maps(client, small):
    elsewhere = start_map("Family Elsewhere", "", "")
    db.session.commit()
    add_to_map(elsewhere.id, "someone@example.org", "facilitator")
    body = html(client.get("/"))
    assert small.pseudonym in body
    assert "Family Elsewhere" not in body
    assert f'href="/maps/{elsewhere.id}"' not in body


def test_index_without_maps(client):
    start_map("Family Elsewhere", "", "")  # someone's map, but not this person's
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 200
    body = html(response)
    assert "You are not on any map yet" in body
    assert 'href="/join"' in body
    assert "Family Elsewhere" not in body


def test_new_map_form_and_start(client, view_of):
    assert client.get("/maps/new").status_code == 200
    response = client.post(
        "/maps/new", data={"pseudonym": "Family N.", "situation": "Evicted", "hopes": "A home"}
    )
    assert_redirect(response, "/maps/")
    map_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    view = view_of(map_id)
    assert (view.pseudonym, view.situation, view.hopes) == ("Family N.", "Evicted", "A home")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Family N." in html(page)


# Every page of a map -------------------------------------------------------------------------


def item_edit_pages(small) -> list[str]:
    return [
        f"/maps/{small.id}/household/{small.member}/edit",
        f"/maps/{small.id}/agencies/{small.agency}/edit",
        f"/maps/{small.id}/caseworkers/{small.caseworker}/edit",
        f"/maps/{small.id}/stages/{small.stage1}/edit",
        f"/maps/{small.id}/touchpoints/{small.tp1}/edit",
        f"/maps/{small.id}/barriers/{small.barrier}/edit",
    ]


def test_every_page_of_a_small_map_shows_the_family(client, small):
    for url in page_urls(small.id) + item_edit_pages(small):
        response = client.get(url)
        assert response.status_code == 200, url
        body = html(response)
        assert "<html" in body, url
        assert small.pseudonym in body, url


def test_every_page_of_the_demo_map_shows_the_family(client, demo_id):
    from journeymap.samples.demo import PSEUDONYM

    for url in page_urls(demo_id):
        response = client.get(url)
        assert response.status_code == 200, url
        assert PSEUDONYM in html(response), url
    assert "4 barriers no one owns" in html(client.get(f"/maps/{demo_id}/barriers"))


def test_every_page_of_an_empty_map(client, view_of):
    response = client.post("/maps/new", data={"pseudonym": "Family E."})
    map_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for url in page_urls(map_id):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Family E." in html(response), url
    assert "No barriers recorded yet" in html(client.get(f"/maps/{map_id}"))


def test_show_routes_redirect_a_browser_and_give_htmx_the_fragment(client, small):
    plural = {
        "member": "household", "agency": "agencies", "caseworker": "caseworkers",
        "stage": "stages", "touchpoint": "touchpoints", "barrier": "barriers",
    }
    for kind, item_id in small.ids().items():
        url = f"/maps/{small.id}/{plural[kind]}/{item_id}"
        assert_redirect(client.get(url))
        body = assert_fragment(client.get(url, headers=HX))
        assert f'id="{kind}-{item_id}"' in body, kind
        assert_status_oob(body)


# Unknown ids and other maps' ids ---------------------------------------------------------------


def test_unknown_map_is_404_on_every_route(app, client, small):
    checked = 0
    for rule, method in map_rules(app):
        url = url_for_rule(app, rule, UNKNOWN, 1)
        response = call(client, method, url)
        assert response.status_code == 404, (method, url, response.status_code)
        checked += 1
    assert checked >= 35  # every GET and POST of every route


def test_unknown_item_is_404_on_every_route(app, client, small, view_of):
    before = view_of(small.id)
    for rule, method in item_rules(app):
        url = url_for_rule(app, rule, small.id, UNKNOWN)
        response = call(client, method, url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert view_of(small.id).revision == before.revision


def test_an_item_of_another_map_is_404_on_every_route(app, client, small, other, view_of):
    # small's maps have no steering meeting of their own (most pages show a map without one).
    meeting = add_meeting(db.session.get(JourneyMap, other.id), actor=SETUP, held_on=date(2026, 11, 16))
    # Nor any introduction: two agencies of other's, introduced.
    second = add_agency(db.session.get(JourneyMap, other.id), actor=SETUP, name="Food Bank", sector="other")
    made = add_introduction(db.session.get(JourneyMap, other.id), actor=SETUP, agency_a_id=other.agency,
                            agency_b_id=second.id, made_on=date(2026, 11, 16), how="phone")
    handoff = add_handoff(db.session.get(JourneyMap, other.id), actor=SETUP, from_agency_id=other.agency)
    db.session.commit()
    other_before = view_of(other.id)
    mine_before = view_of(small.id)
    ids = {**other.ids(), "meeting": meeting.id, "introduction": made.id, "handoff": handoff.id}
    for rule, method in item_rules(app):
        item_id = ids[kind_of(rule.endpoint)]
        url = url_for_rule(app, rule, small.id, item_id)
        response = call(client, method, url)
        assert response.status_code == 404, (method, url, response.status_code)
        # The same id on its own map is fine, so the 404 is about the map, not the id.
        if method == "GET":
            own = client.get(url_for_rule(app, rule, other.id, item_id))
            assert own.status_code in (200, 303), (url, own.status_code)
    assert view_of(other.id) == other_before
    assert view_of(small.id) == mine_before


def test_a_post_with_valid_data_to_another_maps_item_changes_nothing(client, small, other, view_of):
    response = client.post(
        f"/maps/{small.id}/agencies/{other.agency}/edit", data={"name": "Hijacked", "sector": "other"}
    )
    assert response.status_code == 404
    response = client.post(f"/maps/{small.id}/barriers/{other.barrier}/owner",
                           data={"owner": f"agency:{small.agency}"})
    assert response.status_code == 404
    view = view_of(other.id)
    assert view.agency(other.agency).name == "Test Housing Office"
    assert view.barrier(other.barrier).is_unowned


# The family ----------------------------------------------------------------------------------


def test_edit_family_as_a_plain_form(client, small, view_of):
    url = f"/maps/{small.id}/family/edit"
    assert client.get(url).status_code == 200
    response = post_change(client, url, data={"pseudonym": "Family Z.", "situation": "S", "hopes": "H"})
    assert_redirect(response, f"/maps/{small.id}")
    view = view_of(small.id)
    assert (view.pseudonym, view.situation, view.hopes) == ("Family Z.", "S", "H")


def test_edit_family_with_htmx(client, small, view_of):
    url = f"/maps/{small.id}/family/edit"
    form = assert_fragment(client.get(url, headers=HX))
    assert 'name="pseudonym"' in form
    body = assert_fragment(
        post_change(client, url, data={"pseudonym": "Family Z.", "situation": "", "hopes": ""}, headers=HX)
    )
    assert 'id="family"' in body
    assert "Family Z." in body
    assert_status_oob(body)
    assert view_of(small.id).pseudonym == "Family Z."
    shown = assert_fragment(client.get(f"/maps/{small.id}/family", headers=HX))
    assert "Family Z." in shown


# Deleting a map ------------------------------------------------------------------------------


def rows_of(map_id: int) -> dict[str, int]:
    counts = {
        model.__tablename__: db.session.scalar(
            select(func.count()).select_from(model).where(model.map_id == map_id)
        )
        for model in (HouseholdMember, Agency, Caseworker, Stage, Touchpoint, Barrier)
    }
    counts["barrier_touchpoint"] = db.session.scalar(
        select(func.count())
        .select_from(barrier_touchpoint)
        .join(Touchpoint, Touchpoint.id == barrier_touchpoint.c.touchpoint_id)
        .where(Touchpoint.map_id == map_id)
    )
    return counts


def test_delete_map_asks_first_then_removes_everything(client, demo_id, other):
    confirm = client.get(f"/maps/{demo_id}/delete")
    assert confirm.status_code == 200
    body = html(confirm)
    assert "Delete the map of" in body
    assert f'action="/maps/{demo_id}/delete"' in body
    assert all(rows_of(demo_id).values())
    other_rows = rows_of(other.id)

    response = client.post(f"/maps/{demo_id}/delete")
    assert_redirect(response, "/")
    db.session.expire_all()
    assert db.session.get(JourneyMap, demo_id) is None
    assert not any(rows_of(demo_id).values()), rows_of(demo_id)
    assert rows_of(other.id) == other_rows  # the other map is untouched
    assert client.get(f"/maps/{demo_id}").status_code == 404
    assert client.post(f"/maps/{demo_id}/delete").status_code == 404


@pytest.mark.parametrize("url", ["/maps/0", "/maps/-1", "/maps/abc", "/maps/1.5"])
def test_malformed_map_ids_are_404(client, url):
    assert client.get(url).status_code == 404
