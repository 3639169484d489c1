"""Phones and zoom (issue 11, point 5), measured where the browser lays the pages out.

- No page scrolls sideways at 320 CSS px with WCAG 1.4.12's text spacing applied (line height 1.5,
  paragraphs 2em apart, letters .12em, words .16em). 320 CSS px is also what a 1280 px window shows
  at 400% zoom (WCAG 1.4.10), so one width covers both.
- On a 390x844 phone the site's header and the map's header together take less than a quarter of
  the screen (211 px), with someone in "Here now", and the map's menu names the current page.
- The current page is never off screen: its link is in view, or the menu's summary that names it is.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journeymap.samples.demo import load_demo
from tests.browser.conftest import give_map, until

pytestmark = pytest.mark.browser

# The map's pages a person moves between (the tabs, and the pages linked from every page's status).
MAP_PAGES = ["", "/journey", "/people", "/barriers", "/handoffs", "/connections", "/silo",
             "/journey-view", "/brief", "/data", "/members", "/history", "/check-before-sharing",
             "/meetings", "/commitments", "/present"]
SITE_PAGES = ["/", "/maps/new", "/me/touchpoints", "/me/commitments", "/account/password"]
SIGNED_OUT_PAGES = ["/sign-in", "/sign-up", "/join"]

SMALLEST = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}
QUARTER_OF_A_PHONE = PHONE["height"] / 4

# WCAG 1.4.12 Text Spacing, as a bookmarklet applies it. A constructed stylesheet: our CSP
# (style-src 'self') blocks a <style> element added to the page, silently.
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: .12em !important;
                         word-spacing: .16em !important; }
                     p { margin-bottom: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return getComputedStyle(document.body).letterSpacing;
}"""

# How far the page scrolls sideways, and the widest elements past the window's edge (to say why).
SIDEWAYS = """() => {
  const root = document.documentElement, edge = root.clientWidth;
  const past = [...document.body.querySelectorAll('*')]
    .filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > edge + 1)
    .map((e) => `<${e.localName} class="${e.className}"> to ${Math.round(e.getBoundingClientRect().right)}`);
  return {scroll: root.scrollWidth, client: edge, past: past.slice(-3)};
}"""

# The current page as the map's navigation shows it: 'link' when its own link is in the window,
# 'menu' when the closed menu's summary is in the window and names it, else null.
CURRENT_SHOWN = """() => {
  const current = document.querySelector('nav.map-nav [aria-current="page"]');
  if (!current) return 'no current page';
  const inWindow = (e) => {
    const box = e.getBoundingClientRect();
    return e.checkVisibility() && box.width > 0 && box.left >= 0 && box.top >= 0
      && box.right <= innerWidth && box.bottom <= innerHeight;
  };
  if (inWindow(current)) return 'link';
  const summary = current.closest('details')?.querySelector(':scope > summary');
  if (summary && inWindow(summary) && summary.textContent.includes(current.textContent)) return 'menu';
  return null;
}"""

# Where the page's own part starts: everything above it is header.
HEADERS_BOTTOM = "() => document.getElementById('main').getBoundingClientRect().top"


@pytest.fixture
def demo(ui, tmp_path):
    """The demo map, with the signed-in facilitator of the `ui` fixture as its facilitator."""
    return give_map(tmp_path, "fran@example.org", load_demo)


def sideways(page) -> dict:
    assert page.evaluate(TEXT_SPACING) != "normal", "the text spacing was not applied"
    return page.evaluate(SIDEWAYS)


def test_no_page_scrolls_sideways_at_320_px_with_text_spacing(ui, app_page, demo, browser, live_server,
                                                               problems):
    page = app_page
    page.set_viewport_size(SMALLEST)
    wide = {}
    for path in [f"/maps/{demo}{p}" for p in MAP_PAGES] + SITE_PAGES:
        page.goto(ui.url(path))
        found = sideways(page)
        if found["scroll"] > found["client"]:
            wide[path] = found
    # And signed out, in a browser of its own.
    context = browser.new_context(viewport=SMALLEST)
    try:
        signed_out = context.new_page()
        problems.watch(signed_out)
        for path in SIGNED_OUT_PAGES:
            signed_out.goto(ui.url(path))
            found = sideways(signed_out)
            if found["scroll"] > found["client"]:
                wide[path] = found
    finally:
        context.close()
    assert wide == {}, "pages wider than 320 px:\n" + "\n".join(f"{p}: {f}" for p, f in wide.items())
    problems.check()


@pytest.mark.parametrize("language", ["English", "Español"])
def test_on_a_phone_the_headers_take_under_a_quarter_of_the_screen_and_show_the_current_page(
        ui, app_page, demo, problems, language):
    page = app_page
    page.set_viewport_size(PHONE)
    if language != "English":  # longer words: the headers must still fit
        page.goto(ui.url(f"/maps/{demo}"))
        page.get_by_role("button", name=language).click()
        page.wait_for_function("() => document.documentElement.lang !== 'en'")
    tall, hidden = {}, {}
    for path in MAP_PAGES:
        if path == "/present":
            continue  # a projector's page: no headers at all
        page.goto(ui.url(f"/maps/{demo}{path}"))
        # Measured with "Here now" filled in, as it is a moment after the page opens.
        assert until(page, "() => document.querySelector('#live .here-now li') !== null", seconds=15)
        bottom = page.evaluate(HEADERS_BOTTOM)
        if bottom >= QUARTER_OF_A_PHONE:
            tall[path] = round(bottom)
        if path not in ("/meetings", "/commitments") and page.evaluate(CURRENT_SHOWN) != "menu":
            hidden[path] = page.evaluate(CURRENT_SHOWN)
    assert tall == {}, f"headers a quarter of a 390x844 phone ({QUARTER_OF_A_PHONE} px) or taller: {tall}"
    assert hidden == {}, f"the current page not named on screen: {hidden}"
    problems.check()


def test_the_phone_menu_lists_the_map_s_pages_with_the_current_one_marked(ui, app_page, demo, problems):
    page = app_page
    page.set_viewport_size(PHONE)
    page.goto(ui.url(f"/maps/{demo}/barriers"))
    nav = page.get_by_role("navigation", name="This map")
    menu = nav.locator("summary")
    expect(menu).to_have_text("This page: Barriers. All pages of this map")
    expect(nav.get_by_role("link", name="Journey", exact=True)).to_be_hidden()
    menu.click()
    current = nav.locator("[aria-current='page']")
    expect(current).to_have_text("Barriers")
    expect(current).to_be_in_viewport()
    assert page.evaluate(CURRENT_SHOWN) == "link"
    nav.get_by_role("link", name="Journey", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The journey")
    expect(page.get_by_role("navigation", name="This map").locator("summary")).to_contain_text("Journey")
    problems.check()


def test_on_a_wide_screen_every_page_of_the_map_shows_as_a_link_without_a_menu(ui, app_page, demo, problems):
    page = app_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(ui.url(f"/maps/{demo}/history"))
    nav = page.get_by_role("navigation", name="This map")
    expect(nav.locator("summary")).to_be_hidden()
    for name in ("Family", "Journey", "Barriers", "Members", "History", "Check before sharing"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_in_viewport()
    assert page.evaluate(CURRENT_SHOWN) == "link"  # the last tab, once cut off at the right
    problems.check()
