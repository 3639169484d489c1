"""A caseworker on a 390 px phone accepts a barrier her agency owns and records its next step; the
facilitator sees it; the date passes (the server's day is set, not waited for) and the map shows
it overdue; the facilitator records the steering meeting, and the brief lists it since then."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from journeymap.auth.passwords import hash_password
from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import start_map
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import Membership, User
from tests.actors import SETUP
from tests.apps import FAST_HASHING, make_app
from tests.browser.conftest import BrowserProblems, set_timeouts

pytestmark = pytest.mark.browser

PASSWORD = "a follow-up password"
PHONE = {"width": 390, "height": 844}
DAY = date(2026, 12, 7)


@pytest.fixture
def server(tmp_path):
    """The app on a free port with a map: Housing Office owns a barrier, Rosa is its caseworker
    (a member), Fran facilitates. Yields (base URL, app) so a test can set the server's day."""
    app = make_app(tmp_path / "instance", {
        "TESTING": True, "SECRET_KEY": "x", "PASSWORD_HASH_PARAMS": FAST_HASHING, "TODAY": DAY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/f.sqlite3",
    })
    with app.app_context():
        db.create_all()
        hashed = hash_password(PASSWORD)
        fran = User(email="fran@example.org", display_name="Fran", password_hash=hashed)
        rosa_account = User(email="rosa@example.org", display_name="Rosa", password_hash=hashed)
        db.session.add_all([fran, rosa_account])
        db.session.flush()
        journey_map = start_map("Family R.", "", "")
        housing = add_agency(journey_map, "Housing Office", "housing", actor=SETUP)
        rosa = add_caseworker(journey_map, name="Rosa", role="Intake worker", agency_id=housing.id,
                              actor=SETUP)
        add_barrier(journey_map, [], title="Deposit held back", owner_agency_id=housing.id, actor=SETUP)
        db.session.add_all([
            Membership(map_id=journey_map.id, user_id=fran.id, role="facilitator"),
            Membership(map_id=journey_map.id, user_id=rosa_account.id, role="caseworker",
                       caseworker_id=rosa.id),
        ])
        db.session.commit()
        map_id = journey_map.id
    running = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{running.server_port}", app, map_id
    finally:
        running.shutdown()
        thread.join(timeout=5)
        running.server_close()
        with app.app_context():
            db.engine.dispose()


def signed_in(browser, base: str, email: str, problems: BrowserProblems, **context):
    page = set_timeouts(browser.new_context(**context).new_page())
    problems.watch(page)
    page.goto(base + "/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Start from one family").wait_for()
    return page


def test_a_caseworker_commits_from_her_phone_and_the_map_shows_it_overdue_when_the_day_passes(
        browser, server, problems):
    base, app, map_id = server
    phone = signed_in(browser, base, "rosa@example.org", problems, viewport=PHONE)
    phone.goto(base + "/me/touchpoints")
    card = phone.locator("li.card.barrier", has_text="Deposit held back")
    expect(card).to_contain_text("Waiting for the owner to accept or decline")
    card.get_by_role("button", name="Accept").click()
    expect(card).to_contain_text("Accepted by Rosa")
    card.get_by_role("link", name="Set the next step").click()
    card.get_by_label("Next step").fill("Ask the landlord to return the deposit")
    card.get_by_label("By when").fill("2026-12-10")
    card.get_by_role("button", name="Save the next step").click()
    expect(card).to_contain_text("Next step saved.")
    expect(card).to_contain_text("10 December 2026")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll

    desk = signed_in(browser, base, "fran@example.org", problems)
    desk.goto(f"{base}/maps/{map_id}/barriers")
    fran_card = desk.locator("li.card.barrier", has_text="Deposit held back")
    expect(fran_card).to_contain_text("Ask the landlord to return the deposit")
    expect(fran_card).not_to_contain_text("Overdue")

    app.config["TODAY"] = date(2026, 12, 11)  # the date passes
    desk.reload()
    expect(fran_card.locator(".badge.overdue")).to_contain_text("Overdue since 10 December 2026")
    expect(desk.locator("#map-status")).to_contain_text("1 next step overdue")
    desk.goto(base + "/")
    expect(desk.locator(".map-list")).to_contain_text("1 overdue")
    phone.goto(base + "/me/commitments")
    expect(phone.locator(".said-i-would li").first).to_contain_text("Overdue since 10 December 2026")

    # The steering group met on 1 December: the brief says what changed since.
    desk.goto(f"{base}/maps/{map_id}/meetings")
    form = desk.get_by_role("region", name="Record a steering meeting")
    form.get_by_label("Held on").fill("2026-12-01")
    form.get_by_label("Who came").fill("Chair, Housing Office")
    form.get_by_role("button", name="Record meeting").click()
    expect(desk.locator("#meetings")).to_contain_text("Steering meeting, 1 December 2026")
    desk.locator(".lead").get_by_role("link", name="brief").click()
    since = desk.locator("#since-meeting")
    expect(since).to_contain_text("Since the last meeting, 1 December 2026")
    expect(since).to_contain_text("Next step overdue due 10 December 2026")
    expect(since).to_contain_text("Owned by Housing Office")
    problems.check()
