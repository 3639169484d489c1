"""Closing a map while someone is typing: their page learns it at once (the banner arrives with the
live refresh, their form stays as they left it), and saving says why nothing was saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import set_timeouts

pytestmark = pytest.mark.browser


def test_a_page_open_when_the_map_closes_keeps_the_typing_and_says_why_it_cannot_save(
        ui, app_page, problems):
    page = app_page
    problems.allow(409, r"/maps/\d+/touchpoints/\d+/edit$")
    overview = ui.start_map("Family R.")
    ui.nav("Journey")
    ui.add_touchpoint("Call the utility", place="Phone line")
    item = page.locator("#" + ui.touchpoint("Call the utility").get_attribute("id"))
    item.get_by_role("link", name="Edit Call the utility").click()
    item.get_by_label("What the family had to do").fill("Called the utility twice")

    # The facilitator closes the map from another tab.
    other = page.context.new_page()
    set_timeouts(other)
    problems.watch(other)
    other.goto(overview + "/close")
    other.get_by_role("button", name="Close this map").click()
    expect(other.get_by_role("region", name="This map is closed")).to_be_visible()

    banner = page.get_by_role("region", name="This map is closed")
    # Brought by the live refresh: the change event at once, or at the latest the stream's next
    # check (every 15 s) ends it as closed, if the hub missed the notice while reconnecting.
    expect(banner).to_contain_text("A facilitator can reopen it until", timeout=25_000)
    expect(item.get_by_label("What the family had to do")).to_have_value("Called the utility twice")
    expect(page.get_by_role("region", name="Add a touchpoint")).to_have_count(0)

    item.get_by_role("button", name="Save touchpoint").click()
    refusal = page.locator("#main > .closed-refusal")
    expect(refusal).to_contain_text("This map is closed, so it can no longer be changed.")
    expect(item.get_by_label("What the family had to do")).to_have_value("Called the utility twice")

    # Reopened, the page offers changes again.
    other.get_by_role("button", name="Reopen this map").click()
    expect(other.get_by_role("region", name="This map is closed")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("region", name="Add a touchpoint")).to_be_visible()
    problems.check()
