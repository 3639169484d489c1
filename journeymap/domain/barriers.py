"""Barriers the family hit, where they showed up, and whose job it is to fix them."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from journeymap.domain import commitments, family_word
from journeymap.domain.common import add, apply, remove
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.kinds.items import BARRIER
from journeymap.models import Barrier, JourneyMap, barrier_touchpoint
from journeymap.models.utctime import utcnow


def _link(barrier: Barrier, touchpoint_ids: list[int]) -> None:
    db.session.execute(delete(barrier_touchpoint).where(barrier_touchpoint.c.barrier_id == barrier.id))
    if touchpoint_ids:
        db.session.execute(
            insert(barrier_touchpoint),
            [{"barrier_id": barrier.id, "touchpoint_id": tp} for tp in sorted(set(touchpoint_ids))],
        )


def _linked(barrier: Barrier) -> list[int]:
    return list(db.session.scalars(
        select(barrier_touchpoint.c.touchpoint_id).where(barrier_touchpoint.c.barrier_id == barrier.id)
    ))


def _owned(agency_id: int | None, caseworker_id: int | None) -> bool:
    return agency_id is not None or caseworker_id is not None


# A newly recorded owner is asked to accept or decline (journeymap.domain.commitments).
_ASKED = {"owner_answer": "pending", "owner_answered_at": None, "owner_answered_by": "", "decline_reason": ""}


def _owner_moment(barrier: Barrier, fields: dict) -> dict:
    """`owner_recorded_at` for a change of owner: now, when no one owned it and someone does now;
    cleared when it goes back to no one; kept when one owner follows another. A different owner
    is asked for their answer afresh; a declined barrier keeps who declined and why until then."""
    agency = fields.get("owner_agency_id", barrier.owner_agency_id)
    worker = fields.get("owner_caseworker_id", barrier.owner_caseworker_id)
    if not _owned(agency, worker):
        return {"owner_recorded_at": None} | ({} if barrier.is_unowned else {"owner_answer": None})
    if barrier.is_unowned:
        return {"owner_recorded_at": utcnow(), **_ASKED}
    if (agency, worker) != (barrier.owner_agency_id, barrier.owner_caseworker_id):
        return dict(_ASKED)
    return {}


def add_barrier(journey_map: JourneyMap, touchpoint_ids: list[int], *, actor: Actor, **fields) -> Barrier:
    # A barrier added with its owner never stood without one: never "newly owned" since a meeting.
    if _owned(fields.get("owner_agency_id"), fields.get("owner_caseworker_id")):
        fields = {**fields, "owner_answer": "pending"}
    barrier = add(journey_map, Barrier(**fields), kind=BARRIER, actor=actor, links=touchpoint_ids)
    _link(barrier, touchpoint_ids)
    return barrier


def _owner_changes(journey_map: JourneyMap, barrier: Barrier, fields: dict, *, actor: Actor) -> dict:
    """The owner's answer and moment for a change of owner; a next step the old owner set ends."""
    moment = _owner_moment(barrier, fields)
    if "owner_answer" in moment:
        commitments.end_open_commitment(journey_map, barrier, actor=actor)
    return moment


def update_barrier(
    journey_map: JourneyMap, barrier: Barrier, touchpoint_ids: list[int], *, actor: Actor, **fields
) -> None:
    moment = _owner_changes(journey_map, barrier, fields, actor=actor)
    before = _linked(barrier)
    _link(barrier, touchpoint_ids)
    apply(barrier, journey_map, kind=BARRIER, actor=actor, links_before=before, links_after=touchpoint_ids,
          **fields, **moment)


def set_owner(
    journey_map: JourneyMap, barrier: Barrier, agency_id: int | None, caseworker_id: int | None, *,
    actor: Actor,
) -> None:
    fields = {"owner_agency_id": agency_id, "owner_caseworker_id": caseworker_id}
    apply(barrier, journey_map, kind=BARRIER, actor=actor, **fields,
          **_owner_changes(journey_map, barrier, fields, actor=actor))


def delete_barrier(journey_map: JourneyMap, barrier: Barrier, *, actor: Actor) -> None:
    family_word.forget(journey_map.id, BARRIER.name, barrier.id)
    remove(journey_map, barrier, kind=BARRIER, actor=actor, links=_linked(barrier))
