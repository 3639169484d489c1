"""Shared helpers for the route tests: small maps built with the domain functions, the demo map,
and a few assertions every route test uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import insert

from journeymap.auth.passwords import hash_password
from journeymap.extensions import db
from journeymap.models import (
    Agency,
    Barrier,
    Caseworker,
    Handoff,
    HouseholdMember,
    Introduction,
    JourneyMap,
    Meeting,
    Membership,
    Stage,
    Touchpoint,
    User,
    barrier_touchpoint,
)
from journeymap.samples import demo
from tests.markup import select

HX = {"HX-Request": "true"}
_MODELS = {
    "household": HouseholdMember, "agencies": Agency, "caseworkers": Caseworker, "stages": Stage,
    "touchpoints": Touchpoint, "barriers": Barrier, "meetings": Meeting, "introductions": Introduction,
    "handoffs": Handoff,
}


_VERSIONED_URL = re.compile(r"^/maps/(\d+)/(?:(family)/edit|(\w+)/(\d+)/(?:edit|delete|owner))$")


def seen_version(url: str) -> int:
    """The version of the item an edit, delete or owner URL names, as a page shows it now: what a
    person who opened the page sends back with their change (the form's hidden `version`)."""
    assert _VERSIONED_URL.match(url.split("?")[0]), f"{url} names no versioned item"
    version = _current_version(url)
    assert version is not None, f"{url}: no such item, so no version anyone could have seen"
    return version


def _current_version(url: str) -> int | None:
    match = _VERSIONED_URL.match(url.split("?")[0])
    if not match:
        return None
    map_id, family, plural, item_id = match.groups()
    model = JourneyMap if family else _MODELS.get(plural)
    if model is None:
        return None
    with db.session.no_autoflush:
        record = db.session.get(model, int(map_id) if family else int(item_id), populate_existing=True)
    return record.version if record is not None else None


def with_seen_version(url: str, data: dict | None = None) -> dict:
    """The form of an edit or delete at `url`, carrying the version of the item its author saw (the
    current one). Tests about conflicts send an old version, or none, instead."""
    assert "version" not in (data or {}), "this form already says which version it was made from"
    return {**(data or {}), "version": str(seen_version(url))}


def post_change(client, url: str, data: dict | None = None, **kwargs):
    """An edit, delete or owner choice as a person's page sends it: the form, with the version of
    the item they saw on the page (with_seen_version)."""
    return client.post(url, data=with_seen_version(url, data), **kwargs)


@pytest.fixture
def app(app):
    """The session's app on an empty database (tests/conftest.py), with the facilitator of every
    test map signed up. In memory and compiled once, it is fast enough for hundreds of
    parametrized cases."""
    make_user(FACILITATOR, "Fran Facilitator")
    db.session.commit()
    return app


# Everyone in the route tests has the same password; the facilitator of every test map exists
# from the start, and `client` is signed in as them.
PASSWORD = "correct horse battery"
FACILITATOR = "fran@example.org"


def make_user(email: str, name: str | None = None, password: str = PASSWORD) -> User:
    user = User(email=email, display_name=name or email.split("@")[0],
                password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def user_id(email: str) -> int:
    return db.session.scalar(db.select(User.id).where(User.email == email))


def add_to_map(map_id: int, email: str, role: str, caseworker_id: int | None = None) -> Membership:
    """Put an account (made if needed) on a map in a role."""
    uid = user_id(email) or make_user(email).id
    membership = Membership(map_id=map_id, user_id=uid, role=role, caseworker_id=caseworker_id)
    db.session.add(membership)
    db.session.commit()
    return membership


def sign_in(client, email: str, password: str = PASSWORD):
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return client


@pytest.fixture
def client(app):
    """Signed in as the facilitator of every map the fixtures build."""
    return sign_in(app.test_client(), FACILITATOR)


@pytest.fixture
def anonymous(app):
    return app.test_client()


def client_as(app, email: str):
    """Another browser, signed in as someone else."""
    return sign_in(app.test_client(), email)


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
    """The map as rows, not as anyone's actions: its history starts empty, so a test sees only
    the entries its own requests make."""
    journey_map = JourneyMap(
        pseudonym=pseudonym, situation="Their heating broke in winter.", hopes="Warm again."
    )
    db.session.add(journey_map)
    db.session.flush()
    on_map = {"map_id": journey_map.id}
    member = HouseholdMember(**on_map, role="Mother", age_band="25-44")
    stage1, stage2 = Stage(**on_map, name="Crisis", position=0), Stage(**on_map, name="Intake", position=1)
    agency = Agency(**on_map, name="Test Housing Office", sector="housing")
    db.session.add_all([member, stage1, stage2, agency])
    db.session.flush()
    worker = Caseworker(**on_map, name="Ada", role="Intake worker", agency_id=agency.id)
    db.session.add(worker)
    db.session.flush()
    tp1 = Touchpoint(**on_map, action="First call", stage_id=stage1.id, position=0, agency_id=agency.id,
                     caseworker_id=worker.id)
    tp2 = Touchpoint(**on_map, action="Second visit", stage_id=stage1.id, position=1)
    tp3 = Touchpoint(**on_map, action="Third form", stage_id=stage2.id, position=0)
    barrier = Barrier(**on_map, title="No heat", severity="high")
    db.session.add_all([tp1, tp2, tp3, barrier])
    db.session.flush()
    db.session.execute(insert(barrier_touchpoint).values(barrier_id=barrier.id, touchpoint_id=tp1.id))
    db.session.add(Membership(map_id=journey_map.id, user_id=user_id(FACILITATOR), role="facilitator"))
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
    db.session.add(Membership(map_id=journey_map.id, user_id=user_id(FACILITATOR), role="facilitator"))
    db.session.commit()
    return journey_map.id


def page_urls(map_id: int) -> list[str]:
    """Every full page of a map (in its layout; the presentation view stands apart)."""
    return [
        f"/maps/{map_id}",
        f"/maps/{map_id}/people",
        f"/maps/{map_id}/journey",
        f"/maps/{map_id}/barriers",
        f"/maps/{map_id}/handoffs",
        f"/maps/{map_id}/silo",
        f"/maps/{map_id}/journey-view",
        f"/maps/{map_id}/brief",
        f"/maps/{map_id}/data",
        f"/maps/{map_id}/delete",
        f"/maps/{map_id}/family/edit",
    ]


def html(response) -> str:
    return response.get_data(as_text=True)


def error_of(body: str, field_id: str) -> str | None:
    """The error shown beside a field (macros/forms.html), as text; None when there is none."""
    found = select(body, f'p.error[id="{field_id}-error"]')
    assert len(found) <= 1, f"{len(found)} errors for {field_id}"
    return found[0].text if found else None


def assert_fragment(response, status: int = 200) -> str:
    """An htmx answer: the status, and a fragment rather than a whole page."""
    body = html(response)
    assert response.status_code == status, body[:2000]
    assert "<html" not in body
    return body


def assert_status_oob(body: str) -> None:
    """The map status (barriers no one owns) swapped out of band."""
    status = select(body, "#map-status")
    assert len(status) == 1, f"{len(status)} map statuses in the answer"
    assert status[0].has("hx-swap-oob"), status[0].attrs


def assert_redirect(response, to: str | None = None) -> None:
    assert response.status_code == 303, html(response)[:2000]
    if to is not None:
        assert response.headers["Location"].startswith(to), response.headers["Location"]
