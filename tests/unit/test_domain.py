"""The write side: one domain function per change, committed by the caller, read back as a map view."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from journeymap.domain.barriers import add_barrier, delete_barrier, set_owner, update_barrier
from journeymap.domain.family import add_member, start_map, update_family
from journeymap.domain.journey import (
    add_stage,
    add_touchpoint,
    delete_stage,
    delete_touchpoint,
    move_stage,
    move_touchpoint,
    rename_stage,
    update_touchpoint,
)
from journeymap.domain.people import (
    add_agency,
    add_caseworker,
    delete_agency,
    delete_caseworker,
    update_caseworker,
)
from journeymap.extensions import db
from journeymap.models import JourneyMap, Touchpoint
from journeymap.readmodel.snapshot import UNSTAGED_NAME
from tests.actors import SETUP


def journey(view) -> list[tuple[str, list[str]]]:
    """The journey as (stage name, [touchpoint actions]) in display order."""
    return [(stage.name, [tp.action for tp in stage.touchpoints]) for stage in view.stages]


def positions_are_contiguous(view) -> bool:
    return all(
        [tp.position for tp in stage.touchpoints] == list(range(len(stage.touchpoints)))
        for stage in view.stages
    )


@pytest.fixture
def two_stages(app):
    """Stages One (a1, a2) and Two (b1, b2), committed; returns (map, {name: object})."""
    journey_map = start_map("Family T.")
    one = add_stage(journey_map, "One", actor=SETUP)
    two = add_stage(journey_map, "Two", actor=SETUP)
    things = {"One": one, "Two": two}
    for stage, actions in ((one, ("a1", "a2")), (two, ("b1", "b2"))):
        for action in actions:
            things[action] = add_touchpoint(journey_map, stage_id=stage.id, action=action, actor=SETUP)
    db.session.commit()
    return journey_map, things


# Building and committing -----------------------------------------------------------------------


def test_domain_functions_leave_the_commit_to_the_caller(app):
    journey_map = start_map("Family T.")
    add_stage(journey_map, "One", actor=SETUP)
    add_touchpoint(journey_map, stage_id=None, action="Called", actor=SETUP)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(JourneyMap)) == 0
    assert db.session.scalar(select(func.count()).select_from(Touchpoint)) == 0


def test_a_small_map_built_and_committed_reads_back_whole(app, view_of):
    journey_map = start_map("Family T.", "No heat", "Heat back on")
    add_member(journey_map, "Mother", "25-44", actor=SETUP)
    add_member(journey_map, "Son", "5-11", actor=SETUP)
    stage = add_stage(journey_map, "Crisis", actor=SETUP)
    agency = add_agency(journey_map, "Housing Office", "housing", actor=SETUP)
    worker = add_caseworker(journey_map, agency_id=agency.id, name="Ana", role="Intake", actor=SETUP)
    tp = add_touchpoint(
        journey_map, stage_id=stage.id, action="Applied", place="Office",
        agency_id=agency.id, caseworker_id=worker.id, days_waited=3, retold_story=True, actor=SETUP
    )
    barrier = add_barrier(journey_map, [tp.id], title="Long wait", severity="high", actor=SETUP)
    db.session.commit()

    view = view_of(journey_map.id)
    assert (view.pseudonym, view.situation, view.hopes) == ("Family T.", "No heat", "Heat back on")
    assert [m.role for m in view.members] == ["Mother", "Son"]
    assert [s.name for s in view.named_stages] == ["Crisis"]
    assert view.agency(agency.id).name == "Housing Office"
    assert view.caseworker(worker.id).agency_id == agency.id
    assert view.caseworkers_of(agency.id) == [view.caseworker(worker.id)]
    loaded = view.touchpoint(tp.id)
    assert (loaded.stage_id, loaded.caseworker_id, loaded.days_waited) == (stage.id, worker.id, 3)
    assert loaded.retold_story is True
    assert view.barrier(barrier.id).is_unowned
    assert view.barrier(barrier.id).touchpoint_ids == (tp.id,)


# Moving touchpoints ----------------------------------------------------------------------------


def test_move_touchpoint_within_a_stage_swaps_with_its_neighbour(two_stages, view_of):
    journey_map, t = two_stages
    assert move_touchpoint(journey_map, t["a1"], +1, actor=SETUP) is True
    db.session.commit()
    assert journey(view_of(journey_map.id)) == [("One", ["a2", "a1"]), ("Two", ["b1", "b2"])]

    assert move_touchpoint(journey_map, t["b2"], -1, actor=SETUP) is True
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view) == [("One", ["a2", "a1"]), ("Two", ["b2", "b1"])]
    assert positions_are_contiguous(view)


def test_move_up_from_the_first_of_a_stage_goes_last_in_the_stage_before(two_stages, view_of):
    journey_map, t = two_stages
    assert move_touchpoint(journey_map, t["b1"], -1, actor=SETUP) is True
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view) == [("One", ["a1", "a2", "b1"]), ("Two", ["b2"])]
    assert view.touchpoint(t["b1"].id).stage_id == t["One"].id
    assert positions_are_contiguous(view)


def test_move_down_from_the_last_of_a_stage_goes_first_in_the_stage_after(two_stages, view_of):
    journey_map, t = two_stages
    assert move_touchpoint(journey_map, t["a2"], +1, actor=SETUP) is True
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view) == [("One", ["a1"]), ("Two", ["a2", "b1", "b2"])]
    assert positions_are_contiguous(view)


def test_a_move_across_stages_counts_on_the_version_in_the_database_not_the_one_read(two_stages):
    journey_map, t = two_stages
    moved = t["a2"]
    seen = moved.version
    # An edit saved by someone else after this request read the touchpoint.
    with db.engine.begin() as other:
        other.execute(update(Touchpoint).where(Touchpoint.id == moved.id).values(version=seen + 1))
    assert move_touchpoint(journey_map, moved, +1, actor=SETUP) is True
    db.session.commit()
    assert db.session.get(Touchpoint, moved.id).version == seen + 2  # each change its own version


def test_move_up_from_the_very_first_touchpoint_is_refused(two_stages, view_of):
    journey_map, t = two_stages
    revision = view_of(journey_map.id).revision
    assert move_touchpoint(journey_map, t["a1"], -1, actor=SETUP) is False
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view) == [("One", ["a1", "a2"]), ("Two", ["b1", "b2"])]
    assert view.revision == revision


def test_later_at_the_end_of_the_last_stage_stays_put_and_unstaged_ones_move_up_into_it(
    two_stages, view_of
):
    # "Later" never takes a touchpoint out of the journey's stages, even when some touchpoints are
    # not in a stage yet; those move up into the last stage with "earlier".
    journey_map, t = two_stages
    loose = add_touchpoint(journey_map, stage_id=None, action="loose", actor=SETUP)
    db.session.commit()
    assert move_touchpoint(journey_map, t["b2"], +1, actor=SETUP) is False
    assert move_touchpoint(journey_map, loose, -1, actor=SETUP) is True
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view) == [("One", ["a1", "a2"]), ("Two", ["b1", "b2", "loose"])]
    assert positions_are_contiguous(view)


def test_move_down_from_the_very_last_touchpoint_is_refused_without_an_unstaged_group(
    two_stages, view_of
):
    # With no touchpoints outside a stage the last touchpoint of the last stage is the end of
    # the journey: "down" must be refused, not create a "not in a stage yet" group.
    journey_map, t = two_stages
    revision = view_of(journey_map.id).revision
    assert move_touchpoint(journey_map, t["b2"], +1, actor=SETUP) is False
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view) == [("One", ["a1", "a2"]), ("Two", ["b1", "b2"])]
    assert view.touchpoint(t["b2"].id).stage_id == t["Two"].id
    assert view.revision == revision


def test_move_down_from_the_very_last_unstaged_touchpoint_is_refused(two_stages, view_of):
    journey_map, _ = two_stages
    loose = add_touchpoint(journey_map, stage_id=None, action="loose", actor=SETUP)
    db.session.commit()
    assert move_touchpoint(journey_map, loose, +1, actor=SETUP) is False


def test_move_across_an_empty_stage_lands_in_it(two_stages, view_of):
    journey_map, t = two_stages
    middle = add_stage(journey_map, "Middle", actor=SETUP)
    assert move_stage(journey_map, middle, -1, actor=SETUP) is True
    db.session.commit()
    assert move_touchpoint(journey_map, t["a2"], +1, actor=SETUP) is True
    db.session.commit()
    assert journey(view_of(journey_map.id)) == [
        ("One", ["a1"]), ("Middle", ["a2"]), ("Two", ["b1", "b2"])
    ]


# Stages ----------------------------------------------------------------------------------------


def test_move_stage_reorders_the_stages_and_their_touchpoints(two_stages, view_of):
    journey_map, t = two_stages
    three = add_stage(journey_map, "Three", actor=SETUP)
    add_touchpoint(journey_map, stage_id=three.id, action="c1", actor=SETUP)
    db.session.commit()

    assert move_stage(journey_map, three, -1, actor=SETUP) is True
    db.session.commit()
    view = view_of(journey_map.id)
    assert [s.name for s in view.named_stages] == ["One", "Three", "Two"]
    assert [tp.action for tp in view.touchpoints] == ["a1", "a2", "c1", "b1", "b2"]
    assert [s.position for s in view.named_stages] == [0, 1, 2]

    assert move_stage(journey_map, t["One"], -1, actor=SETUP) is False
    assert move_stage(journey_map, t["Two"], +1, actor=SETUP) is False
    assert move_stage(journey_map, t["One"], +1, actor=SETUP) is True
    db.session.commit()
    assert [s.name for s in view_of(journey_map.id).named_stages] == ["Three", "One", "Two"]


def test_rename_stage(two_stages, view_of):
    journey_map, t = two_stages
    rename_stage(journey_map, t["Two"], "Waiting", actor=SETUP)
    db.session.commit()
    assert [s.name for s in view_of(journey_map.id).named_stages] == ["One", "Waiting"]


def test_deleting_a_stage_keeps_its_touchpoints_outside_any_stage(two_stages, view_of):
    journey_map, t = two_stages
    delete_stage(journey_map, t["One"], actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert [s.name for s in view.named_stages] == ["Two"]
    assert journey(view) == [("Two", ["b1", "b2"]), (UNSTAGED_NAME, ["a1", "a2"])]
    assert view.touchpoint(t["a1"].id).stage_id is None
    assert view.touchpoint(t["a2"].id).stage_id is None


def test_deleting_a_stage_keeps_its_touchpoints_together_beside_other_unstaged_ones(
    two_stages, view_of
):
    # The deleted stage's touchpoints must not interleave with those already outside a stage:
    # the group's order is (position, id), so keeping old positions shuffles the two runs.
    journey_map, t = two_stages
    add_touchpoint(journey_map, stage_id=None, action="loose 1", actor=SETUP)
    add_touchpoint(journey_map, stage_id=None, action="loose 2", actor=SETUP)
    db.session.commit()
    delete_stage(journey_map, t["One"], actor=SETUP)
    db.session.commit()
    (name, actions) = journey(view_of(journey_map.id))[-1]
    assert name == UNSTAGED_NAME
    assert sorted(actions) == ["a1", "a2", "loose 1", "loose 2"]
    assert actions in (["loose 1", "loose 2", "a1", "a2"], ["a1", "a2", "loose 1", "loose 2"])


def test_update_touchpoint_into_another_stage_puts_it_last_there(two_stages, view_of):
    journey_map, t = two_stages
    update_touchpoint(journey_map, t["a1"], stage_id=t["Two"].id, action="a1 moved", actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view) == [("One", ["a2"]), ("Two", ["b1", "b2", "a1 moved"])]

    update_touchpoint(journey_map, t["b1"], stage_id=None, actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view)[-1] == (UNSTAGED_NAME, ["b1"])


def test_update_touchpoint_in_the_same_stage_keeps_its_place(two_stages, view_of):
    journey_map, t = two_stages
    update_touchpoint(journey_map, t["a1"], stage_id=t["One"].id, place="Clinic", actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert journey(view)[0] == ("One", ["a1", "a2"])
    assert view.touchpoint(t["a1"].id).place == "Clinic"


# People and owners -----------------------------------------------------------------------------


@pytest.fixture
def people(app):
    journey_map = start_map("Family T.")
    agency = add_agency(journey_map, "Housing Office", "housing", actor=SETUP)
    other = add_agency(journey_map, "Clinic", "health", actor=SETUP)
    ana = add_caseworker(journey_map, agency_id=agency.id, name="Ana", role="Intake", actor=SETUP)
    ben = add_caseworker(journey_map, agency_id=agency.id, name="Ben", actor=SETUP)
    tp = add_touchpoint(
        journey_map, stage_id=None, action="Applied", agency_id=agency.id, caseworker_id=ana.id, actor=SETUP
    )
    by_agency = add_barrier(journey_map, [tp.id], title="Waitlist", actor=SETUP)
    set_owner(journey_map, by_agency, agency.id, None, actor=SETUP)
    by_worker = add_barrier(journey_map, [tp.id], title="Lost papers", actor=SETUP)
    set_owner(journey_map, by_worker, None, ana.id, actor=SETUP)
    db.session.commit()
    return journey_map, {
        "agency": agency, "other": other, "ana": ana, "ben": ben, "tp": tp,
        "by_agency": by_agency, "by_worker": by_worker,
    }


def test_deleting_an_agency_keeps_its_caseworkers_and_unowns_its_barriers(people, view_of):
    journey_map, p = people
    delete_agency(journey_map, p["agency"], actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert [a.name for a in view.agencies] == ["Clinic"]
    assert {c.name for c in view.caseworkers} == {"Ana", "Ben"}
    assert all(c.agency_id is None for c in view.caseworkers)
    assert view.touchpoint(p["tp"].id).agency_id is None
    assert view.touchpoint(p["tp"].id).caseworker_id == p["ana"].id
    assert view.barrier(p["by_agency"].id).is_unowned
    # Still owned by Ana, who is still on the map, now without an agency.
    worker_owned = view.barrier(p["by_worker"].id)
    assert not worker_owned.is_unowned
    assert view.barrier_owner_agency_id(worker_owned) is None
    assert {b.title for b in view.unowned_barriers} == {"Waitlist"}


def test_deleting_a_caseworker_unowns_their_barriers(people, view_of):
    journey_map, p = people
    delete_caseworker(journey_map, p["ana"], actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert [c.name for c in view.caseworkers] == ["Ben"]
    assert view.barrier(p["by_worker"].id).is_unowned
    assert view.touchpoint(p["tp"].id).caseworker_id is None
    assert view.touchpoint(p["tp"].id).agency_id == p["agency"].id


def test_set_owner(people, view_of):
    journey_map, p = people
    view = view_of(journey_map.id)
    by_agency, by_worker = view.barrier(p["by_agency"].id), view.barrier(p["by_worker"].id)
    assert (by_agency.owner_agency_id, by_agency.owner_caseworker_id) == (p["agency"].id, None)
    assert view.owner_text(by_agency) == "Housing Office"
    # A caseworker owner puts the barrier with the caseworker's agency.
    assert view.barrier_owner_agency_id(by_worker) == p["agency"].id
    assert view.owner_text(by_worker) == "Ana, Intake at Housing Office"

    set_owner(journey_map, p["by_agency"], p["other"].id, p["ben"].id, actor=SETUP)
    set_owner(journey_map, p["by_worker"], None, None, actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    both = view.barrier(p["by_agency"].id)
    assert (both.owner_agency_id, both.owner_caseworker_id) == (p["other"].id, p["ben"].id)
    assert view.barrier_owner_agency_id(both) == p["other"].id
    assert view.barrier(p["by_worker"].id).is_unowned
    assert view.owner_text(view.barrier(p["by_worker"].id)) == ""


# Barriers and touchpoints ----------------------------------------------------------------------


def test_barrier_touchpoint_links(two_stages, view_of):
    journey_map, t = two_stages
    a1, a2, b1 = t["a1"].id, t["a2"].id, t["b1"].id
    barrier = add_barrier(journey_map, [b1, a1, a1], title="Same papers again", category="paperwork",
        actor=SETUP)
    other = add_barrier(journey_map, [a1], title="Waiting", actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert view.barrier(barrier.id).touchpoint_ids == (a1, b1)
    assert view.touchpoint(a1).barrier_ids == (barrier.id, other.id)
    assert [b.title for b in view.barriers_at(b1)] == ["Same papers again"]
    assert view.touchpoint(a2).barrier_ids == ()

    update_barrier(journey_map, barrier, [a2], title="Same papers, again", actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert view.barrier(barrier.id).title == "Same papers, again"
    assert view.barrier(barrier.id).touchpoint_ids == (a2,)
    assert view.touchpoint(a1).barrier_ids == (other.id,)

    # Deleting a touchpoint drops its links; deleting a barrier drops the barrier's.
    delete_touchpoint(journey_map, t["a2"], actor=SETUP)
    delete_barrier(journey_map, other, actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert view.barrier(barrier.id).touchpoint_ids == ()
    assert view.barrier(other.id) is None
    assert view.touchpoint(a1).barrier_ids == ()


# Revision --------------------------------------------------------------------------------------


def test_every_change_bumps_the_map_revision(app, view_of):
    journey_map = start_map("Family T.")
    db.session.commit()
    seen = [view_of(journey_map.id).revision]
    state: dict = {}

    def step(change):
        change()
        db.session.commit()
        seen.append(view_of(journey_map.id).revision)
        assert seen[-1] > seen[-2], f"revision did not increase after {change.__name__}"

    def family():
        update_family(journey_map, situation="Power off", actor=SETUP)

    def member():
        add_member(journey_map, "Mother", "25-44", actor=SETUP)

    def stages():
        state["one"] = add_stage(journey_map, "One", actor=SETUP)
        state["two"] = add_stage(journey_map, "Two", actor=SETUP)

    def reorder_stages():
        assert move_stage(journey_map, state["two"], -1, actor=SETUP)

    def rename():
        rename_stage(journey_map, state["one"], "First", actor=SETUP)

    def agency():
        state["agency"] = add_agency(journey_map, "Clinic", "health", actor=SETUP)

    def caseworker():
        state["cw"] = add_caseworker(journey_map, agency_id=state["agency"].id, role="Nurse", actor=SETUP)

    def edit_caseworker():
        update_caseworker(journey_map, state["cw"], status="left", actor=SETUP)

    def touchpoints():
        state["tp1"] = add_touchpoint(journey_map, stage_id=state["one"].id, action="x", actor=SETUP)
        state["tp2"] = add_touchpoint(journey_map, stage_id=state["one"].id, action="y", actor=SETUP)

    def reorder_touchpoints():
        assert move_touchpoint(journey_map, state["tp2"], -1, actor=SETUP)

    def cross_stage():
        # tp2 is now first in "One", which comes after "Two": up crosses into "Two".
        assert move_touchpoint(journey_map, state["tp2"], -1, actor=SETUP)

    def edit_touchpoint():
        update_touchpoint(journey_map, state["tp1"], stage_id=None, actor=SETUP)

    def barrier():
        state["barrier"] = add_barrier(journey_map, [state["tp1"].id], title="Cold", actor=SETUP)

    def owner():
        set_owner(journey_map, state["barrier"], state["agency"].id, None, actor=SETUP)

    def edit_barrier():
        update_barrier(journey_map, state["barrier"], [], title="Cold house", actor=SETUP)

    def remove_agency():
        delete_agency(journey_map, state["agency"], actor=SETUP)

    def remove_stage():
        delete_stage(journey_map, state["one"], actor=SETUP)

    def remove_touchpoint():
        delete_touchpoint(journey_map, state["tp2"], actor=SETUP)

    def remove_barrier():
        delete_barrier(journey_map, state["barrier"], actor=SETUP)

    for change in (
        family, member, stages, reorder_stages, rename, agency, caseworker, edit_caseworker,
        touchpoints, reorder_touchpoints, cross_stage, edit_touchpoint, barrier, owner,
        edit_barrier, remove_agency, remove_stage, remove_touchpoint, remove_barrier,
    ):
        step(change)
    assert seen == sorted(set(seen))
