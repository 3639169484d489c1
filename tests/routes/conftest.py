"""Shared helpers for the route tests: small maps built with the domain functions, the demo map,
and a few assertions every route test uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert

from journeymap import create_app
from journeymap.auth.passwords import hash_password
from journeymap.extensions import db
from journeymap.models import (
    Agency,
    Barrier,
    Caseworker,
    HouseholdMember,
    JourneyMap,
    Membership,
    Stage,
    Touchpoint,
    User,
    barrier_touchpoint,
)
from journeymap.samples import demo
from tests.conftest import FAST_HASHING

HX = {"HX-Request": "true"}
_MODELS = {
    "household": HouseholdMember, "agencies": Agency, "caseworkers": Caseworker, "stages": Stage,
    "touchpoints": Touchpoint, "barriers": Barrier,
}
STATUS_ID = 'id="map-status"'


_VERSIONED_URL = re.compile(r"^/maps/(\d+)/(?:(family)/edit|(\w+)/(\d+)/(?:edit|delete|owner))$")


class VersionFillingClient(FlaskClient):
    """A test client that sends, with an edit or delete, the version of the item a person would
    have seen on their page (the current one) when the test does not give one. Tests about
    conflicts pass an old version explicitly.

    Each request runs in an app context of its own, as in a real server. The `app` fixture keeps
    one context open for the test's own database work; without this, every request would share
    its `g`, where Flask-Login keeps the signed-in user, and a second client would be the first.
    """

    def open(self, *args, **kwargs):
        path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "")
        data = kwargs.get("data") or {}
        wants_version = kwargs.get("method") == "POST" and isinstance(data, dict) and "version" not in data
        if wants_version and (version := _current_version(path)) is not None:
            kwargs["data"] = {**data, "version": str(version)}
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _current_version(path: str) -> int | None:
    match = _VERSIONED_URL.match(path.split("?")[0])
    if not match:
        return None
    map_id, family, plural, item_id = match.groups()
    model = JourneyMap if family else _MODELS.get(plural)
    if model is None:
        return None
    with db.session.no_autoflush:
        record = db.session.get(model, int(map_id) if family else int(item_id), populate_existing=True)
    return record.version if record is not None else None


@pytest.fixture(scope="session")
def _shared_app():
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": False,
            "DOT_TIMEOUT": 20.0,
            "PASSWORD_HASH_PARAMS": FAST_HASHING,
        }
    )
    app.test_client_class = VersionFillingClient
    return app


@pytest.fixture
def app(_shared_app):
    """Like tests/conftest.py's app, a fresh, empty database for every test, but fast enough
    for hundreds of parametrized cases: the database is in memory, and one app serves the
    whole run, so routes, templates and SQL are compiled once. Tests that change the app's
    config use monkeypatch, which puts it back."""
    with _shared_app.app_context():
        db.drop_all()
        db.create_all()
        make_user(FACILITATOR, "Fran Facilitator")
        db.session.commit()
        yield _shared_app
        db.session.remove()


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
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', body, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


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
