"""load_map_view: the whole map in a fixed number of queries, as plain read-only objects."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import event

from journeymap.domain.barriers import add_barrier, set_owner
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint, move_stage
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.readmodel.snapshot import UNSTAGED_NAME, load_map_view
from journeymap.samples import demo
from tests.actors import SETUP


def build_small_map():
    """Two stages (the second added first to touch the ordering), one agency, one barrier."""
    journey_map = start_map("Family S.", "Evicted", "A home")
    add_member(journey_map, "Father", "25-44", actor=SETUP)
    later = add_stage(journey_map, "Later", actor=SETUP)
    early = add_stage(journey_map, "Early", actor=SETUP)
    move_stage(journey_map, early, -1, actor=SETUP)  # Early, Later
    agency = add_agency(journey_map, "Food Bank", "nonprofit", actor=SETUP)
    worker = add_caseworker(journey_map, agency_id=agency.id, name="Kim", role="Volunteer", actor=SETUP)
    # Added out of journey order on purpose.
    l1 = add_touchpoint(journey_map, stage_id=later.id, action="l1", caseworker_id=worker.id, actor=SETUP)
    e1 = add_touchpoint(journey_map, stage_id=early.id, action="e1", agency_id=agency.id, actor=SETUP)
    l2 = add_touchpoint(journey_map, stage_id=later.id, action="l2", actor=SETUP)
    e2 = add_touchpoint(journey_map, stage_id=early.id, action="e2", documents="ID,\nLease", actor=SETUP)
    barrier = add_barrier(journey_map, [e1.id, l2.id], title="Far away", category="access", actor=SETUP)
    set_owner(journey_map, barrier, agency.id, None, actor=SETUP)
    db.session.commit()
    return journey_map, {"early": early, "later": later, "e1": e1, "e2": e2, "l1": l1, "l2": l2}


def test_unknown_map_id_is_none(app):
    assert load_map_view(db.session, 12345) is None
    journey_map, _ = build_small_map()
    assert load_map_view(db.session, journey_map.id + 1) is None


def test_touchpoints_come_in_stage_order_then_position(app, view_of):
    journey_map, _ = build_small_map()
    view = view_of(journey_map.id)
    assert [s.name for s in view.stages] == ["Early", "Later"]
    assert [tp.action for tp in view.touchpoints] == ["e1", "e2", "l1", "l2"]
    for stage in view.stages:
        assert [tp.position for tp in stage.touchpoints] == sorted(
            tp.position for tp in stage.touchpoints
        )
        assert all(tp.stage_id == stage.id for tp in stage.touchpoints)


def test_unstaged_group_comes_last_and_only_when_it_has_touchpoints(app, view_of):
    journey_map, s = build_small_map()
    empty = add_stage(journey_map, "Empty", actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert [st.name for st in view.stages] == ["Early", "Later", "Empty"]
    assert view.stages == view.named_stages
    assert UNSTAGED_NAME not in [st.name for st in view.stages]
    assert view.stage(empty.id).touchpoints == ()

    add_touchpoint(journey_map, stage_id=None, action="loose 1", actor=SETUP)
    add_touchpoint(journey_map, stage_id=None, action="loose 2", actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert [st.name for st in view.stages] == ["Early", "Later", "Empty", UNSTAGED_NAME]
    unstaged = view.stages[-1]
    assert unstaged.id is None
    assert [tp.action for tp in unstaged.touchpoints] == ["loose 1", "loose 2"]
    assert [st.name for st in view.named_stages] == ["Early", "Later", "Empty"]
    assert [tp.action for tp in view.touchpoints][-2:] == ["loose 1", "loose 2"]
    assert view.touchpoint(unstaged.touchpoints[0].id) == unstaged.touchpoints[0]


def test_view_lookups_and_derived_lists(app, view_of):
    journey_map, s = build_small_map()
    view = view_of(journey_map.id)
    (agency,) = view.agencies
    (worker,) = view.caseworkers
    assert view.agency(agency.id).name == "Food Bank"
    assert view.agency(None) is None and view.caseworker(None) is None
    assert worker.display_name == "Kim, Volunteer"
    assert [m.age_label for m in view.members] == ["25 to 44"]
    assert view.touchpoint(s["e2"].id).document_list == ["ID", "Lease"]
    assert [tp.action for tp in view.touchpoints_with(agency_id=agency.id)] == ["e1"]
    assert [tp.action for tp in view.touchpoints_with(caseworker_id=worker.id)] == ["l1"]
    (barrier,) = view.barriers
    assert barrier.touchpoint_ids == (s["e1"].id, s["l2"].id)
    assert view.barriers_at(s["l2"].id) == [barrier]
    assert view.barriers_at(s["e2"].id) == []
    assert view.unowned_barriers == []
    assert view.owner_text(barrier) == "Food Bank"


def test_view_is_read_only(app, view_of):
    journey_map, _ = build_small_map()
    view = view_of(journey_map.id)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.pseudonym = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.touchpoints[0].action = "changed"  # type: ignore[misc]


def test_a_view_holds_only_its_own_map(app, view_of):
    mine, _ = build_small_map()
    theirs = demo.load_demo()
    db.session.commit()
    view = view_of(mine.id)
    assert [a.name for a in view.agencies] == ["Food Bank"]
    assert len(view.caseworkers) == 1 and len(view.barriers) == 1
    assert [tp.action for tp in view.touchpoints] == ["e1", "e2", "l1", "l2"]
    assert all(
        set(tp.barrier_ids) <= {b.id for b in view.barriers} for tp in view.touchpoints
    )
    assert view_of(theirs.id).pseudonym == demo.PSEUDONYM


def _statements_to_load(map_id: int) -> list[str]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    db.session.expire_all()  # nothing cached: every row must be read
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        view = load_map_view(db.session, map_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert view is not None
    return statements


def test_query_count_does_not_grow_with_the_map(app):
    small, _ = build_small_map()
    big = demo.load_demo()
    db.session.commit()
    small_statements = _statements_to_load(small.id)
    big_statements = _statements_to_load(big.id)
    assert len(small_statements) == len(big_statements), (small_statements, big_statements)
    # the map, twelve kinds (the family's word, introductions and handoffs too), the links
    assert len(big_statements) <= 14, big_statements
