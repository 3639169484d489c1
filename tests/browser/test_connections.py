"""Connections in the browser: an introduction recorded from the list leaves it, shows on the silo
map with "Show introductions made" on, and the brief says who knows each other (issue 10, point 3)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_introduction_recorded_from_the_list(ui, app_page, live_server):
    page = app_page
    ui.start_map("Family C.")
    ui.nav("Agencies & caseworkers")
    ui.add_agency("County Housing")
    ui.add_agency("Lincoln School")
    ui.add_caseworker("Ada", "Intake worker", agency="County Housing")
    ui.add_caseworker("Bo", "School nurse", agency="Lincoln School")

    ui.nav("Connections")
    expect(page.get_by_text("0 of the 1 pair of people holding a file have been in touch.")).to_be_visible()
    to_make = page.locator("#to-make-cw > li")
    expect(to_make).to_have_count(1)
    to_make.get_by_role("link", name="Record that they were introduced").click()
    form = page.locator("#introduction-new")
    expect(form.get_by_label("Caseworker", exact=True)).to_have_value(
        form.get_by_label("Caseworker", exact=True).locator("option", has_text="Ada").get_attribute("value"))
    form.get_by_label("When").fill("2026-11-16")
    form.get_by_role("radio", name="Phone").check()
    form.get_by_role("button", name="Record introduction").click()

    expect(page.locator("#to-make-cw > li")).to_have_count(0)
    expect(page.get_by_text("1 of the 1 pair of people holding a file has been in touch.")).to_be_visible()
    made = page.locator("#introductions li.item")
    expect(made).to_have_count(1)
    expect(made).to_contain_text("Phone")

    # On the silo map, only with the toggle on.
    ui.nav("Silo map")
    toggle = page.get_by_label("Show introductions made")
    expect(toggle).not_to_be_checked()
    toggle.check()
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_label("Show introductions made")).to_be_checked()
    src = page.locator("#silo-image").get_attribute("src")
    assert "introductions=show" in src
    drawing = page.request.get(live_server + src)
    assert "introduced: phone" in drawing.text()

    # The brief says who knows each other, and who is at the table.
    ui.nav("Brief")
    brief = page.locator(".brief-connections")
    expect(brief).to_contain_text("Who is at the table")
    expect(brief).to_contain_text("1 of the 1 pair of people holding a file has been in touch.")
    expect(brief).to_contain_text("Nobody at the table from")
