"""The whole path a facilitator walks: family, agencies and caseworkers, journey, barriers, silo map."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SVG = "{http://www.w3.org/2000/svg}"


def _bbox(points: str) -> tuple[float, float, float, float]:
    xs, ys = zip(*(tuple(map(float, p.split(","))) for p in points.split()), strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _unowned_area_holds(svg_text: str, title: str) -> bool:
    """Whether a node labelled `title` lies inside the cluster labelled "No one owns these".

    Graphviz writes clusters and nodes as sibling groups, so "inside" is a matter of geometry:
    the node's text must fall within the cluster's outline.
    """
    root = ET.fromstring(svg_text)
    areas = [
        g
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "cluster"
        and any("No one owns these" in (t.text or "") for t in g.iter(f"{SVG}text"))
    ]
    assert len(areas) == 1, "the SVG has no single area labelled 'No one owns these'"
    outline = next(areas[0].iter(f"{SVG}polygon")).get("points")
    left, top, right, bottom = _bbox(outline)
    spots = [
        (float(t.get("x")), float(t.get("y")))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "node"
        for t in g.iter(f"{SVG}text")
        if title in (t.text or "")
    ]
    assert spots, f"no node in the SVG shows {title!r}"
    return all(left <= x <= right and top <= y <= bottom for x, y in spots)


def test_walk_the_users_path(ui, app_page, live_server, problems):
    page = app_page

    # The family first.
    family_url = ui.start_map(
        "Family R.",
        situation="The power was shut off in January.",
        hopes="Heat, and one person who knows the whole story.",
    )
    expect(page.get_by_role("heading", name="Family R.", level=1)).to_be_visible()
    expect(page.get_by_text("The power was shut off in January.")).to_be_visible()
    expect(page.get_by_text("Heat, and one person who knows the whole story.")).to_be_visible()

    # Agencies and caseworkers, added in place.
    ui.nav("Agencies & caseworkers")
    expect(page.get_by_role("heading", name="Agencies and caseworkers", level=1)).to_be_visible()
    page.evaluate("window.__marker = 1")
    ui.add_agency("County Energy Assistance", sector="County")
    expect(ui.agency_card("County Energy Assistance")).to_contain_text("County")
    # The side form is ready for the next agency.
    expect(page.get_by_role("region", name="Add an agency").get_by_label("Agency name")).to_have_value("")
    assert page.evaluate("window.__marker") == 1, "adding an agency reloaded the page"
    ui.add_caseworker("Dana", "intake worker", agency="County Energy Assistance")
    expect(ui.agency_card("County Energy Assistance")).to_contain_text("Dana")
    assert page.evaluate("window.__marker") == 1, "adding a caseworker reloaded the page"

    # The journey: a stage and two touchpoints with whom the family met.
    ui.nav("Journey")
    expect(page.get_by_role("heading", name="The journey", level=1)).to_be_visible()
    page.evaluate("window.__marker = 2")
    ui.add_stage("Crisis")
    ui.add_touchpoint("Call the utility", place="Phone line", agency="County Energy Assistance")
    ui.add_touchpoint(
        "Apply for energy assistance",
        place="County office",
        agency="County Energy Assistance",
        caseworker="Dana, intake worker (County Energy Assistance)",
    )
    expect(ui.touchpoint_form().get_by_label("What the family had to do")).to_have_value("")
    stage = page.get_by_role("region", name=re.compile(r"Crisis$"))
    expect(stage.locator("li.touchpoint")).to_have_count(2)
    expect(ui.touchpoint("Call the utility")).to_contain_text("County Energy Assistance")
    expect(ui.touchpoint("Apply for energy assistance")).to_contain_text(
        "Dana, intake worker at County Energy Assistance"
    )
    assert page.evaluate("window.__marker") == 2, "the journey page reloaded"

    # A barrier no one owns, linked to a touchpoint.
    ui.nav("Barriers")
    page.evaluate("window.__marker = 3")
    status = page.locator("#map-status")
    expect(status).to_contain_text("No barriers recorded yet")
    form = page.get_by_role("region", name="Add a barrier")
    form.get_by_label("Barrier", exact=False).fill("Power shut off")
    form.get_by_label("Apply for energy assistance").check()
    expect(form.get_by_label("Owning agency")).to_have_value("")
    expect(form.get_by_label("Owning caseworker")).to_have_value("")
    form.get_by_role("button", name="Add barrier").click()

    barrier = page.locator("#barriers > li").filter(has=page.get_by_role("heading", name="Power shut off"))
    expect(barrier).to_be_visible()
    expect(status).to_contain_text("1 barrier no one owns")
    expect(barrier).to_contain_text("No one owns this")
    expect(barrier).to_contain_text("Apply for energy assistance")
    expect(barrier.get_by_label("Whose job is it to fix this?")).to_be_visible()
    assert page.evaluate("window.__marker") == 3, "adding a barrier reloaded the page"

    # The silo map shows it in the area outside every silo.
    ui.nav("Silo map")
    image = page.get_by_role("img", name=re.compile(r"^Silo map of Family R\."))
    expect(image).to_be_visible()
    src = image.get_attribute("src")
    svg = page.request.get(live_server + src)
    assert svg.ok, svg.status
    svg_text = svg.text()
    assert "No one owns these" in svg_text
    assert "Power shut off" in svg_text
    assert _unowned_area_holds(svg_text, "Power shut off")

    # One step to an owner; the flag goes without a reload.
    ui.nav("Barriers")
    page.evaluate("window.__marker = 4")
    barrier.get_by_label("Whose job is it to fix this?").select_option(label="County Energy Assistance")
    barrier.get_by_role("button", name="Record owner").click()
    expect(status).to_contain_text("Every barrier has an owner")
    expect(barrier).not_to_contain_text("No one owns this")
    expect(barrier).to_contain_text("County Energy Assistance")
    expect(barrier.get_by_role("status")).to_contain_text("Owner recorded")
    assert page.evaluate("window.__marker") == 4, "recording the owner reloaded the page"

    # And the silo map downloads as SVG: de-identified unless full detail is chosen.
    ui.nav("Silo map")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="SVG", exact=True).click()
    download = info.value
    assert download.suggested_filename.endswith(".svg")
    body = download.path().read_text(encoding="utf-8")
    assert body.lstrip().startswith("<?xml") or "<svg" in body
    assert "Power shut off" not in body
    page.get_by_role("radio", name=re.compile("Full detail")).check()
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="SVG", exact=True).click()
    assert "Power shut off" in info.value.path().read_text(encoding="utf-8")

    page.goto(family_url)
    expect(page.locator("#map-status")).to_contain_text("Every barrier has an owner")

    # Everything done above is in the map's history, the download included.
    ui.nav("History")
    history = page.locator("ol.history")
    expect(history.locator("li").first).to_contain_text("exported")
    expect(history).to_contain_text("Power shut off")
    expect(history).to_contain_text("Fran")
    problems.check()
