"""Valid, distinct markup on every page of the demo map (issue 11, point 6): ids unique on each page,
no <form> inside an inline element, no <li> outside a list, and the map's header in a landmark.

A duplicate id breaks every label, aria-describedby and fragment link that points at it; a form
inside a <span> is invalid HTML that browsers repair each in their own way. The pages are parsed as
a browser parses them (tests/markup.py), the no-JavaScript edit pages included.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from journeymap.extensions import db
from journeymap.models import (
    Agency,
    Barrier,
    Caseworker,
    Handoff,
    HouseholdMember,
    Introduction,
    Meeting,
    Stage,
    Touchpoint,
)
from tests import markup
from tests.routes.conftest import html

# The map's pages, as the facilitator sees them (every tab, and those reached from them).
MAP_PAGES = ["", "/journey", "/people", "/barriers", "/handoffs", "/connections", "/silo",
             "/journey-view", "/brief", "/data", "/members", "/history", "/check-before-sharing",
             "/meetings", "/commitments", "/present", "/family/edit", "/delete"]
# Each kind's edit form on a page of its own, as a browser without JavaScript opens it.
EDIT_PAGES = {Touchpoint: "touchpoints", Stage: "stages", Barrier: "barriers", Agency: "agencies",
              Caseworker: "caseworkers", Handoff: "handoffs", Introduction: "introductions",
              Meeting: "meetings", HouseholdMember: "household"}
SITE_PAGES = ["/", "/maps/new", "/me/touchpoints", "/me/commitments", "/account/password"]
SIGNED_OUT_PAGES = ["/sign-in", "/sign-up", "/join"]

# Elements that hold only phrasing content: a form is flow content, never allowed inside one.
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label",
          "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
LISTS = {"ul", "ol", "menu"}


def problems(body: str) -> list[str]:
    """What is wrong with a page's markup, one readable line each."""
    page = markup.parse(body)
    found = []
    ids = Counter(element.get("id") for element in page.select("[id]"))
    found += [f"id {name!r} {count} times" for name, count in ids.items() if count > 1]
    for form in page.select("form"):
        inline = next((a for a in form.ancestors() if a.tag in INLINE), None)
        if inline is not None:
            found.append(f"<form action={form.get('action')!r}> inside "
                         f"<{inline.tag} class={inline.get('class')!r}>")
    for item in page.select("li"):
        parent = item.parent
        if parent is None or parent.tag not in LISTS:
            found.append(f"<li id={item.get('id')!r}> inside <{parent.tag if parent else '?'}>, not a list")
    return found


def first_id(model, map_id: int) -> int:
    return db.session.scalar(select(func.min(model.id)).where(model.map_id == map_id))


def test_every_page_of_the_demo_map_is_valid(client, demo_id):
    urls = [f"/maps/{demo_id}{page}" for page in MAP_PAGES] + SITE_PAGES
    urls += [f"/maps/{demo_id}/{plural}/{first_id(model, demo_id)}/edit"
             for model, plural in EDIT_PAGES.items()]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if wrong := problems(html(response)):
            found[url] = wrong
    assert found == {}, "\n".join(f"{url}:\n  " + "\n  ".join(lines) for url, lines in found.items())


@pytest.mark.parametrize("url", SIGNED_OUT_PAGES)
def test_the_signed_out_pages_are_valid_too(anonymous, url):
    response = anonymous.get(url)
    assert response.status_code == 200
    assert problems(html(response)) == []


def test_the_map_header_is_in_the_page_banner_with_the_site_header(client, demo_id):
    page = markup.parse(html(client.get(f"/maps/{demo_id}/barriers")))
    # One <header> outside <main>, <article> and <section>: the banner landmark, holding both.
    banner = page.select_one("body > header")
    assert banner.select(".site-header") and banner.select(".map-header")
    assert banner.select_one("nav[aria-label='This map'] [aria-current='page']").text == "Barriers"


def test_a_form_page_without_javascript_puts_the_item_in_a_list(client, demo_id):
    touchpoint = first_id(Touchpoint, demo_id)
    page = markup.parse(html(client.get(f"/maps/{demo_id}/touchpoints/{touchpoint}/edit")))
    item = page.select_one(f"#touchpoint-{touchpoint}")
    assert item.tag == "li" and item.parent.tag == "ul"
    assert item.select("form")
