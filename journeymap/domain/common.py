from __future__ import annotations

from sqlalchemy import func, select

from journeymap.extensions import db
from journeymap.models import JourneyMap


def apply(item, journey_map: JourneyMap, **fields) -> None:
    """Set fields on an item of the map and mark the map changed."""
    for name, value in fields.items():
        setattr(item, name, value)
    journey_map.touch()


def add(journey_map: JourneyMap, item):
    item.map_id = journey_map.id
    db.session.add(item)
    journey_map.touch()
    db.session.flush()  # the new id is needed for the fragment that shows it
    return item


def remove(journey_map: JourneyMap, item) -> None:
    db.session.delete(item)
    journey_map.touch()
    db.session.flush()


def next_position(model, journey_map: JourneyMap, *where) -> int:
    highest = db.session.scalar(
        select(func.max(model.position)).where(model.map_id == journey_map.id, *where)
    )
    return (highest if highest is not None else -1) + 1
