"""Steering meetings: recorded, corrected and deleted by the facilitator, each with its history entry."""

from __future__ import annotations

from journeymap.domain.common import add, apply, remove
from journeymap.domain.history import Actor
from journeymap.kinds.items import MEETING
from journeymap.models import JourneyMap, Meeting


def add_meeting(journey_map: JourneyMap, *, actor: Actor, note: dict | None = None, **fields) -> Meeting:
    return add(journey_map, Meeting(**fields), kind=MEETING, actor=actor, note=note)


def update_meeting(journey_map: JourneyMap, meeting: Meeting, *, actor: Actor, **fields) -> None:
    apply(meeting, journey_map, kind=MEETING, actor=actor, **fields)


def delete_meeting(journey_map: JourneyMap, meeting: Meeting, *, actor: Actor) -> None:
    remove(journey_map, meeting, kind=MEETING, actor=actor)
