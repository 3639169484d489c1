"""The family's word in the browser: a family member, on a phone, disputes a step in their own
words and confirms another; the marks show on the journey page, the barriers page and the brief's
counts (issue 10, point 5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import UI, BrowserProblems, give_map, set_timeouts

pytestmark = pytest.mark.browser

DISPUTED = "School sent a truancy letter"
CONFIRMED = "Went to the food bank"


def three_steps_and_a_barrier():
    from journeymap.domain.barriers import add_barrier
    from journeymap.domain.family import start_map
    from journeymap.domain.journey import add_stage, add_touchpoint
    from journeymap.extensions import db
    from tests.actors import SETUP

    journey_map = start_map("Family W.")
    db.session.flush()
    stage = add_stage(journey_map, "Crisis", actor=SETUP)
    steps = [add_touchpoint(journey_map, actor=SETUP, stage_id=stage.id, action=action,
                            reported_by="caseworker")
             for action in (DISPUTED, CONFIRMED, "Called the helpline")]
    add_barrier(journey_map, [steps[0].id], actor=SETUP, title="Nobody asked why",
                category="communication", severity="high")
    return journey_map


def test_the_family_disputes_a_step_and_confirms_another_on_a_phone(ui, app_page, live_server, browser,
                                                                     tmp_path):
    page, base = app_page, live_server
    map_id = give_map(tmp_path, "fran@example.org", three_steps_and_a_barrier)
    map_url = f"{base}/maps/{map_id}"

    # An invitation for the family.
    page.goto(map_url + "/members")
    invite = page.get_by_role("region", name="Invite people")
    invite.get_by_label("Joins as").select_option(label="Family")
    invite.get_by_label("How many people may join with it").fill("1")
    invite.get_by_role("button", name="Make an invitation").click()
    code = page.locator(".invite-code").inner_text()

    phone = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    try:
        rosa = set_timeouts(phone.new_page())
        watcher = BrowserProblems()
        watcher.watch(rosa)
        rosa.goto(base + "/join")
        rosa.get_by_label("Code on the screen").fill(code)
        rosa.get_by_role("button", name="Continue").click()
        rosa.get_by_label("Your name").fill("Rosa")
        rosa.get_by_label("Email").fill("rosa@example.org")
        rosa.get_by_label("Password").fill("our family's own map")
        rosa.get_by_role("button", name="Make my account and join").click()
        UI(rosa, base).sign_in_after_sign_up("our family's own map")
        rosa.get_by_role("button", name="Join this map").click()
        rosa.wait_for_url(f"**/maps/{map_id}**")

        rosa.goto(map_url + "/journey")
        steps = UI(rosa, base)
        disputed = steps.touchpoint(DISPUTED)
        disputed.get_by_text("Is this right? Confirm or dispute").click()
        disputed.get_by_label("In your own words").fill("Nobody asked us why. The house had no heat.")
        disputed.get_by_role("button", name="Dispute: it was not like this").click()
        expect(disputed.locator(".word-mark")).to_contain_text("Disputed by the family")
        expect(disputed.locator(".word-mark")).to_contain_text("Nobody asked us why. The house had no heat.")

        confirmed = steps.touchpoint(CONFIRMED)
        confirmed.get_by_text("Is this right? Confirm or dispute").click()
        confirmed.get_by_role("button", name="Confirm: this is right").click()
        expect(confirmed.locator(".word-mark")).to_contain_text("Confirmed by the family")
        expect(steps.touchpoint("Called the helpline").locator(".word-mark")).to_have_count(0)

        # A dispute without words asks for them, with the form left open.
        rosa.goto(map_url + "/barriers")
        barrier = rosa.locator("li.barrier", has_text="Nobody asked why")
        barrier.get_by_text("Is this right? Confirm or dispute").click()
        barrier.get_by_role("button", name="Dispute: it was not like this").click()
        expect(barrier.get_by_role("status")).to_contain_text("What really happened?")
        expect(barrier.locator(".word-mark")).to_contain_text("Disputed by the family")
        rosa.screenshot(path="/tmp/shots/word/phone-barriers.png", full_page=True)
        rosa.goto(map_url + "/journey")
        rosa.screenshot(path="/tmp/shots/word/phone-journey.png", full_page=True)
        watcher.check()
    finally:
        phone.close()

    # The facilitator sees the marks, and the brief counts them.
    page.goto(map_url + "/journey")
    expect(UI(page, base).touchpoint(DISPUTED).locator(".word-mark")).to_contain_text(
        "Disputed by the family")
    page.screenshot(path="/tmp/shots/word/desktop-journey.png", full_page=True)
    page.goto(map_url + "/barriers")
    expect(page.locator("li.barrier", has_text="Nobody asked why").locator(".word-mark")).to_contain_text(
        "Disputed by the family")
    page.goto(map_url + "/brief")
    expect(page.locator(".brief-word")).to_contain_text("The family confirmed 1 of 3 steps; 1 disputed.")
    expect(page.locator(".brief-word")).to_contain_text("The family confirmed 0 of 1 barrier; 1 disputed.")
    page.screenshot(path="/tmp/shots/word/desktop-brief.png", full_page=True)
