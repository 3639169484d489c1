from __future__ import annotations

from journeymap.domain.common import add, apply, next_position, remove
from journeymap.extensions import db
from journeymap.models import HouseholdMember, JourneyMap


def start_map(pseudonym: str, situation: str = "", hopes: str = "") -> JourneyMap:
    journey_map = JourneyMap(pseudonym=pseudonym, situation=situation, hopes=hopes)
    db.session.add(journey_map)
    db.session.flush()
    return journey_map


def update_family(journey_map: JourneyMap, **fields) -> None:
    apply(journey_map, journey_map, **fields)


def delete_map(journey_map: JourneyMap) -> None:
    db.session.delete(journey_map)
    db.session.flush()


def add_member(journey_map: JourneyMap, role: str, age_band: str, **marks) -> HouseholdMember:
    position = next_position(HouseholdMember, journey_map)
    return add(journey_map, HouseholdMember(role=role, age_band=age_band, position=position, **marks))


def update_member(journey_map: JourneyMap, member: HouseholdMember, **fields) -> None:
    apply(member, journey_map, **fields)


def delete_member(journey_map: JourneyMap, member: HouseholdMember) -> None:
    remove(journey_map, member)
