"""A dropped handoff in the browser (issue 10, point 1's walk): recorded with a day 20 days ago, it
is counted in the map's header, listed with "Who should have picked this up?", drawn on the silo
map as a dashed line labelled "Referral dropped: 20 days", counted in the brief, and made into a
barrier in one step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_dropped_referral_from_recording_it_to_the_brief(ui, app_page, live_server):
    page = app_page
    ui.start_map("Family H.")
    ui.nav("Agencies & caseworkers")
    ui.add_agency("Lincoln School", sector="School")
    ui.add_agency("County Human Services")

    # The school sent the family to the county 20 days ago; nobody recorded receiving them.
    ui.nav("Handoffs")
    form = page.get_by_role("region", name="Record a handoff")
    form.get_by_label("From agency").select_option(label="Lincoln School")
    form.get_by_label("To agency").select_option(label="County Human Services")
    sent = (datetime.now(UTC).date() - timedelta(days=20)).isoformat()
    form.get_by_label("Sent on").fill(sent)
    form.get_by_label("How").select_option(label="Referral form")
    form.get_by_label("What was expected").fill("The county would call about the heating bill")
    form.get_by_role("button", name="Record handoff").click()

    card = page.locator("#handoffs > li.handoff")
    expect(card).to_contain_text("Dropped: 20 days without being received")
    expect(card).to_contain_text("Who should have picked this up?")
    expect(card).to_contain_text("It was sent to County Human Services")
    expect(page.locator("#map-status")).to_contain_text("1 handoff dropped")

    # The silo map: a dashed line from the school, labelled in words, ending outside the county.
    ui.nav("Silo map")
    image = page.locator("#silo-image")
    expect(image).to_be_visible()
    svg = page.request.get(live_server + image.get_attribute("src")).text()
    assert "Referral dropped: 20 days" in svg
    assert 'stroke-dasharray' in svg
    expect(page.locator(".silo-text")).to_contain_text("Referral dropped: 20 days")

    # The brief counts it.
    ui.nav("Brief")
    dropped = page.locator(".brief-figure").filter(has_text="handoffs dropped")
    expect(dropped.locator("dd")).to_have_text("1")
    lost = page.locator(".brief-figure").filter(has_text="days lost in handoffs")
    expect(lost.locator("dd")).to_have_text("20")

    # One step makes it a barrier no one owns; the handoff is no longer flagged by itself.
    ui.nav("Handoffs")
    page.get_by_role("button", name="Make it a barrier").click()
    expect(card).to_contain_text("Became the barrier: Referral from Lincoln School never picked up by County")
    expect(page.locator("#map-status")).not_to_contain_text("handoff dropped")
    expect(page.locator("#map-status")).to_contain_text("1 barrier no one owns")
