"""What changed on a map since its last steering meeting: pure functions of a map view, the
meeting's day and today.

Each change names a barrier (and a commitment, where there is one) by id and carries its day, so
a brief can show the words of whichever view it shows (de-identified or full detail) while the
days come from the full view, the one that keeps them. Each day says which declared field it comes
from (`day_from`), so a de-identified brief shows it only where that field's privacy class keeps
it. "Since" the meeting means on or after its day: what the meeting itself settled (an owner
recorded in the room) is news to the brief that follows it. Times are UTC, as the server keeps
them; days are their UTC days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from journeymap.readmodel import follow_up

OWNED = ANSWERED = ("barrier", "owner_answered_at")  # (recorded or answered: both REMOVED alike)


@dataclass(frozen=True)
class Change:
    barrier_id: int
    day: date | None  # None: not known (a barrier from before the app kept when it was added)
    day_from: tuple[str, str] = ("barrier", "created_at")  # (kind, field) the day is read from
    commitment_id: int | None = None
    progress_id: int | None = None


@dataclass(frozen=True)
class SinceMeeting:
    meeting_day: date
    today: date
    newly_owned: tuple[Change, ...]  # an owner recorded, or the owner's acceptance, since
    kept: tuple[Change, ...]  # next steps marked done since
    progress: tuple[Change, ...]  # progress entries dated since
    overdue: tuple[Change, ...]  # open next steps past their day, now (day: the day they were due)
    declined: tuple[Change, ...]  # owners who declined since (the barrier is no one's again)
    still_unowned: tuple[Change, ...]  # no one's now (day: since when, when known)
    new_barriers: tuple[Change, ...]  # put on the map since

    @property
    def anything(self) -> bool:
        return any((self.newly_owned, self.kept, self.progress, self.overdue, self.declined,
                    self.new_barriers))


def since_meeting(view, meeting_day: date, today: date) -> SinceMeeting:
    """The map `view` (full detail: de-identified views carry no times) compared with its state on
    `meeting_day`, on `today`."""
    def since(moment: datetime | date | None) -> bool:
        return moment is not None and _day(moment) >= meeting_day

    barriers = view.barriers
    newly_owned = [Change(b.id, _owned_day(b), OWNED) for b in barriers
                   if not b.is_unowned and (since(b.owner_recorded_at) or _accepted_since(b, since))]
    kept = [Change(c.barrier_id, _day(c.closed_at), ("commitment", "closed_at"), c.id)
            for c in view.commitments if c.status == "done" and since(c.closed_at)]
    progress = [Change(c.barrier_id, p.on_date, ("progress", "on_date"), c.id, p.id)
                for c in view.commitments for p in c.progress
                if since(p.on_date)]
    overdue = [Change(c.barrier_id, c.due_on, ("commitment", "due_on"), c.id)
               for c in follow_up.overdue_first(view.overdue_commitments(today), today)]
    declined = [Change(b.id, _day(b.owner_answered_at), ANSWERED) for b in barriers
                if b.is_unowned and b.owner_answer == "declined" and since(b.owner_answered_at)]
    handed_on: dict[int, date] = {}  # barrier -> the last day an owner handed it on
    for c in view.commitments:
        if c.status == "handed_on" and c.closed_at is not None:
            handed_on[c.barrier_id] = max(_day(c.closed_at), handed_on.get(c.barrier_id, date.min))
    still_unowned = [Change(b.id, _unowned_since(b, handed_on.get(b.id))) for b in view.unowned_barriers]
    new_barriers = [Change(b.id, _day(b.created_at)) for b in barriers if since(b.created_at)]
    return SinceMeeting(
        meeting_day=meeting_day, today=today,
        newly_owned=_newest_first(newly_owned), kept=_newest_first(kept), progress=_newest_first(progress),
        overdue=tuple(overdue), declined=_newest_first(declined),
        still_unowned=tuple(sorted(still_unowned, key=lambda c: (c.day or date.min, c.barrier_id))),
        new_barriers=_newest_first(new_barriers),
    )


def _day(moment: datetime | date | None) -> date | None:
    if moment is None:
        return None
    return moment.date() if isinstance(moment, datetime) else moment


def _accepted_since(barrier, since) -> bool:
    return barrier.owner_answer == "accepted" and since(barrier.owner_answered_at)


def _owned_day(barrier) -> date | None:
    """The latest of the owner being recorded and the owner accepting: when it became theirs."""
    days = [d for d in (_day(barrier.owner_recorded_at),
                        _day(barrier.owner_answered_at) if barrier.owner_answer == "accepted" else None) if d]
    return max(days) if days else None


def _unowned_since(barrier, handed_on: date | None) -> date | None:
    """Since when no one owns it: the latest of its owner declining, an owner handing it on (with
    a next step, the day that ended) and it being put on the map; None when none is known."""
    declined = _day(barrier.owner_answered_at) if barrier.owner_answer == "declined" else None
    days = [d for d in (declined, handed_on, _day(barrier.created_at)) if d is not None]
    return max(days) if days else None


def _newest_first(changes: list[Change]) -> tuple[Change, ...]:
    return tuple(sorted(changes, key=lambda c: (c.day or date.min, c.barrier_id), reverse=True))
