"""The write side of following up: answer, commit, record progress, mark done, hand on. Each in
the caller's transaction, each with a history entry naming its actor."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from journeymap.domain import commitments
from journeymap.domain.barriers import add_barrier, set_owner
from journeymap.domain.family import start_map
from journeymap.domain.history import Actor
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import HistoryEntry
from tests.actors import SETUP

DANA = Actor(None, "Dana Case", "caseworker")


@pytest.fixture
def owned(app):
    """A barrier owned by the housing office, its owner not yet answered; (map, barrier, worker id)."""
    journey_map = start_map("Family C.")
    housing = add_agency(journey_map, name="Housing Office", sector="housing", actor=SETUP)
    worker = add_caseworker(journey_map, name="Dana", role="intake worker", agency_id=housing.id, actor=SETUP)
    barrier = add_barrier(journey_map, [], title="Deposit lost", actor=SETUP)
    set_owner(journey_map, barrier, housing.id, None, actor=SETUP)
    db.session.commit()
    return journey_map, barrier, worker.id


def last_entry(map_id: int) -> HistoryEntry:
    return db.session.scalars(select(HistoryEntry).where(HistoryEntry.map_id == map_id)
                              .order_by(HistoryEntry.id.desc())).first()


def test_recording_an_owner_asks_them(owned, view_of):
    journey_map, barrier, _ = owned
    assert view_of(journey_map.id).barrier(barrier.id).answer == "pending"


def test_accepting_records_who_and_when(owned, view_of):
    journey_map, barrier, _ = owned
    commitments.accept(journey_map, barrier, actor=DANA)
    db.session.commit()
    item = view_of(journey_map.id).barrier(barrier.id)
    assert (item.answer, item.owner_answered_by) == ("accepted", "Dana Case")
    assert item.owner_answered_at is not None
    entry = last_entry(journey_map.id)
    assert (entry.action, entry.actor_name) == ("accepted", "Dana Case")
    assert entry.changes["owner"] == "Housing Office"


def test_declining_leaves_no_one_owning_it_and_says_who_and_why(owned, view_of):
    journey_map, barrier, _ = owned
    commitments.decline(journey_map, barrier, "Not our service: the landlord holds the deposit.", actor=DANA)
    db.session.commit()
    view = view_of(journey_map.id)
    item = view.barrier(barrier.id)
    assert item.is_unowned and item in view.unowned_barriers
    assert (item.answer, item.owner_answered_by) == ("declined", "Dana Case")
    assert item.decline_reason.startswith("Not our service")
    entry = last_entry(journey_map.id)
    assert entry.action == "declined" and entry.changes["owner"] == "Housing Office"


def test_a_new_owner_after_a_decline_is_asked_afresh(owned, view_of):
    journey_map, barrier, worker_id = owned
    commitments.decline(journey_map, barrier, "Not ours", actor=DANA)
    set_owner(journey_map, barrier, None, worker_id, actor=SETUP)
    db.session.commit()
    item = view_of(journey_map.id).barrier(barrier.id)
    assert (item.answer, item.decline_reason) == ("pending", "")


def test_nothing_to_answer_without_an_owner_or_twice(owned):
    journey_map, barrier, _ = owned
    commitments.accept(journey_map, barrier, actor=DANA)
    with pytest.raises(commitments.NotNow):
        commitments.accept(journey_map, barrier, actor=DANA)
    commitments.decline(journey_map, barrier, "Changed our mind", actor=DANA)
    with pytest.raises(commitments.NotNow):
        commitments.decline(journey_map, barrier, "again", actor=DANA)


def committed(owned, due=date(2026, 12, 18)):
    journey_map, barrier, worker_id = owned
    commitments.accept(journey_map, barrier, actor=DANA)
    made = commitments.commit_to(journey_map, barrier, actor=DANA, next_step="Call the landlord",
                                 who_caseworker_id=worker_id, who_text="", due_on=due)
    db.session.commit()
    return made


def test_a_commitment_needs_an_accepted_barrier_and_only_one_is_open(owned):
    journey_map, barrier, _ = owned
    with pytest.raises(commitments.NotNow):
        commitments.commit_to(journey_map, barrier, actor=DANA, next_step="x", who_caseworker_id=None,
                              who_text="", due_on=None)
    committed(owned)
    with pytest.raises(commitments.NotNow):
        commitments.commit_to(journey_map, barrier, actor=DANA, next_step="y", who_caseworker_id=None,
                              who_text="", due_on=None)


def test_commitment_and_progress_are_in_the_map_view_with_history(owned, view_of):
    journey_map, barrier, worker_id = owned
    made = committed(owned)
    commitments.record_progress(journey_map, made, actor=DANA, on_date=date(2026, 12, 9),
                                what_was_done="Left a message", what_is_blocking="Landlord away")
    db.session.commit()
    view = view_of(journey_map.id)
    shown = view.commitment_of(barrier.id)
    assert (shown.next_step, shown.who_caseworker_id, shown.due_on) == ("Call the landlord", worker_id,
                                                                         date(2026, 12, 18))
    assert [(p.what_was_done, p.by_name) for p in shown.progress] == [("Left a message", "Dana Case")]
    entry = last_entry(journey_map.id)
    assert (entry.action, entry.kind, entry.actor_name) == ("added", "progress", "Dana Case")
    assert entry.changes["what_is_blocking"] == "Landlord away"


def test_done_keeps_the_owner_and_what_changed(owned, view_of):
    journey_map, barrier, _ = owned
    made = committed(owned)
    commitments.mark_done(journey_map, made, "The deposit was returned; they could move.", actor=DANA)
    db.session.commit()
    view = view_of(journey_map.id)
    shown = view.commitment_of(barrier.id)
    assert (shown.status, shown.what_changed[:11]) == ("done", "The deposit")
    assert not view.barrier(barrier.id).is_unowned and view.open_commitments == []
    assert last_entry(journey_map.id).changes["status"] == ["open", "done"]
    with pytest.raises(commitments.NotNow):
        commitments.record_progress(journey_map, made, actor=DANA, on_date=date(2026, 12, 9),
                                    what_was_done="late", what_is_blocking="")


def test_handing_on_ends_the_commitment_and_asks_for_an_owner_again(owned, view_of):
    journey_map, barrier, _ = owned
    committed(owned)
    commitments.hand_on(journey_map, barrier, actor=DANA)
    db.session.commit()
    view = view_of(journey_map.id)
    item = view.barrier(barrier.id)
    assert item.is_unowned and item.answer is None
    assert view.commitment_of(barrier.id).status == "handed_on"
    entry = last_entry(journey_map.id)
    assert (entry.action, entry.changes) == ("handed-on", {"owner": "Housing Office"})


def test_overdue_is_counted_on_the_map(owned, view_of):
    journey_map, _, _ = owned
    committed(owned, due=date(2026, 12, 1))
    view = view_of(journey_map.id)
    assert len(view.overdue_commitments(date(2026, 12, 1))) == 0
    assert len(view.overdue_commitments(date(2026, 12, 2))) == 1


@pytest.mark.parametrize("how", ["decline", "another owner"])
def test_a_next_step_ends_when_its_owner_no_longer_holds_the_barrier(owned, view_of, how):
    journey_map, barrier, worker_id = owned
    committed(owned)
    if how == "decline":
        commitments.decline(journey_map, barrier, "We cannot after all", actor=DANA)
    else:
        set_owner(journey_map, barrier, None, worker_id, actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)
    assert view.commitment_of(barrier.id).status == "handed_on" and view.open_commitments == []
