from __future__ import annotations

from journeymap.domain.common import add, apply, remove
from journeymap.models import Agency, Caseworker, JourneyMap


def add_agency(journey_map: JourneyMap, name: str, sector: str) -> Agency:
    return add(journey_map, Agency(name=name, sector=sector))


def update_agency(journey_map: JourneyMap, agency: Agency, **fields) -> None:
    apply(agency, journey_map, **fields)


def delete_agency(journey_map: JourneyMap, agency: Agency) -> None:
    # Its caseworkers, touchpoints and barriers stay; the database sets their agency to unknown.
    remove(journey_map, agency)


def add_caseworker(journey_map: JourneyMap, **fields) -> Caseworker:
    return add(journey_map, Caseworker(**fields))


def update_caseworker(journey_map: JourneyMap, caseworker: Caseworker, **fields) -> None:
    apply(caseworker, journey_map, **fields)


def delete_caseworker(journey_map: JourneyMap, caseworker: Caseworker) -> None:
    remove(journey_map, caseworker)
