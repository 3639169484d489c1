"""Introductions made: recorded and deleted by anyone who may (journeymap.auth.access), each with
its history entry."""

from __future__ import annotations

from journeymap.domain.common import add, apply, remove
from journeymap.domain.history import Actor
from journeymap.kinds.items import INTRODUCTION
from journeymap.models import Introduction, JourneyMap


def add_introduction(journey_map: JourneyMap, *, actor: Actor, **fields) -> Introduction:
    # No history note here: "note" is one of the introduction's own fields.
    return add(journey_map, Introduction(**fields), kind=INTRODUCTION, actor=actor)


def update_introduction(journey_map: JourneyMap, introduction: Introduction, *, actor: Actor,
                        **fields) -> None:
    apply(introduction, journey_map, kind=INTRODUCTION, actor=actor, **fields)


def delete_introduction(journey_map: JourneyMap, introduction: Introduction, *, actor: Actor) -> None:
    remove(journey_map, introduction, kind=INTRODUCTION, actor=actor)
