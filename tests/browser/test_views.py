"""The journey view page at a big map (the drawing scrolls in its frame, from the keyboard too)
and the presentation view (its pictures load)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from journeymap.extensions import db
from journeymap.samples import demo
from journeymap.samples.synth import synth_map
from tests.browser.conftest import give_map, until

pytestmark = pytest.mark.browser


def test_big_journey_view_scrolls_in_its_frame_from_the_keyboard(ui, app_page, tmp_path, problems):
    page = app_page
    map_id = give_map(tmp_path, "fran@example.org", lambda: synth_map(
        db.session, agencies=100, caseworkers_per_agency=5, touchpoints=500, barriers=200))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(ui.url(f"/maps/{map_id}/journey-view"))
    frame = page.get_by_role("region", name="Journey view drawing, scrollable")
    expect(frame).to_be_visible()

    # The drawing keeps its size (cards stay readable) and the frame, not the page, scrolls.
    sizes = page.evaluate("""() => {
        const f = document.getElementById('jv-frame'), svg = f.querySelector('svg');
        return {sw: f.scrollWidth, cw: f.clientWidth, sh: f.scrollHeight, ch: f.clientHeight,
                svgw: svg.getBoundingClientRect().width, attr: +svg.getAttribute('width'),
                page: document.documentElement.scrollWidth, win: window.innerWidth};
    }""")
    assert sizes["svgw"] == pytest.approx(sizes["attr"], abs=1)
    assert sizes["sw"] > 3 * sizes["cw"] and sizes["sh"] > 3 * sizes["ch"]
    assert sizes["page"] <= sizes["win"]

    # Keyboard: Tab from the last link before the drawing lands on the frame, with a visible
    # focus ring; the arrow keys and Page Down scroll it both ways.
    page.get_by_role("link", name="Present it (de-identified)").focus()
    page.keyboard.press("Tab")
    expect(frame).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("PageDown")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert until(page, "document.getElementById('jv-frame').scrollTop > 100")
    assert until(page, "document.getElementById('jv-frame').scrollLeft > 100")
    assert page.evaluate("window.scrollX") == 0
    # Scrolled deep into the drawing, the lane names and the stage row are still in view.
    edges = page.evaluate("""() => {
        const f = document.getElementById('jv-frame').getBoundingClientRect();
        const lanes = document.querySelector('.pin-lanes').getBoundingClientRect();
        const stages = document.querySelector('.pin-stages').getBoundingClientRect();
        return {left: lanes.left - f.left, top: stages.top - f.top};
    }""")
    assert 0 <= edges["left"] <= 2 and 0 <= edges["top"] <= 2
    problems.check()


def test_present_page_shows_its_pictures(ui, app_page, tmp_path, problems):
    page = app_page
    map_id = give_map(tmp_path, "fran@example.org", demo.load_demo)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(ui.url(f"/maps/{map_id}/present"))
    loaded = "(() => { const i = document.querySelector('figure img');" \
             " return i.complete && i.naturalWidth })()"
    assert until(page, loaded) > 0
    # Whole on screen: the picture fits the window, no scrolling.
    box = page.locator("figure img").bounding_box()
    assert box["y"] + box["height"] <= 1080 and box["x"] + box["width"] <= 1920
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920

    page.get_by_label("Show", exact=True).select_option("journey")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url("**show=journey**")
    assert until(page, loaded) > 0
    expect(page.get_by_role("region", name="Journey view at full size, scrollable")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the map")).to_be_visible()
    problems.check()


def test_a_long_list_of_owners_opens_on_demand_from_the_keyboard(ui, app_page, tmp_path, problems):
    """80 agencies and caseworkers: each card asks for its owner form instead of carrying them."""
    page = app_page
    map_id = give_map(tmp_path, "fran@example.org", lambda: synth_map(
        db.session, agencies=20, caseworkers_per_agency=3, touchpoints=20, barriers=6))
    page.goto(ui.url(f"/maps/{map_id}/barriers"))
    card = page.locator(f"#{page.locator('li.barrier.is-unowned').first.get_attribute('id')}")
    title = card.get_by_role("heading").inner_text()
    assert page.locator("li.barrier select[name=owner]").count() == 0

    chooser = card.get_by_role("button", name=f"Choose an owner for {title}")
    chooser.focus()
    page.keyboard.press("Enter")
    choices = card.get_by_label("Whose job is it to fix this?")
    expect(choices).to_be_focused()
    # Changed their mind: Close (after "Record owner") gives the button back, with the focus.
    expect(page.locator(".htmx-added, .htmx-settling")).to_have_count(0)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(card.get_by_role("link", name="Close")).to_be_focused()
    page.keyboard.press("Enter")
    expect(chooser).to_be_focused()
    expect(page.locator(".htmx-added, .htmx-settling")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(choices).to_be_focused()
    assert choices.locator("option").count() == 1 + 80  # the prompt, then everyone
    agency = choices.locator("optgroup[label=Agencies] option").first.inner_text()
    choices.select_option(label=agency)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Record owner"
    expect(card.get_by_role("status")).to_contain_text("Owner recorded")
    expect(card).to_contain_text(agency)
    expect(card).not_to_have_class(re.compile("is-unowned"))
    problems.check()
