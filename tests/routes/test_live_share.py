"""A live refetch (static/js/live.js, X-Live-Refresh) is answered with #map-status and #main only,
rendered once per (map, revision, URL, rights, day) and shared (journeymap/live_share.py): two
members with the same rights get the same HTML, each with their own CSRF token, which works; a
caseworker and a facilitator do not share. With CSRF on, as in production."""

from __future__ import annotations

import re

import pytest

from journeymap.extensions import db
from tests.apps import FAST_HASHING, make_app
from tests.routes.conftest import FACILITATOR, PASSWORD, add_to_map, build_small_map, make_user
from tests.routes.test_csrf import token_from

LIVE = {"X-Live-Refresh": "1"}
TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@pytest.fixture
def room(tmp_path):
    app = make_app(tmp_path / "instance", {
        "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'share.sqlite3'}",
        "PASSWORD_HASH_PARAMS": FAST_HASHING,
    })
    with app.app_context():
        db.create_all()
        make_user(FACILITATOR, "Fran Facilitator")
        db.session.commit()
        small = build_small_map()
        for email in ("ann@example.org", "bob@example.org"):
            add_to_map(small.id, email, "contributor")
        add_to_map(small.id, "cas@example.org", "caseworker", caseworker_id=small.caseworker)
    # No app context held around the requests: Flask-WTF keeps the token in `g` (tests/routes/test_csrf.py).
    return app, small


def browser(app, email: str):
    client = app.test_client()
    token = token_from(client.get("/sign-in").get_data(as_text=True), "/sign-in")
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    return client


def refetch(client, url: str, **headers):
    response = client.get(url, headers={**LIVE, **headers})
    assert response.status_code == 200
    return response


def without_tokens(body: str) -> str:
    return TOKEN.sub('name="csrf_token"', body)


def test_a_live_refetch_is_the_two_regions_live_js_swaps(room):
    app, small = room
    body = refetch(browser(app, "ann@example.org"), f"/maps/{small.id}/journey").get_data(as_text=True)
    assert 'id="map-status"' in body and '<main id="main"' in body and "First call" in body
    assert "<body" not in body and "signed-in-as" not in body and 'id="live"' not in body
    # The same URL without the header is the whole page, as before (a `g` flag does not linger).
    page = browser(app, "ann@example.org").get(f"/maps/{small.id}/journey").get_data(as_text=True)
    assert "<body" in page and 'id="live"' in page


def test_members_with_the_same_rights_share_one_render_each_with_their_own_token(room):
    app, small = room
    ann, bob = browser(app, "ann@example.org"), browser(app, "bob@example.org")
    url = f"/maps/{small.id}/journey"
    first, second = refetch(ann, url), refetch(bob, url)
    assert "X-Live-Shared" not in first.headers  # rendered for Ann
    assert second.headers.get("X-Live-Shared") == "1"  # Ann's render, served to Bob
    ann_html, bob_html = first.get_data(as_text=True), second.get_data(as_text=True)
    assert without_tokens(ann_html) == without_tokens(bob_html)
    ann_tokens, bob_tokens = set(TOKEN.findall(ann_html)), set(TOKEN.findall(bob_html))
    assert len(ann_tokens) == 1 and len(bob_tokens) == 1 and ann_tokens != bob_tokens
    assert "jm-shared-csrf" not in ann_html + bob_html
    # Bob's token, from the shared render, works for Bob; Ann's does not.
    add = f"/maps/{small.id}/touchpoints"
    fields = {"action": "Bob's call", "stage_id": str(small.stage1)}
    assert bob.post(add, data={**fields, "csrf_token": ann_tokens.pop()}).status_code == 400
    saved = bob.post(add, data={**fields, "csrf_token": token_from(bob_html, add)})
    assert saved.status_code in (200, 303), saved.get_data(as_text=True)[:500]
    # The map changed: the next refetch is a new render, with Bob's touchpoint.
    after = refetch(ann, url)
    assert "X-Live-Shared" not in after.headers
    assert "Bob&#39;s call" in after.get_data(as_text=True) or "Bob's call" in after.get_data(as_text=True)
    assert refetch(bob, url).headers.get("X-Live-Shared") == "1"


def test_a_caseworker_and_a_facilitator_do_not_share(room):
    app, small = room
    url = f"/maps/{small.id}/journey"
    fran, cas = browser(app, FACILITATOR), browser(app, "cas@example.org")
    ann = browser(app, "ann@example.org")
    fran_html = refetch(fran, url).get_data(as_text=True)
    cas_answer = refetch(cas, url)
    assert "X-Live-Shared" not in cas_answer.headers
    assert without_tokens(cas_answer.get_data(as_text=True)) != without_tokens(fran_html)
    assert "Recorded as yours" in cas_answer.get_data(as_text=True)  # the caseworker's own form
    # A contributor does not get the facilitator's render either (roles differ), nor the caseworker's.
    assert "X-Live-Shared" not in refetch(ann, url).headers


def test_a_refetch_asking_for_a_newer_revision_than_the_cache_has_is_rendered(room):
    app, small = room
    ann, bob = browser(app, "ann@example.org"), browser(app, "bob@example.org")
    url = f"/maps/{small.id}/barriers"
    refetch(ann, url)
    assert "X-Live-Shared" not in refetch(bob, url, **{"X-Live-Want": "999"}).headers


def test_a_render_as_new_as_the_page_asks_is_served_though_the_map_moved_on(room):
    """The page asks for the revision its stream announced; the stream announces each newer one,
    and the page then asks again: so pages a moment apart share one render."""
    app, small = room
    ann, bob = browser(app, "ann@example.org"), browser(app, "bob@example.org")
    url = f"/maps/{small.id}/journey"
    first = refetch(ann, url).get_data(as_text=True)
    shown = int(re.search(r'data-revision="(\d+)"', first).group(1))
    add = f"/maps/{small.id}/touchpoints"
    saved = bob.post(add, data={"action": "Later call", "stage_id": str(small.stage1),
                                "csrf_token": token_from(first, add)})
    assert saved.status_code == 400  # Ann's token is not Bob's
    page = bob.get(url).get_data(as_text=True)
    assert bob.post(add, data={"action": "Later call", "stage_id": str(small.stage1),
                               "csrf_token": token_from(page, add)}).status_code in (200, 303)
    assert refetch(bob, url, **{"X-Live-Want": str(shown)}).headers.get("X-Live-Shared") == "1"
    newer = refetch(bob, url, **{"X-Live-Want": str(shown + 1)})
    assert "X-Live-Shared" not in newer.headers and "Later call" in newer.get_data(as_text=True)
