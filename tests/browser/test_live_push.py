"""Live updates pushed over each page's stream, through gunicorn with two worker processes (the
workshop fixture): a change shows on another person's page without a reload, a paused page holds its
changes until resumed, and someone on the phone page ("My touchpoints") is listed as here."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import test_workshop
from tests.browser.test_workshop import LIVE, touchpoint

# The workshop's fixtures: gunicorn with two worker processes, and a signed-in browser per person.
workshop = test_workshop.workshop
person = test_workshop.person

pytestmark = pytest.mark.browser


def add_touchpoint(page, action: str) -> None:
    form = page.get_by_role("region", name="Add a touchpoint")
    form.get_by_label("What the family had to do").fill(action)
    form.get_by_role("button", name="Add touchpoint").click()
    expect(touchpoint(page, action)).to_be_visible()


def stream_open(page) -> None:
    """Wait until the page's stream has brought "Here now" (so it is open and heard)."""
    expect(page.locator("#live .here-now li").first).to_be_visible(timeout=LIVE)


def test_a_change_appears_on_another_page_without_a_reload(person, workshop):
    base, ids = workshop
    fran, rosa = person("facilitator"), person("caseworker")
    fran.goto(f"{base}/maps/{ids['map']}/journey")
    stream_open(fran)
    fran.evaluate("window.notReloaded = true")
    rosa.goto(f"{base}/maps/{ids['map']}/journey")
    add_touchpoint(rosa, "Called the county")
    expect(touchpoint(fran, "Called the county")).to_be_visible(timeout=LIVE)
    assert fran.evaluate("window.notReloaded") is True
    expect(fran.locator("#announcer")).to_have_text("Rosa added touchpoint “Called the county”", timeout=LIVE)


def test_a_paused_page_holds_changes_until_resumed(person, workshop):
    base, ids = workshop
    fran, rosa = person("facilitator"), person("caseworker")
    fran.goto(f"{base}/maps/{ids['map']}/journey")
    stream_open(fran)
    fran.get_by_role("button", name="Pause live updates").click()
    expect(fran.locator("#live-waiting")).to_have_text("Live updates paused.")
    rosa.goto(f"{base}/maps/{ids['map']}/journey")
    add_touchpoint(rosa, "Sent the form")
    add_touchpoint(rosa, "Sent it again")
    expect(fran.locator("#live-waiting")).to_have_text("2 changes waiting.", timeout=LIVE)
    expect(touchpoint(fran, "Sent the form")).to_have_count(0)
    fran.get_by_role("button", name="Resume live updates").click()
    expect(touchpoint(fran, "Sent it again")).to_be_visible(timeout=LIVE)
    expect(touchpoint(fran, "Sent the form")).to_be_visible()
    expect(fran.locator("#live-waiting")).to_have_text("")
    expect(fran.get_by_role("button", name="Pause live updates")).to_be_visible()


def test_someone_on_the_phone_page_is_here_now(person, workshop):
    base, ids = workshop
    fran, rosa = person("facilitator"), person("caseworker")
    rosa.set_viewport_size({"width": 390, "height": 844})
    rosa.goto(f"{base}/me/touchpoints")
    fran.goto(f"{base}/maps/{ids['map']}/people")
    here = fran.locator("#live .here-now")
    expect(here).to_contain_text("Rosa", timeout=15_000)
    expect(here).to_contain_text("Fran")


def test_a_burst_of_changes_is_one_or_two_refetches(person, workshop):
    """live.js coalesces: at most one refetch a second, asking for the newest revision announced
    (X-Live-Want), so a burst of saves costs the server a render or two of each open page."""
    base, ids = workshop
    fran, rosa = person("facilitator"), person("caseworker")
    fran.goto(f"{base}/maps/{ids['map']}/journey")
    stream_open(fran)
    refetches = []
    fran.on("request", lambda r: refetches.append(r.headers) if "x-live-refresh" in r.headers else None)
    rosa.goto(f"{base}/maps/{ids['map']}/journey")
    add_form = rosa.get_by_role("region", name="Add a touchpoint").locator("form").first
    saved = add_form.evaluate("""async (form, n) => {
        const stage = [...form.querySelectorAll('[name="stage_id"] option')].find((o) => o.value);
        const answers = await Promise.all([...Array(n).keys()].map((i) => {
          const data = new FormData(form);
          data.set("action", `Burst save ${i}`);
          if (stage) data.set("stage_id", stage.value);
          return fetch(form.getAttribute("hx-post") || form.action,
                       {method: "POST", body: data, headers: {"HX-Request": "true"}});
        }));
        return answers.filter((a) => a.ok).length;
    }""", 10)
    assert saved == 10
    for i in range(10):
        expect(touchpoint(fran, f"Burst save {i}")).to_be_visible(timeout=LIVE)
    assert 1 <= len(refetches) <= 3, len(refetches)
    assert all(int(h.get("x-live-want", "0")) > 0 for h in refetches)


def test_a_page_offline_when_a_change_comes_gets_it_once_back_online(person, workshop):
    """Offline for a moment (a phone between rooms) just as someone saves: the page hears of the
    change on its open stream but cannot fetch it; it keeps trying, and once the connection is
    back the change shows, without a reload. (A stream that drops and reconnects with
    Last-Event-ID: tests/routes/test_live_stream.py.)"""
    base, ids = workshop
    fran, rosa = person("facilitator"), person("caseworker")
    fran.goto(f"{base}/maps/{ids['map']}/journey")
    stream_open(fran)
    fran.evaluate("window.notReloaded = true")
    fran.context.set_offline(True)
    rosa.goto(f"{base}/maps/{ids['map']}/journey")
    with fran.expect_event("requestfailed", timeout=LIVE):
        add_touchpoint(rosa, "Added while Fran was offline")
    expect(touchpoint(fran, "Added while Fran was offline")).to_have_count(0)
    fran.context.set_offline(False)
    expect(touchpoint(fran, "Added while Fran was offline")).to_be_visible(timeout=LIVE)
    assert fran.evaluate("window.notReloaded") is True
    # The failures while offline were the point of the test, not a problem of the app.
    fran.problems.seen = [seen for seen in fran.problems.seen if "ERR_INTERNET_DISCONNECTED" not in seen]
