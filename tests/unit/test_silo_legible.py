"""Legible in the room: the silo map's type sizes and shorter labels, the overview (one box per
agency), one silo on its own, and the measure that chooses between the whole map and the overview.
Read from `graph.source` like tests/unit/test_silo_dot.py, with its small map."""

from __future__ import annotations

import re
from datetime import date

import pytest

from journeymap.domain.commitments import accept, commit_to
from journeymap.domain.family import start_map
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import Barrier, JourneyMap
from journeymap.render import runner
from journeymap.render import silo_overview as overview_module
from journeymap.render.silo import EVERYTHING, SiloOptions, build_silo_graph
from journeymap.render.silo_layout import TEXT_PT
from journeymap.render.silo_one import only_agency
from journeymap.render.silo_overview import LEGIBLE_PX, shows_overview, smallest_text_px
from tests.unit.test_silo_dot import MARKER, SETUP, parse, small  # noqa: F401  (fixture)

OVERVIEW = SiloOptions(scope="overview")
IN_PAGE = SiloOptions(key_in_page=True)


@pytest.fixture
def view(small):  # noqa: F811
    return small[0]


def draw(view, options=EVERYTHING):
    return parse(build_silo_graph(view, options).source)


def agency_id(view, name: str) -> int:
    (found,) = [a.id for a in view.agencies if a.name == name]
    return found


@pytest.mark.parametrize("options", [
    SiloOptions(), SiloOptions(show_caseworkers=False), SiloOptions(focus_unowned=True), IN_PAGE, OVERVIEW,
], ids=["whole", "counted", "focus", "in page", "overview"])
def test_no_text_is_smaller_than_the_drawings_text_size(view, options):
    source = build_silo_graph(view, options).source
    sizes = [float(size) for size in re.findall(r"fontsize=\"?([0-9.]+)", source)]
    assert sizes and min(sizes) >= float(TEXT_PT) >= 20


def test_caseworkers_take_one_line_unless_there_is_something_to_say(view):
    dot = draw(view)
    assert "holds a file" not in build_silo_graph(view).source
    assert dot.text(dot.node_labelled("Ana")).count("\\n") == 0
    assert "(has left)" in dot.text(dot.node_labelled("Ben"))


def test_barriers_are_boxes_with_cut_corners_and_no_owner_is_bold(view):
    dot = draw(view)
    owned = dot.nodes[dot.node_labelled("Two-year waitlist")]
    unowned = dot.nodes[dot.node_labelled("Nobody fixes the heat")]
    assert owned["shape"] == unowned["shape"] == "box"
    assert "diagonals" in owned["style"] and "diagonals" in unowned["style"]
    assert "bold" in unowned["style"] and "bold" not in owned["style"]
    assert "NO OWNER" in dot.text(dot.node_labelled("Nobody fixes the heat"))


def test_the_page_can_give_the_title_and_key_instead_of_the_picture(view):
    with_key = draw(view)
    assert any(attrs.get("label") == "Key" for attrs in with_key.subgraphs.values())
    in_page = build_silo_graph(view, IN_PAGE)
    assert "Key" not in in_page.source and "Silo map" not in in_page.source
    assert "Ana" in in_page.source  # the same drawing otherwise


def test_the_overview_is_one_box_per_agency_with_its_counts(view):
    dot = draw(view, OVERVIEW)
    assert not [name for name in dot.subgraphs if name.startswith("cluster")]
    for name in ("Ana", "Ben", "Cara", "Two-year waitlist", "Nobody fixes the heat"):
        assert dot.nodes_labelled(name) == [], name
    housing = dot.text(dot.node_labelled("Housing Office"))
    assert "2 caseworkers · met 3×" in housing
    assert "1 barrier owned · 1 NO OWNER" in housing
    assert "1 caseworker" in dot.text(dot.node_labelled("Agency not recorded"))
    assert "No one owns 2 barriers" in dot.text(dot.node_labelled("No one owns"))
    assert "OVERDUE" not in build_silo_graph(view, OVERVIEW).source  # no next step on this map


def overdue_next_step_on_the_waitlist(view) -> date:
    """The Housing Office's barrier accepted with a next step due 1 December 2026; returns a day
    after it, on which that step is overdue."""
    journey_map = db.session.get(JourneyMap, view.id)
    waitlist = db.session.scalar(db.select(Barrier).where(Barrier.title == "Two-year waitlist"))
    accept(journey_map, waitlist, actor=SETUP)
    commit_to(journey_map, waitlist, actor=SETUP, next_step="Ask for the priority list",
              who_caseworker_id=None, who_text="", due_on=date(2026, 12, 1))
    db.session.flush()
    return date(2026, 12, 7)


def test_the_overview_counts_overdue_next_steps_per_agency(view_of, view):
    today = overdue_next_step_on_the_waitlist(view)
    fresh = view_of(view.id)
    dot = parse(build_silo_graph(fresh, SiloOptions(scope="overview", today=today)).source)
    assert "1 OVERDUE" in dot.text(dot.node_labelled("Housing Office"))
    assert "OVERDUE" not in dot.text(dot.node_labelled("Eastside Clinic"))
    # The day before it was due, nothing is overdue.
    before = SiloOptions(scope="overview", today=date(2026, 11, 30))
    assert "OVERDUE" not in build_silo_graph(fresh, before).source


def test_a_barrier_with_an_overdue_next_step_says_so_in_words(view_of, view):
    today = overdue_next_step_on_the_waitlist(view)
    fresh = view_of(view.id)
    dot = parse(build_silo_graph(fresh, SiloOptions(today=today)).source)
    waitlist = dot.node_labelled("Two-year waitlist")
    assert "OVERDUE next step" in dot.text(waitlist)
    assert "OVERDUE" not in dot.text(dot.node_labelled("Lost papers"))
    assert "OVERDUE" not in build_silo_graph(fresh, EVERYTHING).source  # no day given: not marked


def test_focus_on_the_overview_keeps_the_agencies_where_a_barrier_no_one_owns_was_met(view):
    dot = draw(view, SiloOptions(scope="overview", focus_unowned=True))
    assert dot.nodes_labelled("Housing Office")
    assert not dot.nodes_labelled("Food Bank") and not dot.nodes_labelled("Eastside Clinic")


def test_one_silo_has_its_people_its_barriers_and_those_no_one_owns_met_there(view):
    dot = draw(view, SiloOptions(agency_id=agency_id(view, "Housing Office")))
    for here in ("Ana", "Ben", "Two-year waitlist", "Nobody fixes the heat"):
        assert dot.nodes_labelled(here), here
    for elsewhere in ("Cara", "Dora", "Lost papers", "Nobody coordinates", "Eastside Clinic"):
        assert dot.nodes_labelled(elsewhere) == [], elsewhere
    assert dot.clusters_of(dot.node_labelled("Nobody fixes the heat")) == {"cluster_unowned"}
    assert "One silo, Housing Office" in build_silo_graph(
        view, SiloOptions(agency_id=agency_id(view, "Housing Office"))).source


def test_one_silo_narrows_the_touchpoints_and_barriers_to_it(view):
    clinic = only_agency(view, agency_id(view, "Eastside Clinic"))
    assert [a.name for a in clinic.agencies] == ["Eastside Clinic"]
    assert {tp.action for tp in clinic.touchpoints} == {"Saw Cara", "Called the clinic"}
    assert {b.title for b in clinic.barriers} == {"Lost papers"}
    # An agency the family never met still has its silo, empty of contacts.
    food = only_agency(view, agency_id(view, "Food Bank"))
    assert food.touchpoints == [] and [a.name for a in food.agencies] == ["Food Bank"]


def test_auto_is_the_whole_map_unless_it_is_past_the_size_none_measured_legible(view, monkeypatch):
    auto = SiloOptions(scope="auto")
    assert not shows_overview(view, auto)
    assert draw(view, auto).nodes_labelled("Ana")
    monkeypatch.setattr(overview_module, "OVERVIEW_BOXES", 3)
    assert shows_overview(view, auto) and not shows_overview(view, SiloOptions(scope="whole"))
    assert draw(view, auto).nodes_labelled("Ana") == []
    # One silo is never the overview.
    assert not shows_overview(view, SiloOptions(scope="auto", agency_id=agency_id(view, "Food Bank")))


def test_smallest_text_is_read_from_the_svg_as_fitted_to_the_screen():
    svg = b'<svg width="1440pt" height="540pt" viewBox="0 0 1440 540"><text font-size="22.00">a</text>' \
          b'<text font-size="30.00">b</text></svg>'
    # 1440 pt = 1920 px: shown at its natural size on a 1920-wide screen, 22 pt is 29.3 px.
    assert smallest_text_px(svg, (1920, 1080)) == pytest.approx(22 * 4 / 3)
    # Twice as wide as the screen: half the size.
    assert smallest_text_px(svg, (960, 1080)) == pytest.approx(22 * 4 / 3 / 2)
    assert smallest_text_px(b"<svg></svg>", (1920, 1080)) is None
    assert LEGIBLE_PX == 18


def test_overview_of_hostile_names_renders_escaped(app, view_of):
    m = start_map(MARKER)
    agency = add_agency(m, MARKER, "county", actor=SETUP)
    add_caseworker(m, agency_id=agency.id, name=MARKER, role=MARKER, actor=SETUP)
    db.session.commit()
    source = build_silo_graph(view_of(m.id), OVERVIEW).source
    svg = runner.render(source, "svg", timeout=20).decode("utf-8")
    assert "<script" not in svg.lower() and "&lt;script&gt;" in svg
    assert "x [\\N" in svg  # \N drawn as written, not expanded to the node's name
