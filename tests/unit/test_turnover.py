"""Turnover (journeymap.readmodel.turnover): the partnership resets to zero when the family meets
whoever took over from a caseworker who left, with nothing (known to be) passed on."""

from __future__ import annotations

import json

import pytest

from journeymap.domain.imports import import_map
from journeymap.exports.json_out import map_to_json_dict
from journeymap.extensions import db
from journeymap.readmodel import turnover
from journeymap.readmodel.metrics import family_figures
from journeymap.readmodel.snapshot import CaseworkerView, MapView
from journeymap.render.silo import SiloOptions, build_silo_graph
from journeymap.samples import demo


def worker(id_, name, *, left=False, successor=None, handover=None):
    return CaseworkerView(id=id_, name=name, role="", agency_id=None, holds_file=True,
                          status="left" if left else "active", successor_id=successor, handover=handover)


def map_of(*workers):
    return MapView(id=1, pseudonym="F.", caseworkers=tuple(workers))


@pytest.mark.parametrize(("handover", "resets"), [
    ("nothing", True), ("unknown", True), (None, True), ("without_notes", False), ("with_notes", False),
])
def test_a_succession_resets_to_zero_unless_the_file_was_passed_on(handover, resets):
    view = map_of(worker(1, "Ada", left=True, successor=2, handover=handover), worker(2, "Bo"))
    succession = turnover.succession_of(view, view.caseworker(1))
    assert succession.successor.name == "Bo"
    assert succession.resets_to_zero is resets
    assert turnover.resets(view) == ([succession] if resets else [])
    assert ("Bo" in succession.words) is resets


def test_the_words_say_what_was_passed_on():
    view = map_of(worker(1, "Ada", left=True, successor=2, handover="nothing"), worker(2, "Bo"),
                  worker(3, "Cy", left=True, successor=2, handover="unknown"))
    assert turnover.succession_of(view, view.caseworker(1)).words == (
        "Resets to zero: nothing was passed on to Bo.")
    assert turnover.succession_of(view, view.caseworker(3)).words == (
        "Resets to zero: nothing is known to have been passed on to Bo.")


def test_no_successor_no_reset_and_someone_in_post_has_no_succession():
    view = map_of(worker(1, "Ada", left=True, handover="nothing"), worker(2, "Bo"))
    assert turnover.succession_of(view, view.caseworker(2)) is None
    assert not turnover.succession_of(view, view.caseworker(1)).resets_to_zero
    assert turnover.left_without_successor(view) == [view.caseworker(1)]


def test_figures_count_who_left_and_handovers_with_nothing_passed():
    view = map_of(worker(1, "Ada", left=True, successor=2, handover="nothing"), worker(2, "Bo"),
                  worker(3, "Cy", left=True, handover="unknown"),
                  worker(4, "Di", left=True, handover="with_notes"))
    figures = {f.label: f.value for f in family_figures(view)}
    assert figures["caseworkers who left"] == 3
    assert figures["handovers with nothing passed on"] == 1



def test_the_demo_has_one_departure_with_nothing_passed_on_and_one_with_notes(app, view_of):
    journey_map = demo.load_demo()
    db.session.commit()
    view = view_of(journey_map.id)
    (reset,) = turnover.resets(view)
    assert (reset.left.name, reset.successor.name, reset.handover) == ("Marcus", "Tanya", "nothing")
    assert sorted(s.handover for s in turnover.successions(view)) == ["nothing", "with_notes"]


def test_a_successor_later_in_the_file_round_trips(app, view_of):
    journey_map = demo.load_demo()
    db.session.commit()
    first = map_to_json_dict(view_of(journey_map.id))
    keys = [c["key"] for c in first["caseworkers"]]
    marcus = next(c for c in first["caseworkers"] if c["name"] == "Marcus")
    assert keys.index(marcus["successor"]) > keys.index(marcus["key"])  # a reference forward
    copied = import_map(db.session, json.loads(json.dumps(first)))
    db.session.commit()
    assert map_to_json_dict(view_of(copied.id)) == first


def test_the_silo_map_draws_the_succession_in_words(app, view_of):
    journey_map = demo.load_demo()
    db.session.commit()
    view = view_of(journey_map.id)
    marcus = next(c for c in view.caseworkers if c.name == "Marcus")
    source = build_silo_graph(view).source
    edge = next(line for line in source.splitlines() if f"cw_{marcus.id} -> cw_{marcus.successor_id}" in line)
    assert 'xlabel="took over: nothing passed"' in edge and "dashed" in edge
    assert "took over: file with notes" in source
    # Drawn only where caseworkers are drawn one by one.
    assert "took over" not in build_silo_graph(view, SiloOptions(show_caseworkers=False)).source
