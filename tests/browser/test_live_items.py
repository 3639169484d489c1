"""Someone else's save reaches an open page as the item it touched, not as the page again
(issue 14, point 1), through gunicorn with two worker processes (the workshop fixture): added,
changed, moved and deleted touchpoints and barriers land where the page's own order puts them, a
form in use stays as it is, and a change the page cannot take item by item brings the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import test_workshop
from tests.browser.test_live_push import add_touchpoint, stream_open
from tests.browser.test_workshop import LIVE, touchpoint

workshop = test_workshop.workshop
person = test_workshop.person

pytestmark = pytest.mark.browser


def fetches(page) -> dict[str, list[str]]:
    """The live fetches a page makes from now on: of items, and of the whole page."""
    seen = {"items": [], "whole": []}

    def note(request):
        if "x-live-refresh" in request.headers:
            seen["items" if "/live/items" in request.url else "whole"].append(request.url)

    page.on("request", note)
    return seen


def add_barrier(page, title: str, at_step: str | None = None) -> None:
    """Add a barrier from the barriers page's form (linked to one step, if named)."""
    form = page.get_by_role("region", name="Add a barrier")
    form.get_by_role("textbox", name=re.compile(r"^Barrier")).fill(title)
    if at_step:
        form.get_by_role("checkbox", name=at_step).check()
    form.get_by_role("button", name="Add barrier").click()
    expect(page.locator("#barriers")).to_contain_text(title)


def actions_in(page, list_id: str) -> list[str]:
    return page.locator(f"#{list_id} > li.touchpoint p.tp-action").all_inner_texts()


def test_touchpoints_added_changed_moved_and_deleted_arrive_one_by_one(person, workshop):
    base, ids = workshop
    fran, rosa = person("facilitator"), person("caseworker")
    journey = f"{base}/maps/{ids['map']}/journey"
    fran.goto(journey)
    stream_open(fran)
    fran.evaluate("window.notReloaded = true")
    # Fran is typing a touchpoint of her own meanwhile: it must stay exactly as it is.
    fran.get_by_role("region", name="Add a touchpoint").get_by_label("What the family had to do").fill(
        "Fran's half-typed step")
    seen = fetches(fran)
    stage_list = fran.locator("ol.touchpoints").first.get_attribute("id")

    rosa.goto(journey)
    add_touchpoint(rosa, "Rosa called back")
    expect(touchpoint(fran, "Rosa called back")).to_be_visible(timeout=LIVE)
    assert actions_in(fran, stage_list) == ["First call", "Rosa called back"]

    # Changed: the card is redrawn in place.
    card = rosa.locator("#" + touchpoint(rosa, "Rosa called back").get_attribute("id"))
    card.get_by_role("link", name="Edit Rosa called back").click()
    card.get_by_label("What the family had to do").fill("Rosa called back twice")
    card.get_by_role("button", name="Save touchpoint").click()
    expect(touchpoint(rosa, "Rosa called back twice")).to_be_visible()
    expect(touchpoint(fran, "Rosa called back twice")).to_be_visible(timeout=LIVE)

    # Moved earlier: the page's order follows.
    touchpoint(rosa, "Rosa called back twice").get_by_role("button", name="Earlier").click()
    expect(rosa.locator(f"#{stage_list} > li.touchpoint").first).to_contain_text("Rosa called back twice")
    expect(fran.locator(f"#{stage_list} > li.touchpoint").first).to_contain_text(
        "Rosa called back twice", timeout=LIVE)
    assert actions_in(fran, stage_list) == ["Rosa called back twice", "First call"]

    # Deleted: gone.
    rosa.on("dialog", lambda dialog: dialog.accept())  # "Delete …? This cannot be undone."
    rosa.get_by_role("button", name="Delete touchpoint Rosa called back twice").click()
    expect(touchpoint(rosa, "Rosa called back twice")).to_have_count(0)
    expect(touchpoint(fran, "Rosa called back twice")).to_have_count(0, timeout=LIVE)

    assert seen["items"], "no item was fetched"
    assert seen["whole"] == [], f"the page was fetched whole: {seen['whole']}"
    assert fran.evaluate("window.notReloaded") is True
    expect(fran.get_by_role("region", name="Add a touchpoint").get_by_label(
        "What the family had to do")).to_have_value("Fran's half-typed step")


def test_a_barrier_added_on_the_barriers_page_arrives_alone_and_a_stage_brings_the_page(person, workshop):
    base, ids = workshop
    fran, other = person("facilitator"), person("facilitator")  # the facilitator on two screens
    fran.goto(f"{base}/maps/{ids['map']}/barriers")
    stream_open(fran)
    seen = fetches(fran)
    other.goto(f"{base}/maps/{ids['map']}/barriers")
    add_barrier(other, "No bus on Sundays")
    expect(fran.locator("#barriers")).to_contain_text("No bus on Sundays", timeout=LIVE)
    assert seen["items"] and seen["whole"] == []
    # In the page's own order (those no one owns first), as a page loaded now shows it.
    ids_of = "(items) => items.map((li) => li.id)"
    shown = fran.locator("#barriers > li.barrier").evaluate_all(ids_of)
    other.reload()
    assert shown == other.locator("#barriers > li.barrier").evaluate_all(ids_of)

    # A stage is not an item the journey page takes one by one: the page fetches itself.
    fran.goto(f"{base}/maps/{ids['map']}/journey")
    stream_open(fran)
    seen = fetches(fran)
    other.goto(f"{base}/maps/{ids['map']}/journey")
    stage_form = other.get_by_role("region", name="Add a stage")
    stage_form.get_by_label("Stage name").fill("Waiting")
    stage_form.get_by_role("button", name="Add stage").click()
    expect(fran.get_by_role("heading", name="Waiting")).to_be_visible(timeout=LIVE)
    assert seen["whole"]


def test_a_barrier_linked_to_a_step_shows_on_that_step_of_an_open_journey(person, workshop):
    base, ids = workshop
    fran, other = person("facilitator"), person("facilitator")
    fran.goto(f"{base}/maps/{ids['map']}/journey")
    stream_open(fran)
    seen = fetches(fran)
    other.goto(f"{base}/maps/{ids['map']}/barriers")
    add_barrier(other, "No heat at night", at_step="First call")
    here = touchpoint(fran, "First call").get_by_role("list", name="Barriers here")
    expect(here).to_contain_text("No heat at night", timeout=LIVE)
    assert seen["items"] and seen["whole"] == []
