"""The journey page: reordering with the keyboard alone, and a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _move_button(page, direction: str, action: str):
    # The visible word, then the touchpoint for screen readers ("Later: First thing"); Playwright
    # computes the name with a space before the colon, so allow spacing around it.
    return page.get_by_role("button", name=re.compile(rf"^{direction}\s*:\s*{re.escape(action)}$"))


def _focused_item_id(page) -> str | None:
    return page.evaluate("document.activeElement?.closest('li.touchpoint')?.id ?? null")


def test_reorder_with_keyboard_only(ui, app_page, problems):
    page = app_page
    ui.start_map("Family R.")
    ui.nav("Journey")
    ui.add_touchpoint("First thing")
    ui.add_touchpoint("Second thing")
    order = page.locator("#journey-region li.touchpoint .tp-action")
    expect(order).to_have_text(["First thing", "Second thing"])
    first_id = ui.touchpoint("First thing").get_attribute("id")
    page.evaluate("window.__marker = 1")

    # From "Earlier" of the first touchpoint, Tab reaches its "Later"; Enter presses it.
    _move_button(page, "Earlier", "First thing").focus()
    page.keyboard.press("Tab")
    expect(_move_button(page, "Later", "First thing")).to_be_focused()
    page.keyboard.press("Enter")

    expect(order).to_have_text(["Second thing", "First thing"])
    expect(page.locator(f"#{first_id} button:focus")).to_have_count(1)
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    assert page.evaluate("window.__marker") == 1, "reordering reloaded the page"

    # And back: Shift+Tab to "Earlier" of the same touchpoint, Enter. A person sees the swap
    # finish first; a keystroke sent while htmx is still settling it would have its focus undone.
    expect(_move_button(page, "Later", "First thing")).to_be_focused()
    expect(page.locator(".htmx-added, .htmx-settling")).to_have_count(0)
    page.keyboard.press("Shift+Tab")
    expect(_move_button(page, "Earlier", "First thing")).to_be_focused()
    page.keyboard.press("Enter")
    expect(order).to_have_text(["First thing", "Second thing"])
    expect(page.locator(f"#{first_id} button:focus")).to_have_count(1)
    assert _focused_item_id(page) == first_id
    problems.check()


def test_phone_width(ui, app_page, problems):
    page = app_page
    page.set_viewport_size({"width": 390, "height": 844})
    ui.start_map("Family R.", situation="The power was shut off in January.")
    ui.nav("Agencies & caseworkers")
    ui.add_agency("County Department of Health and Human Services", sector="County")
    ui.nav("Journey")
    ui.add_stage("Asking for help")
    ui.add_touchpoint(
        "Apply for emergency energy assistance and bring every document again",
        place="County office on the other side of town",
        agency="County Department of Health and Human Services",
    )
    page.reload()
    expect(page.get_by_role("heading", name="The journey", level=1)).to_be_visible()
    sizes = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert sizes["scroll"] <= sizes["inner"] + 1, f"the journey page scrolls sideways at 390 px: {sizes}"
    problems.check()
