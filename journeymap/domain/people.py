"""Agencies and caseworkers: who holds a file on the family."""

from __future__ import annotations

from sqlalchemy import select

from journeymap.domain.common import add, apply, remove
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.kinds.items import AGENCY, CASEWORKER
from journeymap.models import Agency, Caseworker, JourneyMap


def add_agency(journey_map: JourneyMap, name: str, sector: str = "other", *, actor: Actor,
               note: dict | None = None) -> Agency:
    return add(journey_map, Agency(name=name, sector=sector), kind=AGENCY, actor=actor, note=note)


def update_agency(journey_map: JourneyMap, agency: Agency, *, actor: Actor, **fields) -> None:
    apply(agency, journey_map, kind=AGENCY, actor=actor, **fields)


def delete_agency(journey_map: JourneyMap, agency: Agency, *, actor: Actor) -> None:
    # Its caseworkers, touchpoints and barriers stay; the database sets their agency to unknown.
    remove(journey_map, agency, kind=AGENCY, actor=actor)


def add_caseworker(journey_map: JourneyMap, *, actor: Actor, note: dict | None = None,
                   **fields) -> Caseworker:
    return add(journey_map, Caseworker(**fields), kind=CASEWORKER, actor=actor, note=note)


def update_caseworker(journey_map: JourneyMap, caseworker: Caseworker, *, actor: Actor, **fields) -> None:
    apply(caseworker, journey_map, kind=CASEWORKER, actor=actor, **fields)


def delete_caseworker(journey_map: JourneyMap, caseworker: Caseworker, *, actor: Actor) -> None:
    # Whoever they took over from keeps the departure, with who took over now unknown.
    for predecessor in db.session.scalars(
        select(Caseworker).where(Caseworker.map_id == journey_map.id,
                                 Caseworker.successor_id == caseworker.id)
    ):
        apply(predecessor, journey_map, kind=CASEWORKER, actor=actor, successor_id=None)
    remove(journey_map, caseworker, kind=CASEWORKER, actor=actor)
