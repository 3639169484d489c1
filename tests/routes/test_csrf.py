"""With CSRF protection on, as in production: a POST without the form's token is refused and
changes nothing; with the token (in the form, or in htmx's header) it goes through."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from journeymap import create_app
from journeymap.extensions import db
from journeymap.models import HouseholdMember, JourneyMap


@pytest.fixture
def csrf_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite3'}",
            "WTF_CSRF_ENABLED": True,
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def token_from(body: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1)


def test_a_post_without_a_token_is_refused_and_changes_nothing(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/maps/new", data={"pseudonym": "Family X."})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert count(JourneyMap) == 0


def test_a_post_with_a_wrong_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    client.get("/maps/new")  # a session exists, but the token is not its own
    response = client.post("/maps/new", data={"pseudonym": "Family X.", "csrf_token": "forged"})
    assert response.status_code == 400
    assert count(JourneyMap) == 0


def test_every_kind_of_post_needs_the_token(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/maps/new").get_data(as_text=True)
    created = client.post("/maps/new", data={"pseudonym": "Family X.", "csrf_token": token_from(page)})
    assert created.status_code == 303
    map_id = int(created.headers["Location"].rsplit("/", 1)[1])
    for url, data in [
        (f"/maps/{map_id}/household", {"role": "Mother", "age_band": "25-44"}),
        (f"/maps/{map_id}/agencies", {"name": "Office", "sector": "county"}),
        (f"/maps/{map_id}/family/edit", {"pseudonym": "Changed"}),
        (f"/maps/{map_id}/delete", {}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
        assert client.post(url, data=data, headers={"HX-Request": "true"}).status_code == 400, url
    assert count(JourneyMap) == 1
    assert count(HouseholdMember) == 0
    assert db.session.get(JourneyMap, map_id).pseudonym == "Family X."


def test_the_token_from_the_page_works_in_the_form_and_in_htmx_header(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/maps/new").get_data(as_text=True)
    token = token_from(page)
    created = client.post("/maps/new", data={"pseudonym": "Family X.", "csrf_token": token})
    assert created.status_code == 303
    map_id = int(created.headers["Location"].rsplit("/", 1)[1])
    # htmx sends the token from <body hx-headers=...> as X-CSRFToken.
    overview = client.get(f"/maps/{map_id}").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', overview).group(1)
    response = client.post(
        f"/maps/{map_id}/household", data={"role": "Mother", "age_band": "25-44"},
        headers={"HX-Request": "true", "X-CSRFToken": header_token},
    )
    assert response.status_code == 200
    assert count(HouseholdMember) == 1
