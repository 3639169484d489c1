"""A workshop: three people on one map at once, served by several worker processes.

The server here is gunicorn with two worker processes over one database (an SQLite file, as
`scripts/run` serves it, or PostgreSQL on the PostgreSQL pass), so nothing can pass by living in
one process's memory. Each person has their own
browser context (their own cookies): a facilitator, a caseworker and the family.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from journeymap.auth.passwords import hash_password
from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import Membership, User
from tests.actors import SETUP
from tests.apps import make_app
from tests.browser.conftest import UI, BrowserProblems, set_timeouts, until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a workshop password"
# ms. The issue promises "within 2 seconds without a reload": bench/bench_live.py measures the poll
# and the page it fetches, which with the 1 s poll make about 1.2 s (docs/performance.md). Here the
# wait is only long enough that a loaded CI machine running three browsers and gunicorn does not
# turn a slow second into a failure.
LIVE = 5_000
PEOPLE = {
    "facilitator": ("fran@example.org", "Fran"),
    "caseworker": ("rosa@example.org", "Rosa"),
    "family": ("family@example.org", "The R. family"),
    "outsider": ("olly@example.org", "Olly"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(database_url: str, instance: Path) -> dict:
    """A small map whose members are the facilitator, a caseworker (Rosa) and the family."""
    app = make_app(instance, {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "seed"})
    with app.app_context():
        db.create_all()
        users = {}
        hashed = hash_password(PASSWORD)
        for key, (email, name) in PEOPLE.items():
            users[key] = User(email=email, display_name=name, password_hash=hashed)
            db.session.add(users[key])
        db.session.flush()
        journey_map = start_map("Family R.", "The power was shut off.", "Heat.")
        stage = add_stage(journey_map, "Crisis", actor=SETUP)
        agency = add_agency(journey_map, "Energy Assistance", "nonprofit", actor=SETUP)
        rosa = add_caseworker(journey_map, name="Rosa", role="Intake worker", agency_id=agency.id,
            actor=SETUP)
        first = add_touchpoint(journey_map, action="First call", stage_id=stage.id, agency_id=agency.id,
                               created_by_id=users["facilitator"].id, actor=SETUP)
        add_barrier(journey_map, [first.id], title="Power shut off", severity="high", actor=SETUP)
        for role in ("facilitator", "caseworker", "family"):
            db.session.add(Membership(map_id=journey_map.id, user_id=users[role].id, role=role,
                                      caseworker_id=rosa.id if role == "caseworker" else None))
        db.session.commit()
        ids = {"map": journey_map.id, "touchpoint": first.id}
        db.engine.dispose()
    return ids


@pytest.fixture
def workshop(tmp_path, fresh_database):
    """gunicorn with two worker processes on a fresh database; yields (base URL, ids)."""
    database_url = fresh_database
    ids = _seed(database_url, tmp_path / "seed-instance")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "JOURNEYMAP_SECRET_KEY": "workshop-secret-" + "w" * 32,
           "JOURNEYMAP_TEST_INSTANCE": str(tmp_path / "instance")}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "20", "--graceful-timeout", "3",
         "--bind", f"127.0.0.1:{port}", "tests.browser.workshop_wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    # Ready when a worker answers a page, not when the master's port accepts connections: the
    # workers may still be importing the app.
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/sign-in", timeout=5) as answer:
                if answer.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.1)
    try:
        yield base, ids
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def person(browser, workshop):
    """Open a signed-in browser for one of PEOPLE; every page is watched for problems."""
    base, _ = workshop
    contexts, watchers = [], []

    def open_as(key: str):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        set_timeouts(page)
        watcher = BrowserProblems()
        watcher.watch(page)
        watchers.append(watcher)
        page.goto(base + "/sign-in")
        page.get_by_label("Email").fill(PEOPLE[key][0])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Start from one family").wait_for()
        page.problems = watcher
        return page

    yield open_as
    for context in contexts:
        context.close()
    for watcher in watchers:
        watcher.check()


def touchpoint(page, action: str):
    return page.locator("li.touchpoint").filter(
        has=page.locator("p.tp-action", has_text=re.compile("^" + re.escape(action) + "$"))
    )


# htmx marks new content `htmx-added` until its settle step, 20 ms after the swap, which is also
# when it applies `autofocus`. Chromium may focus an inserted [autofocus] field itself on the next
# frame, before that; typing then would be pulled back to the first field by htmx's settle step.
HTMX_SETTLED = """(id) => document.activeElement && document.activeElement.id === id
    && !document.querySelector('.htmx-added, .htmx-settling')"""


def settled(page, focused_id: str, timeout: float = 5.0) -> None:
    """Wait until htmx has finished showing a form and its autofocus has put the focus on this
    element, as a person waits for a form to appear before typing."""
    assert until(page, HTMX_SETTLED, focused_id, seconds=timeout), f"{focused_id} never got the focus"


def csrf_token(page) -> str:
    """The token htmx sends with every request, as a script in the page would."""
    return json.loads(page.locator("body").get_attribute("hx-headers"))["X-CSRFToken"]


def test_everyone_sees_everyone_elses_changes_live_and_typing_is_never_lost(person, workshop):
    base, ids = workshop
    journey = f"{base}/maps/{ids['map']}/journey"
    fran, rosa, family = person("facilitator"), person("caseworker"), person("family")
    item = f"#touchpoint-{ids['touchpoint']}"
    edit_link = {"name": re.compile("^Edit")}
    for page in (fran, rosa, family):
        page.goto(journey)

    # Who is here now: all three, on every page.
    for page in (fran, rosa, family):
        here = page.get_by_role("list", name="People with this map open")
        for name in ("Fran", "Rosa", "The R. family"):
            expect(here).to_contain_text(name, timeout=LIVE)

    # The caseworker adds a touchpoint; the others see it without reloading.
    form = rosa.get_by_role("region", name="Add a touchpoint")
    form.get_by_label("What the family had to do").fill("Energy assistance intake")
    form.get_by_role("button", name="Add touchpoint").click()
    expect(touchpoint(rosa, "Energy assistance intake")).to_be_visible()
    for page in (fran, family):
        expect(touchpoint(page, "Energy assistance intake")).to_be_visible(timeout=LIVE)
    # Added by Rosa: she may change it; the facilitator's touchpoint she may not.
    expect(touchpoint(rosa, "Energy assistance intake").get_by_role("link", **edit_link)).to_be_visible()
    expect(touchpoint(rosa, "First call").get_by_role("link", **edit_link)).to_have_count(0)

    # The family starts correcting "First call" and is still typing...
    touchpoint(family, "First call").get_by_role("link", name=re.compile("^Edit")).click()
    settled(family, f"touchpoint-{ids['touchpoint']}-action")  # htmx has focused the first field
    place = family.locator(item).get_by_label("Where they had to go")
    place.fill("The customer line, on hold for an hour")
    # ...while the facilitator adds a stage: the family's page redraws the journey around the form.
    stage_form = fran.get_by_role("region", name="Add a stage")
    stage_form.get_by_label("Stage name").fill("Waiting")
    stage_form.get_by_role("button", name="Add stage").click()
    expect(family.get_by_role("heading", name=re.compile("Waiting$"))).to_be_visible(timeout=LIVE)
    expect(place).to_have_value("The customer line, on hold for an hour")
    # Still the element with the focus (the family's window itself is in the background here).
    assert family.evaluate("document.activeElement.id") == f"touchpoint-{ids['touchpoint']}-place"

    # Meanwhile the facilitator changes the same touchpoint and saves first.
    touchpoint(fran, "First call").get_by_role("link", name=re.compile("^Edit")).click()
    settled(fran, f"touchpoint-{ids['touchpoint']}-action")
    fran_place = fran.locator(item).get_by_label("Where they had to go")
    fran_place.fill("Utility office")
    fran.locator(item).get_by_role("button", name="Save touchpoint").click()
    expect(touchpoint(fran, "First call")).to_contain_text("Utility office")
    expect(touchpoint(rosa, "First call")).to_contain_text("Utility office", timeout=LIVE)
    expect(place).to_have_value("The customer line, on hold for an hour")  # still not lost

    # The family's page has brought in Fran's change (its live refresh moves their open form into
    # the new page); a person sees the map update before they press Save, and so does this test:
    # a click sent while the form was being moved was lost once on a busy CI machine.
    revision = fran.locator("#map-status").get_attribute("data-revision")
    expect(family.locator("#map-status")).to_have_attribute("data-revision", revision, timeout=LIVE)

    # The family saves: they are shown both versions, their text kept, and choose theirs.
    family.problems.allow(409, r"/touchpoints/\d+/edit$")
    editing = family.locator(item)
    editing.get_by_role("button", name="Save touchpoint").click()
    conflict = editing.get_by_role("alert")
    expect(conflict).to_contain_text("Fran (facilitator) changed this while you were editing it")
    expect(conflict.get_by_role("table")).to_contain_text("Utility office")
    expect(conflict.get_by_role("table")).to_contain_text("The customer line, on hold for an hour")
    typed = "The customer line, on hold for an hour"
    expect(editing.get_by_label("Where they had to go")).to_have_value(typed)
    editing.get_by_role("button", name="Save mine").click()
    expect(touchpoint(family, "First call")).to_contain_text("The customer line, on hold for an hour")
    expect(touchpoint(family, "First call")).to_contain_text("from the family")
    for page in (fran, rosa):
        expect(touchpoint(page, "First call")).to_contain_text("The customer line", timeout=LIVE)

    # The count of barriers no one owns follows too: Rosa says it is her agency's job.
    rosa.get_by_role("navigation", name="This map").get_by_role("link", name="Barriers").click()
    owner = rosa.get_by_label("Whose job is it to fix this?")
    expect(owner.locator("option")).to_have_count(3)  # the prompt, her agency, herself: nobody else
    owner.select_option(label="Energy Assistance")
    rosa.get_by_role("button", name="Record owner").click()
    for page in (fran, family):
        expect(page.locator("#map-status")).to_contain_text("Every barrier has an owner", timeout=LIVE)


def test_choices_made_but_not_yet_sent_survive_a_live_update(person, workshop):
    """A download form and the drawing's options are not typed in, but a choice in them is work
    in progress all the same: "Full detail" must not quietly turn back into "De-identified"."""
    base, ids = workshop
    fran, rosa = person("facilitator"), person("caseworker")
    fran.goto(f"{base}/maps/{ids['map']}/silo")
    fran.get_by_label("Caseworkers").select_option(label="Counted per agency")
    fran.get_by_role("radio", name=re.compile("^Full detail")).check()

    rosa.goto(f"{base}/maps/{ids['map']}/journey")
    form = rosa.get_by_role("region", name="Add a touchpoint")
    form.get_by_label("What the family had to do").fill("Second call")
    form.get_by_role("button", name="Add touchpoint").click()
    expect(fran.locator("#announcer")).to_have_text("Rosa added touchpoint “Second call”", timeout=LIVE)

    expect(fran.get_by_role("radio", name=re.compile("^Full detail"))).to_be_checked()
    expect(fran.get_by_label("Caseworkers")).to_have_value("hide")


def test_a_caseworker_cannot_change_someone_elses_touchpoint(person, workshop):
    base, ids = workshop
    rosa = person("caseworker")
    rosa.goto(f"{base}/maps/{ids['map']}/journey")
    token = csrf_token(rosa)
    rosa.problems.allow(403)
    url = f"{base}/maps/{ids['map']}/touchpoints/{ids['touchpoint']}"
    edit = rosa.request.post(url + "/edit", form={"action": "Rewritten", "version": "1"},
                             headers={"X-CSRFToken": token})
    assert edit.status == 403
    delete = rosa.request.post(url + "/delete", form={"version": "1"}, headers={"X-CSRFToken": token})
    assert delete.status == 403
    rosa.reload()
    expect(touchpoint(rosa, "First call")).to_be_visible()
    assert rosa.goto(url + "/edit").status == 403


def test_someone_not_on_the_map_gets_404_for_every_map_url(person, workshop):
    base, ids = workshop
    olly = person("outsider")
    olly.problems.allow(404)
    olly.goto(base + "/")
    expect(olly.get_by_text("You are not on any map yet")).to_be_visible()
    m, tp = ids["map"], ids["touchpoint"]
    for path in (f"/maps/{m}", f"/maps/{m}/journey", f"/maps/{m}/people", f"/maps/{m}/barriers",
                 f"/maps/{m}/silo", f"/maps/{m}/silo-map.svg", f"/maps/{m}/family",
                 f"/maps/{m}/touchpoints/{tp}", f"/maps/{m}/touchpoints/{tp}/edit", f"/maps/{m}/members",
                 f"/maps/{m}/history", f"/maps/{m}/delete"):
        assert olly.goto(base + path).status == 404, path
    olly.goto(base + "/")
    token = csrf_token(olly)
    for path, form in ((f"/maps/{m}/export", {"format": "json"}), (f"/maps/{m}/live", {"seen": "0"}),
                       (f"/maps/{m}/touchpoints", {"action": "x"}), (f"/maps/{m}/delete", {})):
        assert olly.request.post(base + path, form=form, headers={"X-CSRFToken": token}).status == 404, path


def test_joining_from_a_phone_with_the_code_on_the_projector(person, browser, workshop):
    base, ids = workshop
    fran = person("facilitator")
    fran.goto(f"{base}/maps/{ids['map']}/members")
    invite = fran.get_by_role("region", name="Invite people")
    invite.get_by_label("Joins as").select_option(label="Caseworker")
    invite.get_by_label("How many people may join with it").fill("1")
    invite.get_by_role("button", name="Make an invitation").click()
    expect(fran.get_by_role("heading", name="Join the map of Family R.")).to_be_visible()
    expect(fran.locator(".qr svg")).to_be_visible()
    code = fran.locator(".invite-code").inner_text()

    phone = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        set_timeouts(page)
        watcher = BrowserProblems()
        watcher.watch(page)
        page.goto(base + "/join")
        page.get_by_label("Code on the screen").fill(code.lower().replace("-", " "))  # as typed in a hurry
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Join the map of Family R.")).to_be_visible()
        expect(page.get_by_text("You will join as caseworker")).to_be_visible()
        page.get_by_label("Your name").fill("Dana")
        page.get_by_label("Email").fill("dana@example.org")
        page.get_by_label("Password").fill("the school is on fire")
        page.get_by_role("button", name="Make my account and join").click()
        UI(page, base).sign_in_after_sign_up("the school is on fire")
        page.get_by_role("button", name="Join this map").click()
        # A caseworker says who they are on the map, then adds a touchpoint, all on the phone.
        identity = page.locator("form.identity")
        identity.get_by_label("Which of these is you?").select_option(label="I am not listed: add me")
        identity.get_by_label("Your role").fill("School social worker")
        identity.get_by_label("Or the name of your agency, if it is not listed").fill("Lincoln School")
        identity.get_by_role("button", name="That's me").click()
        page.get_by_label("What the family had to do").fill("Meeting about attendance")
        page.get_by_role("button", name="Add to the journey").click()
        expect(page.get_by_role("status")).to_contain_text("Meeting about attendance")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
        watcher.check()
    finally:
        phone.close()
    # The invitation allowed one person: it is used up now.
    fran.goto(f"{base}/maps/{ids['map']}/members")
    expect(fran.get_by_role("region", name="Members (4)")).to_contain_text("Dana")
    expect(fran.get_by_role("region", name="Invitations")).to_contain_text("used up")
