"""The family's own details and their household."""

from __future__ import annotations

from journeymap.domain import history
from journeymap.domain.common import add, apply, next_position, remove
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.kinds.items import FAMILY, MEMBER
from journeymap.models import HouseholdMember, JourneyMap


def start_map(pseudonym: str, situation: str = "", hopes: str = "", **marks) -> JourneyMap:
    """A new map with its family's details. Its "added map" entry is written by whoever made it:
    the person who starts it (members.add_founder) or a command (record_arrival)."""
    journey_map = JourneyMap(pseudonym=pseudonym, situation=situation, hopes=hopes, **marks)
    db.session.add(journey_map)
    db.session.flush()
    return journey_map


def record_arrival(journey_map: JourneyMap, *, actor: Actor, via: str, **details) -> None:
    """A map made whole by the app (imported, made up, the demo): one entry saying how."""
    history.record(journey_map.id, "added", "map", journey_map.id, actor=actor, summary=journey_map.pseudonym,
                   changes={"via": via, **details})


def update_family(journey_map: JourneyMap, *, actor: Actor, **fields) -> None:
    apply(journey_map, journey_map, kind=FAMILY, actor=actor, **fields)


def delete_map(journey_map: JourneyMap) -> None:
    # Its history goes with it (a family's data must be erasable), so nothing is recorded.
    db.session.delete(journey_map)
    db.session.flush()


def add_member(journey_map: JourneyMap, role: str, age_band: str = "unsaid", *, actor: Actor,
               **marks) -> HouseholdMember:
    position = next_position(HouseholdMember, journey_map)
    member = HouseholdMember(role=role, age_band=age_band, position=position, **marks)
    return add(journey_map, member, kind=MEMBER, actor=actor)


def update_member(journey_map: JourneyMap, member: HouseholdMember, *, actor: Actor, **fields) -> None:
    apply(member, journey_map, kind=MEMBER, actor=actor, **fields)


def delete_member(journey_map: JourneyMap, member: HouseholdMember, *, actor: Actor) -> None:
    remove(journey_map, member, kind=MEMBER, actor=actor)
