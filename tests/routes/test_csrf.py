"""With CSRF protection on, as in production: a POST without the form's token is refused and
changes nothing; with the token (in the form, or in htmx's header) it goes through. The person
signs in through the sign-in form, with its token, as a browser would."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from journeymap.extensions import db
from journeymap.models import HistoryEntry, HouseholdMember, JourneyMap
from tests.apps import FAST_HASHING, make_app
from tests.routes.conftest import FACILITATOR, PASSWORD, make_user


@pytest.fixture
def csrf_app(tmp_path):
    app = make_app(tmp_path / "instance", {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite3'}",
        "WTF_CSRF_ENABLED": True,
        "PASSWORD_HASH_PARAMS": FAST_HASHING,
    })
    with app.app_context():
        db.create_all()
        make_user(FACILITATOR, "Fran Facilitator")
        db.session.commit()
    # No app context is held open around the requests: each gets its own, as in production.
    # Held open, it would share `g` between requests, and Flask-WTF keeps the token in `g`, so
    # after signing in (which starts a clean session) pages would show the old session's token.
    return app


@pytest.fixture
def client(csrf_app):
    """Signed in through the sign-in form, with the form's own token."""
    client = csrf_app.test_client()
    token = token_from(client.get("/sign-in").get_data(as_text=True), "/sign-in")
    response = client.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return client


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def token_from(body: str, action: str) -> str:
    """The token in the form that posts to `action`: a page has several (the sign-out form in the
    header has one too), and attributes come in any order."""
    for form_attributes, content in FORM.findall(body):
        if dict(ATTRIBUTE.findall(form_attributes)).get("action") != action:
            continue
        for tag in INPUT.findall(content):
            attributes = dict(ATTRIBUTE.findall(tag))
            if attributes.get("name") == "csrf_token" and attributes.get("value"):
                return attributes["value"]
    raise AssertionError(f"no form posting to {action} with a csrf_token")


def test_a_post_without_a_token_is_refused_and_changes_nothing(csrf_app, client):
    response = client.post("/maps/new", data={"pseudonym": "Family X."})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert count(csrf_app, JourneyMap) == 0


def test_a_post_with_a_wrong_token_is_refused(csrf_app, client):
    client.get("/maps/new")  # a session exists, but the token is not its own
    response = client.post("/maps/new", data={"pseudonym": "Family X.", "csrf_token": "forged"})
    assert response.status_code == 400
    assert count(csrf_app, JourneyMap) == 0


def test_signing_in_needs_the_token(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still signed out: sent to the sign-in page


def test_every_kind_of_post_needs_the_token(csrf_app, client):
    page = client.get("/maps/new").get_data(as_text=True)
    token = token_from(page, "/maps/new")
    created = client.post("/maps/new", data={"pseudonym": "Family X.", "csrf_token": token})
    assert created.status_code == 303
    map_id = int(created.headers["Location"].rsplit("/", 1)[1])
    for url, data in [
        (f"/maps/{map_id}/household", {"role": "Mother", "age_band": "25-44"}),
        (f"/maps/{map_id}/agencies", {"name": "Office", "sector": "county"}),
        (f"/maps/{map_id}/family/edit", {"pseudonym": "Changed", "version": "1"}),
        (f"/maps/{map_id}/export", {"format": "json"}),
        (f"/maps/{map_id}/delete", {}),
        ("/sign-out", {}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
        assert client.post(url, data=data, headers={"HX-Request": "true"}).status_code == 400, url
    assert count(csrf_app, JourneyMap) == 1
    assert count(csrf_app, HouseholdMember) == 0
    assert count(csrf_app, HistoryEntry, HistoryEntry.action == "exported") == 0
    with csrf_app.app_context():
        assert db.session.get(JourneyMap, map_id).pseudonym == "Family X."
    assert client.get(f"/maps/{map_id}").status_code == 200  # still signed in


def test_the_token_from_the_page_works_in_the_form_and_in_htmx_header(csrf_app, client):
    page = client.get("/maps/new").get_data(as_text=True)
    token = token_from(page, "/maps/new")
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
    assert count(csrf_app, HouseholdMember) == 1
    # A page with several forms: each one's own token works (a download, then signing out).
    silo = client.get(f"/maps/{map_id}/silo").get_data(as_text=True)
    export_url = f"/maps/{map_id}/export"
    download = client.post(export_url, data={"format": "dot", "csrf_token": token_from(silo, export_url)})
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    signed_out = client.post("/sign-out", data={"csrf_token": token_from(silo, "/sign-out")})
    assert signed_out.status_code == 303
    assert client.get(f"/maps/{map_id}").status_code == 302  # to the sign-in page
