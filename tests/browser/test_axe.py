"""axe-core finds no WCAG 2.2 A/AA violation (issue 11, point 7): every page of the demo map, the site's
own pages and the signed-out ones, and the states a page takes in use (an edit form open, the
conflict view, a form showing its errors, the phone's menus open), on a laptop (1280 px) and on a
phone (390 px).

axe-core is vendored in tests/browser/vendor (its README says which version and how to update it) and
evaluated in each page through the DevTools protocol: a <script> element added to the page would be
refused by our Content-Security-Policy (script-src 'self'), and switching the policy off for the test
would hide the errors it causes. One browser page is reused across all pages, for speed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from journeymap.samples.demo import load_demo
from tests.browser.conftest import give_map

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_VERSION = "4.14.1"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

MAP_PAGES = ["", "/journey", "/people", "/barriers", "/handoffs", "/connections", "/silo",
             "/journey-view", "/brief", "/data", "/members", "/history", "/check-before-sharing",
             "/meetings", "/commitments", "/present", "/family/edit", "/touchpoints/1/edit"]
SITE_PAGES = ["/", "/maps/new", "/me/touchpoints", "/me/commitments", "/account/password"]
SIGNED_OUT_PAGES = ["/sign-in", "/sign-up", "/join"]

# Each violation: the rule, how bad, what it asks, and the first few elements with axe's own summary.
RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`),
    count: v.nodes.length,
  }));
}"""


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now."""
    if page.evaluate("typeof axe") == "undefined":
        page.evaluate(AXE)
    assert page.evaluate("axe.version") == AXE_VERSION
    return page.evaluate(RUN, TAGS)


def readable(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, each in found.items():
        for v in each:
            lines.append(f"{where}: {v['rule']} ({v['impact']}, {v['count']} elements): {v['help']}")
            lines += [f"    {node}" for node in v["nodes"]]
    return "\n".join(lines)


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_wcag_violation_on_any_page_or_state(ui, app_page, tmp_path, browser, problems, width):
    page = app_page
    page.set_viewport_size({"width": width, "height": 900})
    map_id = give_map(tmp_path, "fran@example.org", load_demo)
    found = {}

    def check(where: str) -> None:
        if each := violations(page):
            found[where] = each

    for path in [f"/maps/{map_id}{p}" for p in MAP_PAGES] + SITE_PAGES:
        page.goto(ui.url(path))
        check(path)

    # An edit form open in place (htmx), on the journey.
    page.goto(ui.url(f"/maps/{map_id}/journey"))
    page.locator("li.touchpoint").first.get_by_role("link", name=re.compile("^Edit ")).click()
    expect(page.get_by_role("heading", name="Edit touchpoint")).to_be_visible()
    check("journey, a touchpoint's edit form open")

    # The conflict view: the same touchpoint saved meanwhile from another tab, then this form saved.
    problems.allow(409, r"/touchpoints/\d+/edit$")
    other = page.context.new_page()
    problems.watch(other)
    other.goto(page.url)
    other.locator("li.touchpoint").first.get_by_role("link", name=re.compile("^Edit ")).click()
    other.get_by_label("Where they had to go").fill("Changed in the other tab")
    other.get_by_role("button", name="Save touchpoint").click()
    expect(other.get_by_role("heading", name="Edit touchpoint")).to_have_count(0)
    other.close()
    page.get_by_role("button", name="Save touchpoint").click()
    conflict = page.get_by_role("alert").filter(has_text="changed this while you were editing it")
    expect(conflict).to_be_visible()
    check("journey, a touchpoint's conflict view")

    # A form showing its errors: a barrier added with no name.
    problems.allow(422, r"/barriers$")
    page.goto(ui.url(f"/maps/{map_id}/barriers"))
    form = page.get_by_role("region", name="Add a barrier")
    form.get_by_role("button", name="Add barrier").click()
    expect(form.locator(".error").first).to_be_visible()
    check("barriers, the add form with its errors")

    # The menus open, on a phone.
    if width < 768:
        page.get_by_role("navigation", name="This map").locator("summary").click()
        page.get_by_role("navigation", name="Your account").locator("summary").click()
        check("barriers, both menus open")

    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        signed_out = context.new_page()
        problems.watch(signed_out)
        for path in SIGNED_OUT_PAGES:
            signed_out.goto(ui.url(path))
            if each := violations(signed_out):
                found[f"{path} (signed out)"] = each
    finally:
        context.close()

    assert found == {}, f"axe {AXE_VERSION} at {width} px:\n{readable(found)}"
    problems.check()


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_wcag_violation_with_the_pages_in_spanish(ui, app_page, tmp_path, problems, width):
    """Longer words, other markup from the catalogue (the menus' hidden words), lang attributes: the
    family's page and the journey in Spanish, chosen with the header's switch, and on a phone the
    menus open."""
    page = app_page
    page.set_viewport_size({"width": width, "height": 900})
    map_id = give_map(tmp_path, "fran@example.org", load_demo)
    page.goto(ui.url(f"/maps/{map_id}"))
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    found = {}
    for path in ("", "/journey"):
        page.goto(ui.url(f"/maps/{map_id}{path}"))
        expect(page.get_by_role("navigation", name="Este mapa")).to_be_attached()
        if each := violations(page):
            found[path or "/ (the family)"] = each
    if width < 768:
        page.get_by_role("navigation", name="Este mapa").locator("summary").click()
        page.get_by_role("navigation", name="Su cuenta").locator("summary").click()
        if each := violations(page):
            found["/journey, both menus open"] = each
    assert found == {}, f"axe {AXE_VERSION} at {width} px, in Spanish:\n{readable(found)}"
    problems.check()
