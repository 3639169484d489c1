"""A closed map is read-only for everyone: closing and reopening through the pages (with CSRF on),
every write route refused (walked from the app's URL map and each view's declared capability, so
a new write route is covered the day it is added), no write control on any page, and the banner.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from journeymap.auth.access import CAPABILITIES, CLOSED_MAP_ALLOWS, PUBLIC, SIGNED_IN
from journeymap.domain import closing
from journeymap.domain.history import Actor
from journeymap.domain.members import create_invitation
from journeymap.extensions import db
from journeymap.models import HistoryEntry, Invitation, JourneyMap, Membership, User, barrier_touchpoint
from tests.markup import parse
from tests.routes.conftest import FACILITATOR, HX, add_to_map, build_small_map, html, sign_in, user_id
from tests.routes.test_access_matrix import (
    EMAILS,
    World,
    body_of,
    browser,
    outcome,
    pdfs_not_drawn,  # noqa: F401  (autouse: the brief's PDF is not drawn here either)
    url_of,
)
from tests.routes.test_csrf import csrf_app, token_from  # noqa: F401  (csrf_app is a fixture)

CLOSED_WORDS = "This map is closed, so it can no longer be changed."
# POSTs that only read: downloads (recorded as "exported" in the history) and the live check. A
# route that takes POST and declares a capability a closed map allows must be listed here, or it
# is taken for a write that slipped through.
READING_POSTS = {"live.check", "silo.export", "journey_view.export", "brief.pdf", "data.export"}
# Allowed on a closed map and changing it on purpose: tested one by one below.
STATE_CHANGES = {"maps.reopen", "maps.delete"}


def close(map_id: int, email: str = FACILITATOR) -> None:
    journey_map = db.session.get(JourneyMap, map_id)
    assert closing.close_map(journey_map, actor=Actor.person(db.session.get(User, user_id(email))))
    db.session.commit()


def content_of(map_id: int) -> dict:
    """Every row that belongs to the map, except what reading adds (presence; history, apart)."""
    db.session.expire_all()
    rows = {}
    for table in db.metadata.sorted_tables:
        if "map_id" in table.c and table.name not in ("history_entry", "presence"):
            rows[table.name] = sorted(db.session.execute(select(table).where(table.c.map_id == map_id)).all(),
                                      key=repr)
    the_map = select(JourneyMap.__table__).where(JourneyMap.id == map_id)
    rows["journey_map"] = db.session.execute(the_map).all()
    rows["barrier_touchpoint"] = sorted(db.session.execute(
        select(barrier_touchpoint).where(barrier_touchpoint.c.barrier_id.in_(
            [row.id for row in rows.get("barrier", [])]))
    ).all())
    return rows


def history_besides_downloads(map_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(HistoryEntry).where(
        HistoryEntry.map_id == map_id, HistoryEntry.action != "exported"))


def map_routes(app):
    """(endpoint, method, capability) of every route on one map, from the URL map."""
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if rule.endpoint == "static" or access in (PUBLIC, SIGNED_IN):
            assert "map_id" not in rule.arguments, f"{rule.endpoint} names a map but checks nothing on it"
            continue
        assert access in CAPABILITIES, rule.endpoint
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, access


def test_what_a_closed_map_allows_is_what_only_reads():
    """Written out, so widening the rule is a decision made here, not a slip in access.py."""
    only_reading = {"read", "export_full", "see_members", "see_history"}
    assert only_reading | {"reopen_map", "delete_map"} == CLOSED_MAP_ALLOWS


def test_every_write_is_refused_on_a_closed_map_and_every_read_still_answers(app, small):
    world, client = World(small), browser(app, FACILITATOR)
    routes = list(map_routes(app))
    # Every URL is made first (some need an invitation or another member), then the map closes.
    requests = [(endpoint, method, access, url_of(app, endpoint, world), body_of(endpoint, world))
                for endpoint, method, access in routes]
    close(small.id)
    before, history = content_of(small.id), history_besides_downloads(small.id)
    refused, read = [], []
    for endpoint, method, access, url, body in requests:
        if endpoint in STATE_CHANGES:
            assert access in CLOSED_MAP_ALLOWS
            continue
        if access not in CLOSED_MAP_ALLOWS:
            for headers in ({}, HX):
                response = client.open(url, method=method, data=body, headers=headers)
                assert response.status_code == 409, f"{method} {url} ({access}): {response.status_code}"
                assert CLOSED_WORDS in html(response)
            refused.append(endpoint)
        else:
            if method == "POST":
                assert endpoint in READING_POSTS, (
                    f"{endpoint} takes POST and declares {access!r}, which a closed map allows: if it only "
                    "reads, add it to READING_POSTS; if it writes, it needs a capability of its own")
            response = client.open(url, method=method, data=body)
            assert outcome(response) == "ok", f"{method} {url}: {response.status_code}"
            read.append(endpoint)
        assert content_of(small.id) == before, f"{method} {url} ({access}) changed the closed map"
        assert history_besides_downloads(small.id) == history, f"{method} {url} wrote to the history"
    assert {"maps.edit_family", "journey.add_touchpoint", "members.invite", "maps.close"} <= set(refused)
    assert {"maps.overview", "history.page", "members.page", "data.export", "live.check"} <= set(read)


def test_the_check_above_sees_a_write(app, small):
    """What the walk compares moves when the map is changed, so a write cannot pass unseen."""
    before = content_of(small.id)
    response = browser(app, FACILITATOR).post(url_of(app, "maps.edit_family", World(small)),
                                              data=body_of("maps.edit_family", World(small)))
    assert response.status_code == 303
    assert content_of(small.id) != before


def test_an_htmx_write_on_a_closed_map_shows_why_at_the_top_of_the_page(app, small, client):
    close(small.id)
    response = client.post(f"/maps/{small.id}/agencies", data={"name": "Food Bank", "sector": "nonprofit"},
                           headers=HX)
    assert response.status_code == 409  # swapped by htmx (templates/base.html responseHandling)
    assert response.headers["HX-Retarget"] == "#main" and response.headers["HX-Reswap"] == "afterbegin"
    body = html(response)
    assert "<html" not in body and CLOSED_WORDS in body
    assert parse(body).select_one('[role="alert"]').text.startswith(CLOSED_WORDS)
    assert "A facilitator can reopen it until" in body


# Pages ---------------------------------------------------------------------------------------------
def full_pages(app, client, small) -> dict[str, str]:
    """Every whole HTML page of the map a person may open, by endpoint."""
    world = World(small)
    pages = {}
    for endpoint, method, access in map_routes(app):
        if method != "GET" or access not in CLOSED_MAP_ALLOWS:
            continue
        response = client.get(url_of(app, endpoint, world))
        if response.status_code == 200 and response.mimetype == "text/html" and "<html" in html(response):
            pages[endpoint] = html(response)
    return pages


def test_every_page_of_a_closed_map_has_the_banner(app, small, client):
    close(small.id)
    pages = full_pages(app, client, small)
    assert {"maps.overview", "journey.page", "barriers.page", "history.page", "present.page"} <= set(pages)
    for endpoint, page in pages.items():
        if endpoint == "present.page":  # for the room: a tag, without the facilitator's name
            assert "Closed: read only" in page
            continue
        banner = parse(page).select_one("#main > #closed-banner")  # inside #main: live refresh brings it
        assert "This map is closed" in banner.text
        assert "by Fran Facilitator" in banner.text
        assert "A facilitator can reopen it until" in banner.text
        assert "reduced to a de-identified copy" in banner.text, endpoint


def test_an_open_map_has_no_banner(app, small, client):
    assert "closed-banner" not in html(client.get(f"/maps/{small.id}"))


def write_controls(app, page: str) -> set[str]:
    """Endpoints on a map that the page's links, buttons and forms lead to and a closed map refuses."""
    adapter = app.url_map.bind("localhost")
    found = set()
    for element in parse(page).select("[href], [action], [hx-get], [hx-post]"):
        method = (element.get("method") or "get").upper()
        for attribute, verb in (("href", "GET"), ("action", method), ("hx-get", "GET"), ("hx-post", "POST")):
            target = element.get(attribute)
            if not target or not target.startswith("/maps/"):
                continue
            try:
                endpoint, _ = adapter.match(urlsplit(target).path, method=verb)
            except HTTPException:
                continue
            access = app.view_functions[endpoint].access  # importing a file makes a new map: not this one's
            if access in CAPABILITIES and access not in CLOSED_MAP_ALLOWS:
                found.add(endpoint)
    return found


@pytest.mark.parametrize("role", ["facilitator", "contributor", "family", "caseworker", "viewer"])
def test_no_page_of_a_closed_map_offers_a_change(app, small, role):
    if role != "facilitator":
        linked = small.caseworker if role == "caseworker" else None
        add_to_map(small.id, EMAILS[role], role, caseworker_id=linked)
    client = browser(app, EMAILS[role])
    open_controls = set().union(*(write_controls(app, p) for p in full_pages(app, client, small).values()))
    if role != "viewer":  # who may change the open map is offered it there, and the scan sees it
        assert open_controls, "the scan finds no change offered even on the open map"
    close(small.id)
    for endpoint, page in full_pages(app, client, small).items():
        assert write_controls(app, page) == set(), f"{role} on {endpoint} is offered a change"


def test_a_caseworker_not_yet_linked_is_not_asked_who_they_are_on_a_closed_map(app, small):
    add_to_map(small.id, EMAILS["caseworker"], "caseworker")
    client = browser(app, EMAILS["caseworker"])
    asked = "say which caseworker you are"
    assert asked in html(client.get(f"/maps/{small.id}/journey"))
    close(small.id)
    assert asked not in html(client.get(f"/maps/{small.id}/journey"))


def test_live_updates_go_on_for_a_closed_map(app, small, client):
    close(small.id)
    response = client.post(f"/maps/{small.id}/live", data={"page": "journey", "seen": "1"}, headers=HX)
    assert response.status_code == 200
    assert "jm:map-changed" in response.headers["HX-Trigger"]  # the close moved the revision on
    assert "Fran Facilitator" in html(response)  # here now


def test_closing_tells_every_open_page_to_refresh(app, small, client):
    revision = db.session.get(JourneyMap, small.id).revision
    close(small.id)
    assert db.session.get(JourneyMap, small.id, populate_existing=True).revision == revision + 1


# Closing and reopening through the pages, with CSRF on -------------------------------------------
@pytest.fixture
def csrf_client(csrf_app):  # noqa: F811
    client = csrf_app.test_client()
    token = token_from(client.get("/sign-in").get_data(as_text=True), "/sign-in")
    assert client.post("/sign-in", data={"email": FACILITATOR, "password": "correct horse battery",
                                         "csrf_token": token}).status_code == 303
    with csrf_app.app_context():
        map_id = build_small_map().id
    return client, map_id


def entries(app, map_id: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e.action, e.kind, e.actor_name) for e in db.session.scalars(
            select(HistoryEntry).where(HistoryEntry.map_id == map_id).order_by(HistoryEntry.id))]


def test_a_facilitator_closes_and_reopens_a_map_from_its_overview(csrf_app, csrf_client):  # noqa: F811
    client, map_id = csrf_client
    overview = html(client.get(f"/maps/{map_id}"))
    close_url = f"/maps/{map_id}/close"
    assert f'href="{close_url}"' in overview
    confirm = html(client.get(close_url))
    assert "Nobody can change it" in confirm and "reduced to a de-identified copy" in confirm
    assert client.post(close_url).status_code == 400  # no token: refused, nothing closed
    with csrf_app.app_context():
        assert db.session.get(JourneyMap, map_id).closed_at is None
    response = client.post(close_url, data={"csrf_token": token_from(confirm, close_url)})
    assert response.status_code == 303 and response.headers["Location"] == f"/maps/{map_id}"
    with csrf_app.app_context():
        closed = db.session.get(JourneyMap, map_id)
        assert closed.closed_at is not None and closed.closed_by_id == user_id(FACILITATOR)
    assert entries(csrf_app, map_id)[-1] == ("closed", "map", "Fran Facilitator")
    page = html(client.get(f"/maps/{map_id}"))
    assert "This map is closed" in page and "The map is closed." in page  # the banner, and the flash
    reopen_url = f"/maps/{map_id}/reopen"
    response = client.post(reopen_url, data={"csrf_token": token_from(page, reopen_url)})
    assert response.status_code == 303
    with csrf_app.app_context():
        assert db.session.get(JourneyMap, map_id).closed_at is None
    assert entries(csrf_app, map_id)[-1] == ("reopened", "map", "Fran Facilitator")
    assert "closed-banner" not in html(client.get(f"/maps/{map_id}"))


def test_the_history_says_closed_and_reopened_in_words(app, small, client):
    close(small.id)
    journey_map = db.session.get(JourneyMap, small.id)
    closing.reopen_map(journey_map, actor=Actor.person(db.session.get(User, user_id(FACILITATOR))))
    db.session.commit()
    page = html(client.get(f"/maps/{small.id}/history"))
    assert "Can be reopened until" in page and "reduced to a de-identified copy" in page
    assert ">closed</span> map" in page and ">reopened</span> map" in page


def test_closing_twice_records_once(app, small, client):
    close(small.id)
    journey_map = db.session.get(JourneyMap, small.id)
    assert not closing.close_map(journey_map, actor=Actor.command("test"))
    assert [e.action for e in db.session.scalars(select(HistoryEntry))] == ["closed"]


@pytest.mark.parametrize("role", ["contributor", "family", "caseworker", "viewer"])
def test_only_a_facilitator_may_reopen(app, small, role):
    add_to_map(small.id, EMAILS[role], role)
    close(small.id)
    client = browser(app, EMAILS[role])
    assert "Reopen this map" not in html(client.get(f"/maps/{small.id}"))
    assert client.post(f"/maps/{small.id}/reopen").status_code == 403
    assert db.session.get(JourneyMap, small.id, populate_existing=True).closed_at is not None


def test_a_closed_map_can_still_be_deleted(app, small, client):
    close(small.id)
    assert client.post(f"/maps/{small.id}/delete").status_code == 303
    assert db.session.get(JourneyMap, small.id, populate_existing=True) is None


def test_the_de_identified_copy_cannot_be_reopened(app, small, client):
    close(small.id)
    journey_map = db.session.get(JourneyMap, small.id)
    journey_map.reduced_at = journey_map.closed_at  # as the retention rule leaves its copy
    db.session.commit()
    page = html(client.get(f"/maps/{small.id}"))
    assert "De-identified copy: read only" in page and "Reopen this map" not in page
    response = client.post(f"/maps/{small.id}/reopen")
    assert response.status_code == 409 and "cannot be reopened" in html(response)
    assert db.session.get(JourneyMap, small.id, populate_existing=True).closed_at is not None


# Around the map ------------------------------------------------------------------------------------
def test_no_one_joins_a_closed_map(app, small):
    facilitator = Actor.person(db.session.get(User, user_id(FACILITATOR)))
    invitation = create_invitation(db.session.get(JourneyMap, small.id), "viewer", hours=8, max_uses=None,
                                   actor=facilitator)
    db.session.commit()
    close(small.id)
    response = app.test_client().get(f"/join/{invitation.code}")
    assert response.status_code == 410 and "This map is closed, so no one can join it" in html(response)
    members = select(func.count()).select_from(Membership).where(Membership.map_id == small.id)
    assert db.session.scalar(members) == 1
    assert db.session.get(Invitation, invitation.id).revoked_at is None  # open again on reopening


def test_my_touchpoints_offers_no_form_for_a_closed_map(app, small):
    add_to_map(small.id, EMAILS["caseworker"], "caseworker", caseworker_id=small.caseworker)
    client = sign_in(app.test_client(), EMAILS["caseworker"])
    add_url = f"/me/maps/{small.id}/touchpoints"
    assert add_url in html(client.get("/me/touchpoints"))
    close(small.id)
    assert add_url not in html(client.get("/me/touchpoints"))


def test_the_maps_list_says_which_are_closed_or_copies(app, client):
    build_small_map("Family O.")
    closed_map, copy = build_small_map("Family C."), build_small_map("D.")
    close(closed_map.id)
    close(copy.id)
    db.session.get(JourneyMap, copy.id).reduced_at = db.session.get(JourneyMap, copy.id).closed_at
    db.session.commit()
    items = {li.select_one("a").text: li.text for li in parse(html(client.get("/"))).select(".map-list li")}
    assert "Closed" not in items["Family O."]
    assert "Closed" in items["Family C."]
    assert "De-identified copy" in items["D."]
