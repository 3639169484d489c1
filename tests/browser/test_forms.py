"""Forms in the browser: adding inside a form, errors beside fields, editing in place, no JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import UI, set_timeouts

pytestmark = pytest.mark.browser


def test_add_agency_inside_touchpoint_form_keeps_typed_text(ui, app_page, problems):
    page = app_page
    ui.start_map("Family R.")
    ui.nav("Journey")
    form = ui.touchpoint_form()
    form.get_by_label("What the family had to do").fill("Ask for a payment plan")
    form.get_by_label("Where they had to go").fill("Utility office, 2nd floor")
    page.evaluate("window.__marker = 1")

    form.get_by_text("Agency not in the list? Add it here").click()
    form.get_by_label("Agency name").fill("City Power")
    form.get_by_role("button", name="Add this agency").click()

    expect(form.get_by_role("status")).to_contain_text("Added the agency “City Power” and chose it below.")
    expect(form.get_by_label("What the family had to do")).to_have_value("Ask for a payment plan")
    expect(form.get_by_label("Where they had to go")).to_have_value("Utility office, 2nd floor")
    agency = form.get_by_role("combobox", name="Agency", exact=True)
    expect(agency.locator("option:checked")).to_have_text("City Power")
    expect(form.get_by_label("Agency name")).to_have_value("")
    assert page.evaluate("window.__marker") == 1, "adding the agency reloaded the page"

    # The touchpoint itself is then saved with that agency.
    form.get_by_role("button", name="Add touchpoint").click()
    expect(ui.touchpoint("Ask for a payment plan")).to_contain_text("City Power")
    problems.check()


def test_validation_errors_show_beside_field_and_keep_input(ui, app_page, problems):
    page = app_page
    problems.allow(422, r"/maps/\d+/touchpoints$")
    ui.start_map("Family R.")
    ui.nav("Journey")
    form = ui.touchpoint_form()
    form.get_by_label("Where they had to go").fill("County office")
    page.evaluate("window.__marker = 1")
    form.get_by_role("button", name="Add touchpoint").click()

    action = form.get_by_label("What the family had to do")
    expect(action).to_have_attribute("aria-invalid", "true")
    error = form.get_by_text("Please fill this in.")
    expect(error).to_be_visible()
    expect(action).to_have_accessible_description(re.compile("Please fill this in."))
    expect(form.get_by_label("Where they had to go")).to_have_value("County office")
    expect(form.get_by_role("alert")).to_contain_text("nothing you typed has been lost")
    assert page.evaluate("window.__marker") == 1, "the error came with a page reload"

    # "Beside the field": the message sits right above its input, not somewhere else on the page.
    field_box, error_box = action.bounding_box(), error.bounding_box()
    assert 0 <= field_box["y"] - (error_box["y"] + error_box["height"]) < 40, (field_box, error_box)
    assert abs(field_box["x"] - error_box["x"]) < 40, (field_box, error_box)

    # Nothing was saved.
    expect(page.locator("li.touchpoint")).to_have_count(0)
    problems.check()


def test_edit_in_place(ui, app_page, problems):
    page = app_page
    ui.start_map("Family R.")
    ui.nav("Journey")
    ui.add_touchpoint("Call the utility", place="Phone line")
    ui.add_touchpoint("Visit the food bank", place="Church hall")
    item_id = ui.touchpoint("Call the utility").get_attribute("id")
    item = page.locator(f"#{item_id}")
    page.evaluate("window.__marker = 1")

    item.get_by_role("link", name="Edit Call the utility").click()
    editing = item.get_by_label("What the family had to do")
    expect(editing).to_have_value("Call the utility")
    expect(editing).to_be_focused()
    editing.fill("Call the utility, twice")
    item.get_by_role("button", name="Save touchpoint").click()

    expect(item.get_by_label("What the family had to do")).to_have_count(0)
    expect(item.locator(".tp-action")).to_have_text("Call the utility, twice")
    expect(item).to_contain_text("Phone line")
    expect(ui.touchpoint("Visit the food bank")).to_be_visible()
    assert page.evaluate("window.__marker") == 1, "saving the edit reloaded the page"

    item.get_by_role("link", name="Edit Call the utility, twice").click()
    item.get_by_label("What the family had to do").fill("Something I will not keep")
    item.get_by_role("link", name="Cancel").click()

    expect(item.get_by_label("What the family had to do")).to_have_count(0)
    expect(item.locator(".tp-action")).to_have_text("Call the utility, twice")
    expect(page.get_by_text("Something I will not keep")).to_have_count(0)
    assert page.evaluate("window.__marker") == 1, "cancelling reloaded the page"
    problems.check()


def test_works_without_javascript(browser, live_server, problems):
    problems.allow(422, r"/maps/\d+/agencies$")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        set_timeouts(page)
        problems.watch(page)

        # Signing up and in works without JavaScript too.
        UI(page, live_server).sign_up()
        page.get_by_role("link", name="Start a new map").click()
        page.get_by_label("Family pseudonym").fill("Family R.")
        page.get_by_role("button", name="Start the map").click()
        expect(page.get_by_role("heading", name="Family R.", level=1)).to_be_visible()
        nav = page.get_by_role("navigation", name="This map")
        nav.get_by_role("link", name="Agencies & caseworkers").click()

        form = page.get_by_role("region", name="Add an agency")
        form.get_by_label("Agency name").fill("County Energy Assistance")
        form.get_by_label("Sector").select_option(label="County")
        with page.expect_navigation():
            form.get_by_role("button", name="Add agency").click()
        assert re.search(r"/maps/\d+/people(#agency-\d+)?$", page.url), page.url
        card = page.locator("#agencies > li").filter(
            has=page.get_by_role("heading", name=re.compile("^County Energy Assistance"))
        )
        expect(card).to_be_visible()
        expect(card).to_contain_text("County")

        # An empty form: a page of its own with the error beside the field.
        form = page.get_by_role("region", name="Add an agency")
        with page.expect_navigation() as navigation:
            form.get_by_role("button", name="Add agency").click()
        assert navigation.value.status == 422
        expect(page.get_by_role("heading", name="Add agency", level=1)).to_be_visible()
        expect(page.get_by_text("Please fill this in.")).to_be_visible()
        expect(page.get_by_label("Agency name")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_role("link", name="Back without saving")).to_be_visible()

        # Correcting it there works too.
        page.get_by_label("Agency name").fill("City Power")
        with page.expect_navigation():
            page.get_by_role("button", name="Add agency").click()
        expect(page.locator("#agencies > li h2", has_text="City Power")).to_be_visible()
    finally:
        context.close()
    problems.check()


def test_a_stage_chosen_in_the_add_form_stays_chosen_when_another_stage_is_added(ui, app_page, problems):
    """The add form's stage list is refreshed after every stage change; a choice already made in
    it is kept, while an untouched list moves to the newest stage."""
    ui.start_map()
    ui.nav("Journey")
    ui.add_stage("Crisis")
    ui.add_stage("Waiting")
    stage = ui.touchpoint_form().get_by_label("Stage")
    expect(stage).to_have_value(re.compile(r"\d+"))
    stage.select_option(label="Crisis")
    ui.touchpoint_form().get_by_label("What the family had to do").fill("Called the helpline")
    ui.add_stage("Moving out")
    expect(stage.locator("option", has_text="Moving out")).to_have_count(1)
    expect(stage.locator("option:checked")).to_have_text("Crisis")
    typed = ui.touchpoint_form().get_by_label("What the family had to do")
    expect(typed).to_have_value("Called the helpline")

