"""By keyboard alone: after every in-place change the focus lands somewhere that makes sense, Escape
closes an edit form (asking first when something was typed), and each change is said in the
polite live region."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def edit_link(page, what: str):
    return page.get_by_role("link", name=f"Edit {what}", exact=True)


def press_on(locator, key: str = "Enter") -> None:
    """Moves the keyboard's focus to `locator` (as Tab would, without counting the stops) and presses."""
    locator.focus()
    locator.page.keyboard.press(key)


def mark_page(page) -> None:
    page.evaluate("window.__marker = 1")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def journey_with(ui, *actions: str):
    ui.start_map("Family K.")
    ui.nav("Journey")
    ui.page.wait_for_url(re.compile(r"/journey$"))
    ui.page.wait_for_load_state()  # htmx is ready: Enter in a form swaps in place
    for action in actions:
        ui.add_touchpoint(action)
    mark_page(ui.page)
    return ui.page


def test_cancel_returns_focus_to_the_items_edit_control(ui, problems):
    page = journey_with(ui, "Call the utility", "Visit the food bank")
    press_on(edit_link(page, "Call the utility"))
    field = page.get_by_label("What the family had to do").first
    expect(field).to_be_focused()
    press_on(page.get_by_role("link", name="Cancel"))
    expect(edit_link(page, "Call the utility")).to_be_focused()
    assert_not_reloaded(page)
    problems.check()


def test_cancel_on_a_stage_edit_stays_on_the_page(ui, problems):
    ui.start_map("Family K.")
    ui.nav("Journey")
    ui.add_stage("Finding housing")
    ui.add_stage("Applying for benefits")
    page = ui.page
    mark_page(page)
    press_on(edit_link(page, "stage Applying for benefits"))
    expect(page.get_by_label("Stage name").first).to_be_focused()
    press_on(page.get_by_role("link", name="Cancel"))
    expect(edit_link(page, "stage Applying for benefits")).to_be_focused()
    # Shown alone, the stage still knows its place in the journey.
    expect(page.get_by_role("heading", name="2 Applying for benefits")).to_be_visible()
    assert_not_reloaded(page)
    problems.check()


def test_escape_closes_an_untouched_edit_form(ui, problems):
    page = journey_with(ui, "Call the utility")
    press_on(edit_link(page, "Call the utility"))
    expect(page.get_by_label("What the family had to do").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(edit_link(page, "Call the utility")).to_be_focused()
    expect(page.locator("li.touchpoint.editing")).to_have_count(0)
    assert_not_reloaded(page)
    problems.check()


def test_escape_asks_before_throwing_away_what_was_typed(ui, problems):
    page = journey_with(ui, "Call the utility")
    press_on(edit_link(page, "Call the utility"))
    field = page.locator("li.touchpoint.editing").get_by_label("What the family had to do")
    expect(field).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(", twice")
    page.keyboard.press("Escape")

    question = page.get_by_role("group", name="Discard your changes?")
    keep = question.get_by_role("button", name="Keep editing")
    expect(keep).to_be_focused()
    page.keyboard.press("Enter")  # keep editing: back in the field, the text as typed
    expect(question).to_have_count(0)
    expect(field).to_be_focused()
    expect(field).to_have_value("Call the utility, twice")

    page.keyboard.press("Escape")
    expect(keep).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(question.get_by_role("button", name="Discard")).to_be_focused()
    page.keyboard.press("Enter")
    expect(edit_link(page, "Call the utility")).to_be_focused()
    expect(page.locator("p.tp-action")).to_have_text(["Call the utility"])
    assert_not_reloaded(page)
    problems.check()


def test_a_saved_edit_is_announced_and_focus_is_on_its_edit_control(ui, problems):
    page = journey_with(ui, "Call the utility")
    press_on(edit_link(page, "Call the utility"))
    expect(page.locator("li.touchpoint.editing").get_by_label("What the family had to do")).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(", twice")
    page.keyboard.press("Enter")
    expect(edit_link(page, "Call the utility, twice")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Touchpoint saved: Call the utility, twice")
    problems.check()


def test_an_added_item_gets_the_focus_and_is_announced(ui, problems):
    page = journey_with(ui)
    form = ui.touchpoint_form()
    press_on(form.get_by_label("What the family had to do"), "W")
    page.keyboard.type("ent to the food bank")
    page.keyboard.press("Enter")
    expect(edit_link(page, "Went to the food bank")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Touchpoint added: Went to the food bank")
    assert_not_reloaded(page)
    problems.check()


def test_delete_moves_focus_to_the_next_item_then_the_one_before_then_the_heading(ui, problems):
    page = journey_with(ui, "First thing", "Second thing", "Third thing")
    page.on("dialog", lambda dialog: dialog.accept())  # "Delete …? This cannot be undone."

    press_on(page.get_by_role("button", name="Delete touchpoint Second thing"))
    expect(edit_link(page, "Third thing")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Touchpoint deleted: Second thing")

    press_on(page.get_by_role("button", name="Delete touchpoint Third thing"))
    expect(edit_link(page, "First thing")).to_be_focused()

    press_on(page.get_by_role("button", name="Delete touchpoint First thing"))
    heading = page.locator(":focus")
    expect(heading).to_have_count(1)
    expect(heading).to_have_text(re.compile("^(Not in a stage yet|The journey)$"))
    expect(page.locator("li.touchpoint")).to_have_count(0)
    assert_not_reloaded(page)
    problems.check()


def test_a_move_keeps_focus_on_the_same_button_and_is_announced(ui, problems):
    page = journey_with(ui, "First thing", "Second thing")
    later = page.get_by_role("button", name=re.compile(r"^Later\s*:\s*First thing$"))
    press_on(later)
    expect(page.locator("p.tp-action")).to_have_text(["Second thing", "First thing"])
    expect(later).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Touchpoint moved later: First thing")
    problems.check()


def test_barriers_page_does_not_scroll_sideways_at_320_px(ui, problems):
    """A long category tag ("Getting there (distance, hours, transport)") wraps instead of
    pushing the page wider than a small phone (WCAG 1.4.10, reflow)."""
    page = ui.page
    ui.start_map("Family K.")
    ui.nav("Barriers")
    form = page.get_by_role("region", name="Add a barrier")
    form.get_by_role("textbox", name=re.compile("^Barrier")).fill("Two buses to every office")
    form.get_by_label("Category").select_option(label="Getting there (distance, hours, transport)")
    form.get_by_role("button", name="Add barrier").click()
    expect(page.locator("li.barrier")).to_have_count(1)
    page.set_viewport_size({"width": 320, "height": 700})
    expect(page.locator("li.barrier .tag").first).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"
    problems.check()


def test_deleting_a_barrier_moves_focus_to_the_next_one(ui, problems):
    """The same from a list whose item simply disappears (no region redrawn around it)."""
    page = ui.page
    ui.start_map("Family K.")
    ui.nav("Barriers")
    form = page.get_by_role("region", name="Add a barrier")
    for title in ("Bus fare", "Office hours"):  # the newest is listed first
        form.get_by_role("textbox", name=re.compile("^Barrier")).fill(title)
        form.get_by_role("button", name="Add barrier").click()
        expect(edit_link(page, title)).to_be_focused()
    page.on("dialog", lambda dialog: dialog.accept())
    press_on(page.get_by_role("button", name="Delete barrier Office hours"))
    expect(edit_link(page, "Bus fare")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Barrier deleted: Office hours")
    problems.check()
