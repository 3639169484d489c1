"""Typed text that is right to left, or holds a bidi control, cannot reorder the page around it:
wherever it is shown (pages, fragments, the silo map's DOT and SVG, the journey view, the brief,
the presentation view) it sits in a closed isolate (journeymap/bidi.py); edited and saved, it is
stored exactly as typed; the exports keep it as it is."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select

from journeymap.extensions import db
from journeymap.models import Agency, Barrier, Caseworker, JourneyMap, Stage, Touchpoint, User
from journeymap.render import brief as brief_module
from journeymap.render.silo import build_silo_graph
from tests import markup
from tests.isolation import isolated
from tests.routes.conftest import HX, add_to_map, html, with_seen_version

FSI, PDI = "\u2068", "\u2069"
OVERRIDE = "\u202eevil"  # RIGHT-TO-LEFT OVERRIDE, then letters it would turn around
HEBREW = "משפחה כהן"
ARABIC = "مكتب الإسكان"
# A form control is a box of its own: its value cannot reorder the text outside it (and WTForms
# renders it as Markup, which is not isolated). Everything else must be.
_OWN_BOXES = {"option", "textarea"}


def leaks(body: str) -> list[str]:
    """Text nodes and attribute values of a page or fragment that are not `isolated`."""
    found = []
    for element in markup.parse(body)._element.iter():
        tag = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        if tag not in _OWN_BOXES and element.text and not isolated(element.text):
            found.append(f"<{tag}> text {element.text!r}")
        if element.tail and not isolated(element.tail):
            found.append(f"after <{tag}> {element.tail!r}")
        for name, value in element.attrib.items():
            if not (tag == "input" and name == "value") and not isolated(value):
                found.append(f"<{tag} {name}> {value!r}")
    return found


@pytest.fixture
def typed(small):
    """The small map with right-to-left names and overrides in every kind of text."""
    journey_map = db.session.get(JourneyMap, small.id)
    journey_map.pseudonym = HEBREW
    journey_map.situation = f"first line\n{OVERRIDE} second line"
    db.session.get(Agency, small.agency).name = OVERRIDE
    db.session.get(Caseworker, small.caseworker).name = ARABIC
    db.session.get(Stage, small.stage1).name = f"{HEBREW} {OVERRIDE}"
    db.session.get(Touchpoint, small.tp1).action = f"{OVERRIDE} {ARABIC}"
    db.session.get(Barrier, small.barrier).title = OVERRIDE
    db.session.commit()
    return small


PAGES = ["", "/people", "/journey", "/barriers", "/silo", "/journey-view", "/brief", "/data",
         "/family/edit", "/present", "/history", "/members"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_isolates_typed_text(client, typed, page):
    response = client.get(f"/maps/{typed.id}{page}")
    body = html(response)
    assert response.status_code == 200
    assert leaks(body) == []
    assert f"{FSI}{HEBREW}{PDI}" in body  # the pseudonym, in the map's header or the title


def test_the_page_isolates_each_name_and_keeps_our_words_outside(client, typed):
    people = html(client.get(f"/maps/{typed.id}/people"))
    assert f"{FSI}{OVERRIDE}{PDI}" in people
    journey = html(client.get(f"/maps/{typed.id}/journey"))
    # Our words stay outside the isolate: "Delete stage ⁨…⁩ (its touchpoints stay…)".
    assert f"Delete stage {FSI}{FSI}{HEBREW} {OVERRIDE}{PDI}{PDI} (its touchpoints stay" not in journey
    assert f"stage {FSI}{HEBREW} {OVERRIDE}{PDI} (its touchpoints stay, without a stage)" in journey
    barriers = html(client.get(f"/maps/{typed.id}/barriers"))
    owner = f"{FSI}{ARABIC}, Intake worker{PDI} at {FSI}{OVERRIDE}{PDI}"
    assert leaks(barriers) == []
    owner_url = f"/maps/{typed.id}/barriers/{typed.barrier}/owner"
    recorded = client.post(owner_url, data=with_seen_version(
        owner_url, {"owner": f"caseworker:{typed.caseworker}"}))
    assert recorded.status_code in (200, 303), html(recorded)[:2000]
    assert owner in html(client.get(f"/maps/{typed.id}/barriers"))


def test_a_story_of_several_lines_is_isolated_line_by_line(client, typed):
    """A line break ends every isolate (pre-line text), so each line that needs one has its own."""
    body = html(client.get(f"/maps/{typed.id}"))
    assert f"first line\n{FSI}{OVERRIDE} second line{PDI}" in body


def test_fragments_isolate_typed_text(client, typed):
    for path in (f"agencies/{typed.agency}", f"caseworkers/{typed.caseworker}", f"stages/{typed.stage1}",
                 f"touchpoints/{typed.tp1}", f"barriers/{typed.barrier}", f"agencies/{typed.agency}/edit"):
        response = client.get(f"/maps/{typed.id}/{path}", headers=HX)
        body = html(response)
        assert response.status_code == 200, path
        assert "<html" not in body
        assert leaks(body) == [], path
    card = html(client.get(f"/maps/{typed.id}/agencies/{typed.agency}", headers=HX))
    assert f"{FSI}{OVERRIDE}{PDI}" in card


def test_a_flash_names_the_person_isolated(app, client, typed):
    membership = add_to_map(typed.id, "olu@example.org", "viewer")
    db.session.get(User, membership.user_id).display_name = OVERRIDE
    db.session.commit()
    client.post(f"/maps/{typed.id}/members/{membership.id}/remove")
    body = html(client.get(f"/maps/{typed.id}/members"))
    assert f"{FSI}{OVERRIDE}{PDI} is no longer a member of this map." in body
    assert leaks(body) == []


# Drawings -------------------------------------------------------------------------------------

def test_the_silo_map_dot_and_svg_isolate_right_to_left_names(client, typed, view_of):
    """In drawings overrides become spaces (journeymap.render.labels.plain); right-to-left names
    are isolated, on every line they wrap onto, and our words beside them stay outside."""
    source = build_silo_graph(view_of(typed.id)).source
    assert "\u202e" not in source
    assert f"Silo map: {FSI}{HEBREW}{PDI}" in source
    # The caseworker's name and role, wrapped onto two lines: each line is an isolate of its own.
    # (Holding a file is no longer a line of its own: issue 9, legible in the room.)
    assert f"{FSI}{ARABIC}, Intake{PDI}\\n{FSI}worker{PDI}\"" in source
    svg = html(client.get(f"/maps/{typed.id}/silo-map.svg", query_string={"detail": "full"}))
    assert "\u202e" not in svg
    for text in markup.texts(svg, "text"):
        assert isolated(text), text
    assert f"{FSI}{ARABIC}, Intake{PDI}" in markup.texts(svg, "text")
    dot = client.post(f"/maps/{typed.id}/export", data={"format": "dot", "detail": "full"})
    assert dot.status_code == 200
    assert f"Silo map: {FSI}{HEBREW}{PDI}".encode() in dot.data and "\u202e".encode() not in dot.data


def test_the_journey_view_svg_isolates_right_to_left_text(client, typed):
    for detail in ("deidentified", "full"):
        svg = html(client.get(f"/maps/{typed.id}/journey-view.svg", query_string={"detail": detail}))
        assert "\u202e" not in svg
        texts = markup.texts(svg, "text") + markup.texts(svg, "title")
        for text in texts:
            assert all(isolated(line) for line in text.split("\n")), text
        assert f"Journey view: {FSI}{HEBREW}{PDI}" in texts
    assert f"{FSI}evil {ARABIC}{PDI}" in texts  # the first touchpoint's action, in full detail
    page = html(client.get(f"/maps/{typed.id}/journey-view"))
    assert leaks(page) == []


def test_the_brief_page_and_pdf_isolate_typed_text(client, typed, monkeypatch, tmp_path):
    page = html(client.get(f"/maps/{typed.id}/brief"))
    assert leaks(page) == []
    assert f"{FSI}{HEBREW}{PDI}" in page
    made = {}
    real = brief_module.html_to_pdf

    def keep(html_text, css, *, title):
        made["html"] = html_text
        return real(html_text, css, title=title)

    monkeypatch.setattr(brief_module, "html_to_pdf", keep)
    response = client.post(f"/maps/{typed.id}/brief.pdf", data={"detail": "full"})
    assert response.status_code == 200
    assert leaks(made["html"]) == []
    assert f"{FSI}{OVERRIDE}{PDI}" in made["html"]  # the barrier's title, in full detail
    path = tmp_path / "brief.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Whose job is it" in text


# Saving ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed_name", [OVERRIDE, HEBREW, f"{ARABIC}\n", "plain words"])
def test_edit_and_save_stores_exactly_what_was_typed(client, small, typed_name):
    url = f"/maps/{small.id}/agencies/{small.agency}/edit"
    client.post(url, data=with_seen_version(url, {"name": typed_name, "sector": "housing"}), headers=HX)
    stored = typed_name.strip()
    assert db.session.scalar(select(Agency.name).where(Agency.id == small.agency)) == stored
    # The edit form as a person gets it, saved without a change, twice.
    for _ in range(2):
        form = markup.select_one(html(client.get(url, headers=HX)), "form")
        fields = {field.get("name"): field.get("value") or "" for field in form.select("input")}
        fields["sector"] = "housing"
        response = client.post(url, data={**fields, **with_seen_version(url)}, headers=HX)
        assert response.status_code == 200
        db.session.expire_all()
        assert db.session.scalar(select(Agency.name).where(Agency.id == small.agency)) == stored


def test_a_value_that_went_out_isolated_comes_back_as_typed(client, small):
    """Shown in a hidden input's value (a deleted item's kept text), the isolate goes with it;
    saved, it is taken off again, so the stored text never grows."""
    url = f"/maps/{small.id}/agencies/{small.agency}/edit"
    client.post(url, data=with_seen_version(url, {"name": f"{FSI}{OVERRIDE}{PDI}", "sector": "housing"}),
                headers=HX)
    assert db.session.scalar(select(Agency.name).where(Agency.id == small.agency)) == OVERRIDE


def test_exports_keep_the_text_as_it_is(client, typed):
    for fmt in ("json", "touchpoints-csv"):
        data = client.post(f"/maps/{typed.id}/data/export", data={"format": fmt, "detail": "full"})
        assert data.status_code == 200, fmt
        content = data.data.decode()
        assert FSI not in content and PDI not in content, fmt
        assert OVERRIDE in content or OVERRIDE.encode("unicode_escape").decode() in content, fmt
