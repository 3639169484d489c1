"""Handoffs: add, change and delete one; move it through its steps; make a dropped one a barrier.

Each function changes the map in the caller's transaction and records its own history entry with
the actor it is given. Versions are claimed by the route (journeymap.domain.common.claim) first.
"""

from __future__ import annotations

from datetime import date

from journeymap.domain import barriers, history
from journeymap.domain.common import add, apply, ref_name, remove
from journeymap.domain.history import Actor
from journeymap.kinds.items import BARRIER, HANDOFF
from journeymap.models import Barrier, Handoff, JourneyMap

# Which steps may follow which: a handoff answered without "received" first was received that day.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "sent": ("received", "accepted", "declined"),
    "received": ("accepted", "declined"),
    "accepted": ("completed",),
    "declined": (),
    "completed": (),
}
# A dropped handoff becomes a barrier of this category: agencies not talking to each other.
BARRIER_CATEGORY = "coordination"


class NotNow(Exception):
    """The step does not follow from where the handoff is now (someone moved it meanwhile)."""


def add_handoff(journey_map: JourneyMap, *, actor: Actor, **fields) -> Handoff:
    # Every handoff starts as sent; its steps come from move(), never from the form.
    return add(journey_map, Handoff(**{"status": "sent", **fields}), kind=HANDOFF, actor=actor)


def update_handoff(journey_map: JourneyMap, handoff: Handoff, *, actor: Actor, **fields) -> None:
    apply(handoff, journey_map, kind=HANDOFF, actor=actor, **fields)


def delete_handoff(journey_map: JourneyMap, handoff: Handoff, *, actor: Actor) -> None:
    remove(journey_map, handoff, kind=HANDOFF, actor=actor)


def move(journey_map: JourneyMap, handoff: Handoff, step: str, on: date, *, actor: Actor,
         by: str = "", reason: str = "") -> None:
    """Record the next step, dated `on`; `by` and `reason` are for accepted and declined."""
    if step not in NEXT_STEPS.get(handoff.status, ()):
        raise NotNow
    changes: dict = {"status": [handoff.status, step]}

    def put(name: str, value) -> None:
        before = getattr(handoff, name)
        if before != value:
            changes[name] = [before, value]
            setattr(handoff, name, value)

    if handoff.received_on is None:
        put("received_on", on)
    if step in ("accepted", "declined"):
        put("answered_on", on)
        put("answered_by", by)
        put("decline_reason", reason if step == "declined" else "")
    if step == "completed":
        put("completed_on", on)
    handoff.status = step
    journey_map.touch()
    history.record(journey_map.id, "changed", HANDOFF.name, handoff.id, actor=actor,
                   summary=summary(handoff), changes=changes)


def summary(handoff: Handoff) -> str:
    """"Lincoln School → County Human Services": how the history names a handoff."""
    return f"{_end(handoff, 'from')} → {_end(handoff, 'to')}"


def _end(handoff: Handoff, end: str) -> str:
    worker = ref_name("caseworker", getattr(handoff, f"{end}_caseworker_id"))
    agency = ref_name("agency", getattr(handoff, f"{end}_agency_id"))
    return " at ".join(p for p in (worker, agency) if p) or "not known"


def barrier_title(handoff: Handoff) -> str:
    """A barrier's title from a dropped handoff: agencies and roles only (ref_name gives names too,
    so the title keeps to the agencies, falling back to "someone")."""
    sender = ref_name("agency", handoff.from_agency_id) or "someone"
    receiver = ref_name("agency", handoff.to_agency_id) or "the next service"
    return f"Referral from {sender} never picked up by {receiver}"[: BARRIER.field("title").maximum]


def make_barrier(journey_map: JourneyMap, handoff: Handoff, *, actor: Actor) -> Barrier:
    """"Make it a barrier": a barrier no one owns yet, titled from the handoff, at its touchpoints;
    the handoff keeps which barrier it became and is no longer flagged by itself."""
    if handoff.barrier_id is not None:
        raise NotNow
    linked = [t for t in (handoff.began_touchpoint_id, handoff.ended_touchpoint_id) if t is not None]
    barrier = barriers.add_barrier(
        journey_map, linked, actor=actor, title=barrier_title(handoff), category=BARRIER_CATEGORY,
        severity="high", description=handoff.expected, created_by_id=actor.user_id,
    )
    handoff.barrier_id = barrier.id
    history.record(journey_map.id, "changed", HANDOFF.name, handoff.id, actor=actor,
                   summary=summary(handoff), changes={"barrier_id": [None, barrier.title]})
    return barrier


def set_days(journey_map: JourneyMap, days: int, *, actor: Actor) -> None:
    """The map's number of days a handoff may wait to be received before it counts as dropped."""
    before = journey_map.handoff_days
    journey_map.handoff_days = days
    journey_map.touch()
    history.record(journey_map.id, "changed", "family", journey_map.id, actor=actor,
                   summary=journey_map.pseudonym, changes={"handoff_days": [before, days]})
