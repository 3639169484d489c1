"""The silo map's options: caseworkers counted per agency, focus on the barriers no one owns,
one stage. Read from `graph.source` like tests/unit/test_silo_dot.py, with its small map."""

from __future__ import annotations

import pytest

from journeymap.readmodel.filters import only_stage
from journeymap.render.silo import SiloOptions, build_silo_graph
from tests.unit.test_silo_dot import family_lines, parse, small, times  # noqa: F401  (fixture)

HIDDEN = SiloOptions(show_caseworkers=False)
FOCUS = SiloOptions(focus_unowned=True, show_caseworkers=False)
FOCUS_PEOPLE = SiloOptions(focus_unowned=True)


@pytest.fixture
def view(small):  # noqa: F811
    return small[0]


def box(dot, agency: str) -> str:
    """The one box standing for an agency: the agency_ node in its silo."""
    (node,) = [n for n in dot.members[dot.cluster_labelled(agency)] if n.startswith("agency_")]
    return node


def draw(view, options):
    return parse(build_silo_graph(view, options).source)


def test_counted_per_agency_draws_no_one_by_name(view):
    dot = draw(view, HIDDEN)
    for name in ("Ana", "Ben", "Cara", "Dora"):
        assert dot.nodes_labelled(name) == []
    housing = box(dot, "Housing Office")
    assert "2 caseworkers" in dot.text(housing) and "1 left" in dot.text(housing)
    assert dot.text(box(dot, "Food Bank")) == "(the agency)"
    # Dora has no agency: her silo is still there, as one box.
    assert "1 caseworker" in dot.text(box(dot, "Agency not recorded"))


def test_counted_per_agency_keeps_every_contact(view):
    dot = draw(view, HIDDEN)
    lines = family_lines(dot)
    assert sum(times(attrs) for attrs in lines.values()) == len(view.touchpoints)
    # Ana three times and the clinic's own call add up on the agencies' boxes.
    assert "3×" in lines[box(dot, "Housing Office")]["label"]
    assert "2×" in lines[box(dot, "Eastside Clinic")]["label"]


def test_owned_barriers_stay_in_their_silo_when_people_are_counted(view):
    dot = draw(view, HIDDEN)
    waitlist = dot.node_labelled("Two-year waitlist")
    assert dot.clusters_of(waitlist) == {dot.cluster_labelled("Housing Office")}


def test_focus_shows_only_the_barriers_no_one_owns_and_where_they_were_met(view):
    dot = draw(view, FOCUS)
    for owned in ("Two-year waitlist", "Lost papers", "Promise to call back"):
        assert dot.nodes_labelled(owned) == []
    heat = dot.node_labelled("Nobody fixes the heat")
    assert dot.clusters_of(heat) == {"cluster_unowned"}
    assert dot.nodes_labelled("Nobody coordinates")  # met nowhere, still shown
    # Only the agency where the family met an unowned barrier is drawn, joined by a dashed line.
    clusters = {name for name in dot.subgraphs if name.startswith("cluster_silo")}
    assert clusters == {dot.cluster_labelled("Housing Office")}
    housing = box(dot, "Housing Office")
    dashed = [(a, b) for a, b, attrs in dot.visible_edges() if "dashed" in attrs.get("style", "")]
    assert {frozenset(edge) for edge in dashed} == {frozenset((housing, heat))}


def test_focus_with_caseworkers_shows_whom_the_family_met_there(view):
    dot = draw(view, FOCUS_PEOPLE)
    heat = dot.node_labelled("Nobody fixes the heat")
    ana = dot.node_labelled("Ana")
    # Ana was there when the family met it; Ben, in the same agency, was not.
    assert dot.clusters_of(ana) == {dot.cluster_labelled("Housing Office")}
    assert dot.nodes_labelled("Ben") == [] and dot.nodes_labelled("Cara") == []
    assert [n for n in dot.members[dot.cluster_labelled("Housing Office")] if n.startswith("agency_")] == []
    dashed = [(a, b) for a, b, attrs in dot.visible_edges() if "dashed" in attrs.get("style", "")]
    assert {frozenset(edge) for edge in dashed} == {frozenset((ana, heat))}
    # The key says what the boxes are: people, not counts.
    assert "Caseworker" in build_silo_graph(view, FOCUS_PEOPLE).source


def test_the_title_says_what_is_shown(view):
    source = build_silo_graph(view, FOCUS).source
    assert "Silo map: barriers no one owns: Family T." in source
    stage = view.named_stages[0]
    source = build_silo_graph(only_stage(view, stage.id), SiloOptions(stage_id=stage.id)).source
    assert "Stage: Crisis" in source


def test_one_stage_counts_only_its_touchpoints(view):
    stage = view.named_stages[0]
    narrowed = only_stage(view, stage.id)
    dot = draw(narrowed, SiloOptions(stage_id=stage.id))
    lines = family_lines(dot)
    assert sum(times(attrs) for attrs in lines.values()) == len(stage.touchpoints) == 4
    # The clinic's own call and the helpline were not in a stage: no "someone not recorded".
    assert dot.nodes_labelled("Someone not recorded") == []
    # Dora (no touchpoint in the stage, but she owns a barrier met nowhere) is left out; so is
    # the food bank nobody met.
    assert dot.nodes_labelled("Dora") == [] and dot.nodes_labelled("Food Bank") == []
    assert dot.nodes_labelled("Lost papers") and dot.nodes_labelled("Two-year waitlist")


def test_only_stage_keeps_the_view_consistent(view):
    stage = view.named_stages[0]
    narrowed = only_stage(view, stage.id)
    assert [s.id for s in narrowed.stages] == [stage.id]
    assert {tp.id for tp in narrowed.touchpoints} == {tp.id for tp in stage.touchpoints}
    for barrier in narrowed.barriers:
        assert set(barrier.touchpoint_ids) <= {tp.id for tp in narrowed.touchpoints}
        assert narrowed.barrier(barrier.id) is barrier
    for tp in narrowed.touchpoints:
        assert narrowed.touchpoint(tp.id) is tp
        assert all(narrowed.barrier(b) is not None for b in tp.barrier_ids)
    with pytest.raises(KeyError):
        only_stage(view, 999_999)
