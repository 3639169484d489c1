"""readmodel/since_meeting.py: the map now against the last steering meeting, as a pure function of
a map view, the meeting's day and today (no database, no clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from journeymap.readmodel.since_meeting import since_meeting
from journeymap.readmodel.views import BarrierView, CommitmentView, MapView, ProgressView

MEETING = date(2026, 11, 16)
TODAY = date(2026, 12, 7)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, 30, tzinfo=UTC)


BEFORE, ON, AFTER = date(2026, 11, 2), MEETING, date(2026, 11, 20)


def barrier(id_, *, owner=None, created=None, recorded=None, answer=None, answered=None, reason=""):
    return BarrierView(id=id_, title=f"Barrier {id_}", owner_agency_id=owner,
                       created_at=at(created) if created else None,
                       owner_recorded_at=at(recorded) if recorded else None, owner_answer=answer,
                       owner_answered_at=at(answered) if answered else None, decline_reason=reason)


def commitment(id_, barrier_id, *, status="open", due=None, closed=None, progress=()):
    return CommitmentView(id=id_, barrier_id=barrier_id, next_step=f"Step {id_}", status=status, due_on=due,
                          closed_at=at(closed) if closed else None, created_at=at(BEFORE),
                          progress=tuple(ProgressView(id=id_ * 10 + n, commitment_id=id_, on_date=d,
                                                      what_was_done="Rang") for n, d in enumerate(progress)))


def compare(barriers, commitments=()):
    return since_meeting(MapView(id=1, pseudonym="F.", barriers=tuple(barriers),
                                 commitments=tuple(commitments)), MEETING, TODAY)


def ids(changes):
    return [(c.barrier_id, c.day) for c in changes]


def test_an_owner_recorded_or_accepting_on_or_after_the_meeting_is_newly_owned():
    result = compare([
        barrier(1, owner=5, created=BEFORE, recorded=BEFORE),  # owned before: not news
        barrier(2, owner=5, created=BEFORE, recorded=ON),  # in the meeting itself: news to the next brief
        barrier(3, owner=5, created=BEFORE, recorded=BEFORE, answer="accepted", answered=AFTER),
        barrier(4, owner=5, created=BEFORE, recorded=AFTER, answer="pending"),
        barrier(6, owner=None, created=BEFORE),  # no one's: not owned at all
    ])
    assert ids(result.newly_owned) == [(4, AFTER), (3, AFTER), (2, ON)]  # newest first


def test_next_steps_kept_and_progress_since_the_meeting_with_their_days():
    result = compare(
        [barrier(1, owner=5, created=BEFORE)],
        [commitment(7, 1, status="done", closed=AFTER, progress=(BEFORE, AFTER)),
         commitment(8, 1, status="done", closed=BEFORE),
         commitment(9, 1, status="handed_on", closed=AFTER)],
    )
    assert [(c.commitment_id, c.day) for c in result.kept] == [(7, AFTER)]
    assert [(c.progress_id, c.day) for c in result.progress] == [(71, AFTER)]


def test_overdue_is_now_whenever_it_fell_due_longest_overdue_first():
    result = compare(
        [barrier(1, owner=5, created=BEFORE), barrier(2, owner=5, created=BEFORE)],
        [commitment(7, 1, due=date(2026, 12, 1)), commitment(8, 2, due=date(2026, 10, 1)),
         commitment(9, 2, due=TODAY), commitment(10, 1, status="done", due=date(2026, 10, 1), closed=BEFORE)],
    )
    overdue = [(c.commitment_id, c.day) for c in result.overdue]
    assert overdue == [(8, date(2026, 10, 1)), (7, date(2026, 12, 1))]


def test_declined_since_and_still_no_ones_since_when():
    handed_back = date(2026, 11, 25)
    result = compare([
        barrier(1, created=BEFORE, answer="declined", answered=AFTER, reason="Not ours"),
        barrier(2, created=BEFORE, answer="declined", answered=BEFORE),
        barrier(3, created=date(2026, 10, 1)),
        barrier(4),  # from before the app kept when a barrier was added
        barrier(5, created=date(2026, 10, 1)),  # owned, then handed on with its next step
    ], [commitment(9, 5, status="handed_on", closed=handed_back)])
    assert ids(result.declined) == [(1, AFTER)]
    assert ids(result.still_unowned) == [(4, None), (3, date(2026, 10, 1)), (2, BEFORE), (1, AFTER),
                                         (5, handed_back)]


def test_new_barriers_are_those_added_since_and_unknown_is_not_new():
    result = compare([barrier(1, created=BEFORE), barrier(2, created=ON), barrier(3, created=AFTER),
                      barrier(4)])
    assert ids(result.new_barriers) == [(3, AFTER), (2, ON)]
    assert result.anything


def test_nothing_since_a_meeting_today():
    quiet = since_meeting(MapView(id=1, pseudonym="F.", barriers=(barrier(1, owner=5, created=BEFORE),)),
                          TODAY, TODAY)
    assert not quiet.anything and quiet.meeting_day == TODAY
