"""Check before sharing, on a 390 px phone: a caseworker named Hope is found where her name is
written, not where "hope" is a word; a rewording is typed in and is what de-identified outputs show."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STEP = "Hope's office lost the form; no hope of a reply"


def test_a_facilitator_checks_and_rewords_on_a_phone(ui, app_page, live_server, problems):
    page = app_page
    map_url = ui.start_map("Family H.")
    ui.nav("Agencies & caseworkers")
    ui.add_agency("County Housing")
    ui.add_caseworker("Hope Adeyemi", "Intake worker", "County Housing")
    ui.nav("Journey")
    ui.add_stage("After the eviction")
    ui.add_touchpoint(STEP, agency="County Housing")
    page.set_viewport_size({"width": 390, "height": 844})

    ui.nav("Check before sharing")
    expect(page.get_by_role("heading", name="Check before sharing", level=1)).to_be_visible()
    step = page.locator("li.sharing-text").filter(has_text="What the family had to do")
    marks = step.locator("mark.suspect")
    expect(marks).to_have_count(1)  # "Hope" the name, not "hope" the word
    expect(marks.first).to_have_text("Hope [suspected name]")
    shared_as = step.locator(".sharing-preview q").first
    expect(shared_as).to_have_text("[name]'s office lost the form; no hope of a reply")
    box = step.get_by_label(re.compile("^Wording to share"))
    expect(box).to_be_hidden()  # only for a rewording
    step.get_by_label("Share my wording instead").check()
    expect(box).to_be_visible()
    box.fill("The intake office lost the form")
    page.get_by_role("button", name="Save these choices").click()
    expect(page.get_by_role("status").filter(has_text="Saved your choices for 2 texts")).to_be_visible()
    expect(step.get_by_text("Checked: share my wording instead")).to_be_visible()

    # The journey view's de-identified picture: the rewording and the stage's own name.
    # Fetched, not opened: a bare SVG document makes the browser ask for /favicon.ico.
    content = page.request.get(map_url + "/journey-view.svg").text()
    assert "The intake office lost the form" in content and "After the eviction" in content
    assert "Hope" not in content
    problems.check()
