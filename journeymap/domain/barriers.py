from __future__ import annotations

from sqlalchemy import delete, insert

from journeymap.domain.common import add, apply, remove
from journeymap.extensions import db
from journeymap.models import Barrier, JourneyMap, barrier_touchpoint


def _link(barrier: Barrier, touchpoint_ids: list[int]) -> None:
    db.session.execute(delete(barrier_touchpoint).where(barrier_touchpoint.c.barrier_id == barrier.id))
    if touchpoint_ids:
        db.session.execute(
            insert(barrier_touchpoint),
            [{"barrier_id": barrier.id, "touchpoint_id": tp} for tp in sorted(set(touchpoint_ids))],
        )


def add_barrier(journey_map: JourneyMap, touchpoint_ids: list[int], **fields) -> Barrier:
    barrier = add(journey_map, Barrier(**fields))
    _link(barrier, touchpoint_ids)
    return barrier


def update_barrier(
    journey_map: JourneyMap, barrier: Barrier, touchpoint_ids: list[int], **fields
) -> None:
    apply(barrier, journey_map, **fields)
    _link(barrier, touchpoint_ids)


def set_owner(
    journey_map: JourneyMap, barrier: Barrier, agency_id: int | None, caseworker_id: int | None
) -> None:
    apply(barrier, journey_map, owner_agency_id=agency_id, owner_caseworker_id=caseworker_id)


def delete_barrier(journey_map: JourneyMap, barrier: Barrier) -> None:
    remove(journey_map, barrier)
