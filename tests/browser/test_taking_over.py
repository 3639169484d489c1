"""Turnover in the browser: a caseworker leaves with nothing passed on, and the new one, joining by
invitation, says "I am taking over from …" on "Which of these is you?" (issue 10, point 2)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import UI, BrowserProblems, set_timeouts

pytestmark = pytest.mark.browser


def test_a_new_caseworker_takes_over_from_one_who_left(ui, app_page, live_server, browser):
    page, base = app_page, live_server
    ui.start_map("Family T.")
    map_url = page.url

    # Ada, the county's intake worker, holds a file and then leaves with nothing passed on.
    ui.nav("Agencies & caseworkers")
    ui.add_agency("County Human Services")
    ui.add_caseworker("Ada", "Intake worker", agency="County Human Services")
    ada = ui.agency_card("County Human Services").locator("li.item", has_text="Ada")
    ada.get_by_role("link", name="Edit Ada").click()
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Edit caseworker"))
    form.get_by_role("radio", name="Left").check()
    form.get_by_label("Left on").fill("2026-10-30")
    form.get_by_label("What was passed on").select_option(label="Nothing passed on")
    form.get_by_role("button", name="Save caseworker").click()
    expect(ui.agency_card("County Human Services").locator("li.item", has_text="Ada")).to_contain_text(
        "Nobody is recorded as taking over.")

    # An invitation for one caseworker.
    ui.nav("Members")
    invite = page.get_by_role("region", name="Invite people")
    invite.get_by_label("Joins as").select_option(label="Caseworker")
    invite.get_by_label("How many people may join with it").fill("1")
    invite.get_by_role("button", name="Make an invitation").click()
    code = page.locator(".invite-code").inner_text()

    # Casey joins on a phone and is offered to take over from Ada, who is marked as having left.
    phone = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    try:
        casey = set_timeouts(phone.new_page())
        watcher = BrowserProblems()
        watcher.watch(casey)
        casey.goto(base + "/join")
        casey.get_by_label("Code on the screen").fill(code)
        casey.get_by_role("button", name="Continue").click()
        casey.get_by_label("Your name").fill("Casey")
        casey.get_by_label("Email").fill("casey@example.org")
        casey.get_by_label("Password").fill("a new job at the county")
        casey.get_by_role("button", name="Make my account and join").click()
        UI(casey, base).sign_in_after_sign_up("a new job at the county")
        casey.get_by_role("button", name="Join this map").click()
        identity = casey.locator("form.identity")
        who = identity.get_by_label("Which of these is you?")
        options = who.locator("option").all_inner_texts()
        assert any(re.match(r"Ada, Intake worker .*has left", o) for o in options), options
        who.select_option(label="I am taking over from Ada, Intake worker (County Human Services)")
        identity.get_by_label("Your name").fill("Casey")
        identity.get_by_label("Your role").fill("Intake worker")
        identity.get_by_role("button", name="That's me").click()
        expect(casey.get_by_role("heading", name="Add a touchpoint")).to_be_visible()
        expect(casey.get_by_text("as Casey, Intake worker at County Human Services")).to_be_visible()
        watcher.check()
    finally:
        phone.close()

    # The facilitator sees the succession, and that the partnership resets to zero.
    page.goto(map_url + "/people")
    card = ui.agency_card("County Human Services")
    expect(card.locator("li.item", has_text="Ada")).to_contain_text("Casey, Intake worker took over.")
    expect(card.locator("li.item", has_text="Ada")).to_contain_text(
        "Resets to zero: nothing was passed on to Casey, Intake worker.")
