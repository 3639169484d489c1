"""A name typed with a RIGHT-TO-LEFT OVERRIDE cannot turn the page's own text around: the words
after it are laid out left to right, to its right, as the browser draws them (journeymap/bidi.py).

The check reads where the browser put each character (Range.getClientRects), not the markup:
without the isolate, the override reverses everything after it to the end of the paragraph, so
"· never met the family" is drawn backwards and to the left of the name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NAME = "\u202eevil"

# For each needle, [left, top] of each of its non-space characters, in the first text node (inside
# elements matching the selector) that holds all the needles.
PLACES_OF_CHARACTERS = """([selector, needles]) => {
  const placesOf = (node, needle) => {
    const at = node.data.indexOf(needle), found = [];
    for (let k = at; k < at + needle.length; k++) {
      if (!node.data[k].trim()) continue;
      const range = document.createRange();
      range.setStart(node, k);
      range.setEnd(node, k + 1);
      const box = range.getBoundingClientRect();
      found.push([box.left, box.top]);
    }
    return found;
  };
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (needles.every((needle) => node.data.includes(needle))) {
        return needles.map((needle) => placesOf(node, needle));
      }
    }
  }
  return null;
}"""

LEFT_OF = """(selector) => document.querySelector(selector).getBoundingClientRect().left"""


def places(page, selector: str, *needles: str) -> list[list[tuple[float, float]]]:
    found = page.evaluate(PLACES_OF_CHARACTERS, [selector, list(needles)])
    assert found, f"{needles!r} not found together in {selector}"
    return [[tuple(place) for place in each] for each in found]


def same_line(a, b) -> bool:
    return abs(a[1] - b[1]) < 2


def reads_left_to_right(chars) -> bool:
    """Each character stands to the right of the one before it on the same line (a narrow column
    may wrap the text: a pair across lines says nothing)."""
    pairs = [(a, b) for a, b in zip(chars, chars[1:], strict=False) if same_line(a, b)]
    assert pairs, "no two characters on one line"
    return all(a[0] < b[0] for a, b in pairs)


def test_an_override_in_a_name_cannot_turn_the_page_around(ui, app_page, problems):
    page = app_page
    ui.start_map("Family R.")
    ui.nav("Agencies & caseworkers")
    agency_form = page.get_by_role("region", name="Add an agency")
    agency_form.get_by_label("Agency name").fill(NAME)
    agency_form.get_by_label("Sector").select_option(label="County")
    agency_form.get_by_role("button", name="Add agency").click()
    card = page.locator("#agencies > li").filter(has_text="evil")
    expect(card).to_have_count(1)
    worker_form = page.get_by_role("region", name="Add a caseworker")
    worker_form.get_by_label("Name", exact=True).fill(NAME)
    worker_form.get_by_label("Agency", exact=True).select_option(index=1)
    worker_form.get_by_role("button", name="Add caseworker").click()
    expect(card.locator("li.item")).to_have_count(1)

    # The agency's card: its sector tag stands to the right of the name, not before it.
    (name,) = places(page, "#agencies > li h2", "evil")
    tag_left = page.evaluate(LEFT_OF, "#agencies > li h2 .tag")
    assert tag_left > max(x for x, _ in name), (name, tag_left)

    # The silo page lists the caseworker followed by our words, in one text.
    ui.nav("Silo map")
    name, ours = places(page, "main li", "evil", "· never met the family")
    assert reads_left_to_right(ours), f"our words are drawn backwards: {ours}"
    # The override still does what it says inside the name: "evil" is drawn right to left...
    assert not reads_left_to_right(name)
    # ...and our words start to the right of it.
    assert same_line(name[0], ours[0]) and ours[0][0] > max(x for x, _ in name), (name, ours)
    problems.check()
