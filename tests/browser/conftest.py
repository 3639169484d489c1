"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Each test gets its own server on a free port with a fresh database: an SQLite file, or on the
PostgreSQL pass a copy of the session's migrated database (tests/databases.py). CSRF stays enabled,
as in real use. Every page a test opens reports console errors, page errors, failed requests and
error responses; a test fails if any happened that it did not say it expected.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from journeymap.extensions import db
from tests.apps import FAST_HASHING, make_app

# Debian's Chromium where it is installed; otherwise (Ubuntu) the one `playwright install` put in
# place, which scripts/setup.sh's playwright_chromium arranges.
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        **({"executable_path": CHROMIUM} if CHROMIUM else {}),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# The database of each test's live server, by the test's tmp_path, for give_map to write into.
_LIVE_DATABASES: dict[Path, str] = {}


def give_map(tmp_path, email: str, make) -> int:
    """A map made by `make()` straight in the live server's database, with the account `email` as
    its facilitator: a demo or synthetic map is not something anyone types in through the browser.
    Returns its id."""
    from sqlalchemy import select

    from journeymap.models import Membership, User

    assert tmp_path in _LIVE_DATABASES, "give_map writes into the live_server's database: use live_server"
    app = make_app(tmp_path / "seed-instance", {"TESTING": True, "SECRET_KEY": "x",
                                                "SQLALCHEMY_DATABASE_URI": _LIVE_DATABASES[tmp_path]})
    with app.app_context():
        journey_map = make()
        db.session.flush()
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.add(Membership(map_id=journey_map.id, user_id=user_id, role="facilitator"))
        db.session.commit()
        map_id = journey_map.id
        db.engine.dispose()
    return map_id


@pytest.fixture
def live_server(tmp_path, fresh_database):
    """The app on 127.0.0.1:<free port>, fresh database; yields the base URL."""
    app = make_app(tmp_path / "instance", {
        "TESTING": True,
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": fresh_database,
        "PASSWORD_HASH_PARAMS": FAST_HASHING,
    })
    with app.app_context():
        db.create_all()  # SQLite; a PostgreSQL copy has its tables already, and this leaves them
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _LIVE_DATABASES[tmp_path] = fresh_database
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        del _LIVE_DATABASES[tmp_path]
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@dataclass
class BrowserProblems:
    """What went wrong in the browser while a test ran, as readable lines."""

    seen: list[str] = field(default_factory=list)
    # (status, path regex) pairs a test expects, e.g. a 422 when it submits an invalid form.
    allowed: list[tuple[int, re.Pattern]] = field(default_factory=list)

    def allow(self, status: int, path: str = r".*") -> None:
        self.allowed.append((status, re.compile(path)))

    def _is_allowed(self, status: int, url: str) -> bool:
        return any(s == status and p.search(url) for s, p in self.allowed)

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.seen.append(f"pageerror: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        # Chromium logs every error response as "Failed to load resource: ... status of 422 (...)";
        # an expected one is already checked by the response handler.
        status = re.search(r"status of (\d{3})", text)
        url = message.location.get("url", "") if message.location else ""
        if status and self._is_allowed(int(status.group(1)), url):
            return
        self.seen.append(f"console error: {text} (at {url or 'unknown'})")

    def _on_request_failed(self, request) -> None:
        failure = request.failure or ""
        # A form POST answered with an attachment becomes a download, and Chromium reports the
        # navigation itself as aborted; the download is what the test checks.
        downloads = ("/export", ".pdf")
        if "ERR_ABORTED" in failure and request.method == "POST" and request.url.endswith(downloads):
            return
        # Leaving a page while its live check (a POST every second) is in flight aborts that check.
        if "ERR_ABORTED" in failure and request.method == "POST" and request.url.endswith("/live"):
            return
        # A live stream never finishes: leaving the page (or closing the browser) always aborts it.
        if "ERR_ABORTED" in failure and request.method == "GET" and "/events" in request.url \
                and request.resource_type == "eventsource":
            return
        # Leaving a page while it fetches itself again after someone's change (live refresh) aborts
        # that fetch; the page the test goes on to check is the next one.
        if "ERR_ABORTED" in failure and request.headers.get("x-live-refresh"):
            return
        # Leaving a page cancels its icon and images still loading: not a failure of the app.
        # A navigation is aborted when another one starts before it finished (a click, then a
        # link): the page the test goes on to check is the later one.
        left = ("document", "image", "stylesheet", "script", "other")
        if "ERR_ABORTED" in failure and request.resource_type in left:
            return
        self.seen.append(f"request failed: {request.method} {request.url}: {failure}")

    def _on_response(self, response) -> None:
        if response.status >= 400 and not self._is_allowed(response.status, response.url):
            self.seen.append(f"response {response.status}: {response.request.method} {response.url}")

    def check(self) -> None:
        """Fail with every problem seen since the last check."""
        seen, self.seen = self.seen, []
        assert seen == [], "the browser reported problems:\n" + "\n".join(seen)


@pytest.fixture
def problems(page):
    """Watches the `page` fixture; call `problems.watch(other_page)` for pages of other contexts.

    Tests call `problems.check()` at the end; anything reported after that fails at teardown.
    """
    found = BrowserProblems()
    found.watch(page)
    yield found
    found.check()


# ms. Finding an element, or an action on one: short, so a missing element fails fast.
ELEMENT_TIMEOUT = 5_000
# ms. Loading a page. The server lays out big drawings while it answers: a CI run on a loaded
# machine failed a 5 s goto of the 500-touchpoint journey view. A page that never loads still fails.
NAVIGATION_TIMEOUT = 60_000


def set_timeouts(page):
    """Short waits for elements, generous ones for navigations."""
    page.set_default_timeout(ELEMENT_TIMEOUT)
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT)
    return page


def until(page, script: str, arg=None, *, seconds: float = 5.0):
    """Poll a script in the page until it is truthy, and return its last value
    (page.wait_for_function evaluates a string, which our CSP blocks). The pause between polls lets
    Playwright deliver the page's events meanwhile; the wait ends as soon as the condition holds."""
    deadline = time.monotonic() + seconds
    while True:
        value = page.evaluate(script, arg)
        if value or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(50)


@pytest.fixture
def app_page(page, live_server, problems):
    """A watched page: a missing element fails fast, a big page has time to load."""
    return set_timeouts(page)


class UI:
    """The user's steps, through the same labels and buttons a person uses."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def nav(self, text: str) -> None:
        nav = self.page.get_by_role("navigation", name="This map")
        link = nav.get_by_role("link", name=text, exact=True)
        # On a phone the map's pages are in a menu (templates/maps/_layout.html): open it first.
        if not link.is_visible():
            nav.locator("summary").click()
        link.click()
        # The heading shows before the deferred scripts run; a form sent before htmx is ready would
        # be a plain post and a new page (seen once on a busy machine). They run before this event.
        self.page.wait_for_load_state("domcontentloaded")

    def sign_up(self, name: str = "Fran", email: str = "fran@example.org",
                password: str = "a long enough password") -> None:
        page = self.page
        page.goto(self.url("/sign-up"))
        page.get_by_label("Your name").fill(name)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Make my account").click()
        # Sign-up never signs anyone in (it would tell who already had an account): sign in.
        self.sign_in_after_sign_up(password)
        page.get_by_role("heading", name="Start from one family").wait_for()

    def sign_in_after_sign_up(self, password: str) -> None:
        """On the page that answers a sign-up: the email is filled in; type the password again."""
        page = self.page
        page.get_by_role("status").filter(has_text="Did you already have an account").wait_for()
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    def start_map(self, pseudonym: str = "Family R.", situation: str = "", hopes: str = "") -> str:
        """Start a map from the front page; returns the family page's URL."""
        page = self.page
        page.goto(self.url("/"))
        page.get_by_role("link", name="Start a new map").click()
        page.get_by_label("Family pseudonym").fill(pseudonym)
        if situation:
            page.get_by_label("Their situation, in their own words").fill(situation)
        if hopes:
            page.get_by_label("What they hope for").fill(hopes)
        page.get_by_role("button", name="Start the map").click()
        page.wait_for_url(re.compile(r"/maps/\d+$"))
        return page.url

    def agency_card(self, name: str):
        return self.page.locator("#agencies > li").filter(
            has=self.page.get_by_role("heading", name=re.compile("^" + re.escape(name)))
        )

    def add_agency(self, name: str, sector: str = "County") -> None:
        """On the agencies page, with the side form."""
        form = self.page.get_by_role("region", name="Add an agency")
        form.get_by_label("Agency name").fill(name)
        form.get_by_label("Sector").select_option(label=sector)
        form.get_by_role("button", name="Add agency").click()
        self.agency_card(name).wait_for()

    def add_caseworker(self, name: str, role: str, agency: str) -> None:
        form = self.page.get_by_role("region", name="Add a caseworker")
        form.get_by_label("Name", exact=True).fill(name)
        form.get_by_label("Role", exact=True).fill(role)
        form.get_by_label("Agency", exact=True).select_option(label=agency)
        form.get_by_role("button", name="Add caseworker").click()
        self.agency_card(agency).locator("li.item", has_text=name).wait_for()

    def touchpoint_form(self):
        return self.page.get_by_role("region", name="Add a touchpoint")

    def touchpoint(self, action: str):
        return self.page.locator("li.touchpoint").filter(
            has=self.page.locator("p.tp-action", has_text=re.compile("^" + re.escape(action) + "$"))
        )

    def add_stage(self, name: str) -> None:
        form = self.page.get_by_role("region", name="Add a stage")
        form.get_by_label("Stage name").fill(name)
        form.get_by_role("button", name="Add stage").click()
        self.page.get_by_role("heading", name=re.compile(re.escape(name) + "$")).wait_for()

    def add_touchpoint(
        self, action: str, place: str = "", agency: str | None = None, caseworker: str | None = None
    ) -> None:
        form = self.touchpoint_form()
        form.get_by_label("What the family had to do").fill(action)
        form.get_by_label("Where they had to go").fill(place)
        if agency:
            form.get_by_role("combobox", name="Agency", exact=True).select_option(label=agency)
        if caseworker:
            form.get_by_role("combobox", name="Caseworker", exact=True).select_option(label=caseworker)
        form.get_by_role("button", name="Add touchpoint").click()
        self.touchpoint(action).wait_for()


@pytest.fixture
def ui(app_page, live_server):
    """The user's steps, signed up and in as a new facilitator."""
    steps = UI(app_page, live_server)
    steps.sign_up()
    return steps
