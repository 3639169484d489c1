"""The presentation view: always de-identified (the page and the pictures it shows), the silo map
or the journey view, options in the query string."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from journeymap.domain import live
from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import HistoryEntry, Stage
from tests import markup
from tests.actors import SETUP
from tests.markup import select_one
from tests.routes.conftest import FACILITATOR, add_to_map, client_as, html

# Every field de-identifying removes or replaces holds a marker; agency names and caseworker roles
# are kept by design (journeymap/deidentify.py), so they hold none.
MARK = "ZQXMARK"


@pytest.fixture
def marked(app) -> int:
    m = start_map("Family P.", f"Situation {MARK}1", f"Hopes {MARK}2")
    add_member(m, f"Mother {MARK}3", "25-44", actor=SETUP)
    add_member(m, f"{MARK}4 lodger", "18-24", actor=SETUP)
    crisis = add_stage(m, f"Crisis {MARK}5", actor=SETUP)
    intake = add_stage(m, f"Intake {MARK}6", actor=SETUP)
    agency = add_agency(m, "County Housing", "county", actor=SETUP)
    worker = add_caseworker(m, name=f"Dana {MARK}7", role="Intake worker", agency_id=agency.id, actor=SETUP)
    add_caseworker(m, name=f"Loner {MARK}8", role="", agency_id=None, actor=SETUP)
    tp1 = add_touchpoint(m, action=f"Called {MARK}9", place=f"Office {MARK}10", stage_id=crisis.id,
                         agency_id=agency.id, caseworker_id=worker.id, documents=f"Lease {MARK}11, ID",
                         feeling=-2, days_waited=12, actor=SETUP)
    tp2 = add_touchpoint(m, action=f"Waited {MARK}12", place=f"Home {MARK}13", stage_id=intake.id,
        actor=SETUP)
    add_touchpoint(m, action=f"Unstaged {MARK}14", stage_id=None,
        actor=SETUP)
    add_barrier(m, [tp1.id], title=f"No heat {MARK}15", description=f"Why {MARK}16", severity="high",
        actor=SETUP)
    add_barrier(m, [tp2.id], title=f"Owned {MARK}17", description=f"Why {MARK}18",
                owner_caseworker_id=worker.id, actor=SETUP)
    db.session.commit()
    add_to_map(m.id, FACILITATOR, "facilitator")
    return m.id


def present(client, map_id: int, **query):
    return client.get(f"/maps/{map_id}/present", query_string=query)


def image_url(body: str) -> str:
    return markup.select(body, "img[src]")[0].get("src")


def stage_id(map_id: int, starts: str) -> int:
    stages = db.session.scalars(select(Stage).where(Stage.map_id == map_id)).all()
    return next(s.id for s in stages if s.name.startswith(starts))


def assert_no_marks(text: str, where: str) -> None:
    assert MARK not in text, f"{where}: {text[max(0, text.index(MARK) - 200):text.index(MARK) + 60]}"
    # No dates either (ISO dates, as the app writes them).
    assert not re.search(r"\b20\d\d-\d\d-\d\d", text), where


QUERIES = [
    {},
    {"show": "silo"},
    {"show": "journey"},
    {"show": "silo", "focus": "unowned", "caseworkers": "hide"},
    {"show": "journey", "focus": "unowned", "caseworkers": "hide"},
    {"show": "silo", "stage": "crisis"},
    {"show": "journey", "stage": "intake"},
]


@pytest.mark.parametrize("query", QUERIES)
def test_nothing_removed_by_de_identifying_reaches_the_page_or_its_picture(client, marked, query):
    if "stage" in query:
        query = {**query, "stage": stage_id(marked, query["stage"].capitalize())}
    response = present(client, marked, **query)
    assert response.status_code == 200
    body = html(response)
    assert_no_marks(body, "page")
    assert "Family P." in body
    url = image_url(body)
    assert "detail=deidentified" in url
    picture = client.get(url)
    assert picture.status_code == 200, url
    assert picture.mimetype == "image/svg+xml"
    svg = picture.get_data(as_text=True)
    assert_no_marks(svg, url)
    # What is kept by design is there, so the picture is not simply empty.
    assert "County Housing" in svg or "stage" in query


def test_silo_picture_carries_the_options(client, marked):
    crisis = stage_id(marked, "Crisis")
    body = html(present(client, marked, focus="unowned", caseworkers="hide", stage=crisis))
    url = image_url(body)
    assert url.startswith(f"/maps/{marked}/silo-map.svg?")
    for part in ("detail=deidentified", "focus=unowned", "caseworkers=hide", f"stage={crisis}"):
        assert part in url
    # The form shows what is chosen.
    assert 'id="present-focus" name="focus" value="unowned" checked' in body
    assert 'id="present-caseworkers" name="caseworkers" value="hide" checked' in body
    assert f'<option value="{crisis}" selected>' in body


def test_defaults_are_the_silo_map_with_caseworkers_and_every_stage(client, marked):
    body = html(present(client, marked))
    url = image_url(body)
    assert url.startswith(f"/maps/{marked}/silo-map.svg?")
    assert "focus=" not in url and "caseworkers=" not in url and "stage=" not in url
    assert '<option value="silo" selected>' in body


def test_journey_picture(client, marked):
    intake = stage_id(marked, "Intake")
    body = html(present(client, marked, show="journey", stage=intake))
    url = image_url(body)
    assert url.startswith(f"/maps/{marked}/journey-view.svg?")
    assert "detail=deidentified" in url and f"stage={intake}" in url
    # In a frame that scrolls, reachable from the keyboard.
    frame = select_one(body, "div.present-frame")
    assert frame.get("tabindex") == "0" and frame.get("aria-label")


def test_size_whole_picture_or_full_size_in_a_scrolling_frame(client, marked):
    # Best for each view: the silo map whole on screen, the journey view at full size.
    assert 'class="present-frame"' not in html(present(client, marked))
    assert 'class="present-frame"' in html(present(client, marked, show="journey"))
    # Or as chosen.
    body = html(present(client, marked, show="journey", size="fit"))
    assert 'class="present-frame"' not in body and "present-fit" in body
    assert '<option value="fit" selected>' in body
    body = html(present(client, marked, show="silo", size="full"))
    assert 'class="present-frame"' in body and "present-full" in body


def test_page_is_for_a_room(client, marked):
    body = html(present(client, marked))
    assert f'href="/maps/{marked}"' in body and "Back to the map" in body
    assert 'class="map-nav"' not in body  # no map layout around it
    # Stage names are de-identified too.
    assert "Stage 1" in body and "Stage 2" in body
    # The barriers no one owns, as text, by their de-identified titles.
    assert "Barriers no one owns (1)" in body
    assert "Barrier 1: " in body


@pytest.mark.parametrize("query", [
    {"show": "map"},
    {"show": ""},
    {"size": "huge"},
    {"focus": "all"},
    {"caseworkers": "none"},
    {"stage": "999999"},
    {"stage": "abc"},
    {"stage": "-3"},
])
def test_unknown_options_are_404(client, marked, query):
    assert present(client, marked, **query).status_code == 404


def test_a_stage_of_another_map_is_404(client, marked, demo_id):
    other = db.session.scalars(select(Stage).where(Stage.map_id == demo_id)).first()
    assert present(client, marked, stage=other.id).status_code == 404


def test_every_member_may_present_and_nothing_is_written(app, client, marked):
    before = live.revision(marked)
    for role in ("family", "caseworker", "contributor", "viewer"):
        add_to_map(marked, f"{role}@example.org", role)
        response = present(client_as(app, f"{role}@example.org"), marked, show="journey")
        assert response.status_code == 200, role
        assert_no_marks(html(response), role)
    db.session.expire_all()
    assert live.revision(marked) == before
    assert db.session.scalars(select(HistoryEntry).where(HistoryEntry.action == "exported")).all() == []


def test_strangers_get_404_and_anonymous_sign_in(app, anonymous, marked):
    from tests.routes.conftest import make_user

    make_user("stranger@example.org")
    db.session.commit()
    assert present(client_as(app, "stranger@example.org"), marked).status_code == 404
    response = present(anonymous, marked)
    assert response.status_code in (302, 303) and "sign-in" in response.headers["Location"]


def test_an_unknown_map_is_404(client):
    assert present(client, 999_999).status_code == 404
