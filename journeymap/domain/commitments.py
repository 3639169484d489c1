"""An owner's answer and what they said they would do: accept or decline a barrier, set its next
step, record progress, mark it done or hand it on.

Each function changes the map in the caller's transaction and records its own history entry with
the actor it is given. Versions are claimed by the route (journeymap.domain.common.claim) before
any of these run, as for every other edit, so two people answering at once cannot both win.
"""

from __future__ import annotations

from datetime import date

from journeymap.domain import history
from journeymap.domain.common import add, apply, ref_name
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.kinds.items import BARRIER, COMMITMENT, PROGRESS
from journeymap.models import Barrier, Commitment, JourneyMap, ProgressEntry
from journeymap.models.utctime import utcnow


class NotNow(Exception):
    """The barrier or commitment is not in a state where this makes sense (already answered,
    already done): the route shows the card as it is now."""


def accept(journey_map: JourneyMap, barrier: Barrier, *, actor: Actor) -> None:
    """The owner takes the barrier on."""
    if barrier.is_unowned or barrier.owner_answer == "accepted":
        raise NotNow
    _answer(journey_map, barrier, "accepted", actor=actor, owner=_owner_words(barrier))


def decline(journey_map: JourneyMap, barrier: Barrier, reason: str, *, actor: Actor) -> None:
    """The owner says no: the barrier goes back to no one owning it, saying who declined and why."""
    if barrier.is_unowned:
        raise NotNow
    owner = _owner_words(barrier)
    end_open_commitment(journey_map, barrier, actor=actor)  # accepted before: it is not theirs now
    barrier.owner_agency_id = barrier.owner_caseworker_id = None
    barrier.owner_recorded_at = None
    barrier.decline_reason = reason
    _answer(journey_map, barrier, "declined", actor=actor, owner=owner, decline_reason=reason)


def _answer(journey_map: JourneyMap, barrier: Barrier, answer: str, *, actor: Actor, **noted) -> None:
    barrier.owner_answer = answer
    barrier.owner_answered_at = utcnow()
    barrier.owner_answered_by = actor.name
    journey_map.touch()
    history.record(journey_map.id, answer, BARRIER.name, barrier.id, actor=actor, summary=barrier.title,
                   changes={"owner_answer": answer, **noted})


def _owner_words(barrier: Barrier) -> str:
    parts = [ref_name("caseworker", barrier.owner_caseworker_id), ref_name("agency", barrier.owner_agency_id)]
    return " at ".join(part for part in parts if part)


def open_commitment(barrier: Barrier) -> Commitment | None:
    return db.session.scalar(
        db.select(Commitment).where(Commitment.barrier_id == barrier.id, Commitment.status == "open")
        .order_by(Commitment.id.desc()).limit(1)
    )


def commit_to(journey_map: JourneyMap, barrier: Barrier, *, actor: Actor, next_step: str,
              who_caseworker_id: int | None, who_text: str, due_on: date | None) -> Commitment:
    """The accepted barrier's next step: what, who, by when. One open commitment per barrier."""
    if barrier.owner_answer != "accepted" or open_commitment(barrier) is not None:
        raise NotNow
    commitment = Commitment(barrier_id=barrier.id, next_step=next_step, who_caseworker_id=who_caseworker_id,
                            who_text=who_text, due_on=due_on, status="open", created_by_id=actor.user_id)
    return add(journey_map, commitment, kind=COMMITMENT, actor=actor, note={"barrier": barrier.title})


def edit_commitment(journey_map: JourneyMap, commitment: Commitment, *, actor: Actor, **fields) -> None:
    """Change the next step, who does it or the date (the route has claimed its version)."""
    if commitment.status != "open":
        raise NotNow
    apply(commitment, journey_map, kind=COMMITMENT, actor=actor, **fields, updated_at=utcnow())


def record_progress(journey_map: JourneyMap, commitment: Commitment, *, actor: Actor, on_date: date,
                    what_was_done: str, what_is_blocking: str) -> ProgressEntry:
    if commitment.status != "open":
        raise NotNow
    entry = ProgressEntry(commitment_id=commitment.id, on_date=on_date, what_was_done=what_was_done,
                          what_is_blocking=what_is_blocking, by_name=actor.name, created_by_id=actor.user_id)
    commitment.updated_at = utcnow()
    return add(journey_map, entry, kind=PROGRESS, actor=actor, note={"barrier": _barrier_title(commitment)})


def mark_done(journey_map: JourneyMap, commitment: Commitment, what_changed: str, *, actor: Actor) -> None:
    """Done, with what changed for the family. The barrier keeps its owner: the map shows it fixed."""
    if commitment.status != "open":
        raise NotNow
    now = utcnow()
    apply(commitment, journey_map, kind=COMMITMENT, actor=actor, status="done", what_changed=what_changed,
          closed_at=now, updated_at=now)


def hand_on(journey_map: JourneyMap, barrier: Barrier, *, actor: Actor) -> None:
    """The owner hands the barrier on: its open commitment ends, and it goes back to choosing an
    owner (no one owns it until the next one is recorded and answers)."""
    if barrier.is_unowned:
        raise NotNow
    end_open_commitment(journey_map, barrier, actor=actor)
    owner = _owner_words(barrier)
    barrier.owner_agency_id = barrier.owner_caseworker_id = None
    barrier.owner_recorded_at = barrier.owner_answer = barrier.owner_answered_at = None
    barrier.owner_answered_by = barrier.decline_reason = ""
    journey_map.touch()
    history.record(journey_map.id, "handed-on", BARRIER.name, barrier.id, actor=actor, summary=barrier.title,
                   changes={"owner": owner})


def end_open_commitment(journey_map: JourneyMap, barrier: Barrier, *, actor: Actor) -> None:
    """The barrier's open next step ends, handed on, when its owner no longer holds it (handed on,
    declined, or another owner recorded in the barrier's edit form)."""
    if (commitment := open_commitment(barrier)) is not None:
        now = utcnow()
        apply(commitment, journey_map, kind=COMMITMENT, actor=actor, status="handed_on", closed_at=now,
              updated_at=now)


def _barrier_title(commitment: Commitment) -> str:
    barrier = db.session.get(Barrier, commitment.barrier_id)
    return barrier.title if barrier is not None else ""
