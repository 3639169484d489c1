"""Legible in the room: the silo map's text measured on screen, as a projector shows it.

Every text of the drawing is measured where the browser draws it: the picture's SVG is fetched,
drawn at the size the page shows the picture, and each <text>'s box read
(getBoundingClientRect().height), with its font size in CSS px beside it. At 1920×1080 the
presentation view of the demo must have none under 18 px; a bigger map opens on the overview.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journeymap.extensions import db
from journeymap.samples.demo import load_demo
from journeymap.samples.synth import synth_map
from tests.browser.conftest import give_map, until

pytestmark = pytest.mark.browser

ROOM = {"width": 1920, "height": 1080}
LEGIBLE_PX = 18

# The picture as the page shows it (`contain` in the presentation view: the smaller of the two
# scales), drawn again from its SVG at that size, and every text measured there.
MEASURE = """async (selector) => {
    const img = document.querySelector(selector);
    const box = img.getBoundingClientRect();
    const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
    const source = await (await fetch(img.currentSrc)).text();
    const svg = document.importNode(
        new DOMParser().parseFromString(source, 'image/svg+xml').documentElement, true);
    const width = img.naturalWidth * scale;
    svg.setAttribute('width', width);
    svg.setAttribute('height', img.naturalHeight * scale);
    const holder = document.createElement('div');
    holder.style.position = 'absolute';
    holder.style.left = '0';
    holder.style.top = '0';
    holder.append(svg);
    document.body.append(holder);
    const units = width / svg.viewBox.baseVal.width;  // CSS px per SVG user unit
    const texts = [...svg.querySelectorAll('text')].map((t) => ({
        text: t.textContent,
        height: t.getBoundingClientRect().height,
        font: parseFloat(t.getAttribute('font-size')) * units,
    }));
    holder.remove();
    return {scale, shown: [box.width, box.height], texts};
}"""


def measure(page, selector: str) -> dict:
    img = page.locator(selector)
    expect(img).to_be_visible()
    loaded = "(s) => { const i = document.querySelector(s); return i.complete && i.naturalWidth > 0; }"
    assert until(page, loaded, selector, seconds=30)
    found = page.evaluate(MEASURE, selector)
    assert found["texts"], "the drawing has no text"
    found["min_height"] = min(t["height"] for t in found["texts"])
    found["min_font"] = min(t["font"] for t in found["texts"])
    return found


def test_the_demo_presented_at_1920_by_1080_has_every_text_18_px_or_more(ui, app_page, tmp_path, problems):
    page = app_page
    map_id = give_map(tmp_path, "fran@example.org", load_demo)
    page.set_viewport_size(ROOM)
    page.goto(ui.url(f"/maps/{map_id}/present"))
    # A map the size of the demo is shown whole, not as an overview.
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("overview")
    found = measure(page, ".present-figure img")
    smallest = min(found["texts"], key=lambda t: t["height"])
    print(f"\npresent, demo: scale {found['scale']:.3f}, shown {found['shown']}, min text box "
          f"{found['min_height']:.1f} px ({smallest['text']!r}), min font {found['min_font']:.1f} px")
    assert found["min_height"] >= LEGIBLE_PX, smallest
    assert found["min_font"] >= LEGIBLE_PX
    # Nothing to scroll to: the whole drawing is on the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= ROOM["width"]
    # The key is on the page, as big as the drawing's text.
    key = page.locator("#present-key")
    expect(key).to_contain_text("NO OWNER")
    key_px = page.evaluate("parseFloat(getComputedStyle(document.getElementById('present-key')).fontSize)")
    assert key_px >= LEGIBLE_PX
    problems.check()


def test_a_bigger_map_opens_on_the_overview_and_one_silo_opens_on_its_own(ui, app_page, tmp_path, problems):
    page = app_page
    map_id = give_map(tmp_path, "fran@example.org", lambda: synth_map(
        db.session, agencies=20, caseworkers_per_agency=5, touchpoints=100, barriers=40))
    page.set_viewport_size(ROOM)
    page.goto(ui.url(f"/maps/{map_id}/present"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("overview")
    found = measure(page, ".present-figure img")
    print(f"\npresent, 20 agencies, overview: min text box {found['min_height']:.1f} px, "
          f"min font {found['min_font']:.1f} px")
    assert found["min_height"] >= LEGIBLE_PX
    texts = " ".join(t["text"] for t in found["texts"])
    assert "5 caseworkers" in texts and "No one owns" in texts

    # One silo, from the list under the overview: that agency alone, still legible.
    silos = page.get_by_role("region", name="Open one silo")
    first = silos.get_by_role("link").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"one silo: {name}")
    expect(page.get_by_label("Drawing")).to_have_value(page.url.split("silo=")[1].split("&")[0])
    found = measure(page, ".present-figure img")
    print(f"one silo: min text box {found['min_height']:.1f} px")
    assert found["min_height"] >= LEGIBLE_PX
    assert any(t["text"].startswith(name[:15]) for t in found["texts"]), name

    # And the whole map can still be asked for: smaller than a room can read, but there.
    page.get_by_label("Drawing").select_option(label="The whole map")
    page.get_by_role("button", name="Show").click()
    # The page that came before said "one silo": wait for the whole map's own page, not just any
    # page without "overview" (a busy machine measured the one silo's drawing once).
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("one silo")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("overview")
    assert measure(page, ".present-figure img")["min_height"] < LEGIBLE_PX
    problems.check()
