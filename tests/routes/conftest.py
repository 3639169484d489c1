"""Shared helpers for the route tests: small maps built with the domain functions, the demo map,
and a few assertions every route test uses."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from journeymap import create_app, demo
from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db

HX = {"HX-Request": "true"}
STATUS_ID = 'id="map-status"'


@pytest.fixture(scope="session")
def _shared_app():
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": False,
            "DOT_TIMEOUT": 20.0,
        }
    )


@pytest.fixture
def app(_shared_app):
    """Like tests/conftest.py's app, a fresh, empty database for every test, but fast enough
    for hundreds of parametrized cases: the database is in memory, and one app serves the
    whole run, so routes, templates and SQL are compiled once. Tests that change the app's
    config use monkeypatch, which puts it back."""
    with _shared_app.app_context():
        db.drop_all()
        db.create_all()
        yield _shared_app
        db.session.remove()


@dataclass(frozen=True)
class SmallMap:
    """Ids of a small map: two stages, one agency with one caseworker, three touchpoints
    (two in the first stage, one in the second) and one barrier no one owns."""

    id: int
    pseudonym: str
    member: int
    stage1: int
    stage2: int
    agency: int
    caseworker: int
    tp1: int
    tp2: int
    tp3: int
    barrier: int

    def ids(self) -> dict[str, int]:
        """Item id per ItemKind name."""
        return {
            "member": self.member,
            "agency": self.agency,
            "caseworker": self.caseworker,
            "stage": self.stage1,
            "touchpoint": self.tp1,
            "barrier": self.barrier,
        }


def build_small_map(pseudonym: str = "Family T. (test)") -> SmallMap:
    journey_map = start_map(pseudonym, "Their heating broke in winter.", "Warm again.")
    member = add_member(journey_map, "Mother", "25-44")
    stage1 = add_stage(journey_map, "Crisis")
    stage2 = add_stage(journey_map, "Intake")
    agency = add_agency(journey_map, "Test Housing Office", "housing")
    worker = add_caseworker(journey_map, name="Ada", role="Intake worker", agency_id=agency.id)
    tp1 = add_touchpoint(
        journey_map, action="First call", stage_id=stage1.id, agency_id=agency.id,
        caseworker_id=worker.id,
    )
    tp2 = add_touchpoint(journey_map, action="Second visit", stage_id=stage1.id)
    tp3 = add_touchpoint(journey_map, action="Third form", stage_id=stage2.id)
    barrier = add_barrier(journey_map, [tp1.id], title="No heat", severity="high")
    db.session.commit()
    return SmallMap(
        id=journey_map.id, pseudonym=pseudonym, member=member.id, stage1=stage1.id,
        stage2=stage2.id, agency=agency.id, caseworker=worker.id, tp1=tp1.id, tp2=tp2.id,
        tp3=tp3.id, barrier=barrier.id,
    )


@pytest.fixture
def small(app) -> SmallMap:
    return build_small_map()


@pytest.fixture
def other(app, small) -> SmallMap:
    """A second map, so ids from another map can be tried on the first."""
    return build_small_map("Family O. (other)")


@pytest.fixture
def demo_id(app) -> int:
    journey_map = demo.load_demo()
    db.session.commit()
    return journey_map.id


def page_urls(map_id: int) -> list[str]:
    """Every full page of a map."""
    return [
        f"/maps/{map_id}",
        f"/maps/{map_id}/people",
        f"/maps/{map_id}/journey",
        f"/maps/{map_id}/barriers",
        f"/maps/{map_id}/silo",
        f"/maps/{map_id}/delete",
        f"/maps/{map_id}/family/edit",
    ]


def html(response) -> str:
    return response.get_data(as_text=True)


def assert_fragment(response, status: int = 200) -> str:
    """An htmx answer: the status, and a fragment rather than a whole page."""
    body = html(response)
    assert response.status_code == status, body[:2000]
    assert "<html" not in body
    return body


def assert_status_oob(body: str) -> None:
    """The map status (barriers no one owns) swapped out of band."""
    assert STATUS_ID in body
    start = body.index(STATUS_ID)
    tag = body[body.rindex("<", 0, start): body.index(">", start)]
    assert "hx-swap-oob" in tag, tag


def assert_redirect(response, to: str | None = None) -> None:
    assert response.status_code == 303, html(response)[:2000]
    if to is not None:
        assert response.headers["Location"].startswith(to), response.headers["Location"]
