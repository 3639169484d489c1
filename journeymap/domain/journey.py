"""The journey: stages the group names and orders, and the touchpoints within them."""

from __future__ import annotations

from sqlalchemy import select

from journeymap.domain import family_word
from journeymap.domain.common import add, apply, moved, next_position, remove
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.kinds.items import STAGE, TOUCHPOINT
from journeymap.models import JourneyMap, Stage, Touchpoint


def add_stage(journey_map: JourneyMap, name: str, *, actor: Actor) -> Stage:
    stage = Stage(name=name, position=next_position(Stage, journey_map))
    return add(journey_map, stage, kind=STAGE, actor=actor)


def rename_stage(journey_map: JourneyMap, stage: Stage, name: str, *, actor: Actor) -> None:
    apply(stage, journey_map, kind=STAGE, actor=actor, name=name)


def delete_stage(journey_map: JourneyMap, stage: Stage, *, actor: Actor) -> None:
    """Its touchpoints stay on the map, "not in a stage yet", in their order after any already there."""
    loose = _stage_touchpoints(journey_map, None)
    loose.extend(_stage_touchpoints(journey_map, stage.id))
    _renumber(loose)
    for touchpoint in loose:
        if touchpoint.stage_id is not None:
            _bump_version(touchpoint)  # its stage changed: an edit form opened before is now stale
        touchpoint.stage_id = None
    remove(journey_map, stage, kind=STAGE, actor=actor)


def _bump_version(touchpoint: Touchpoint) -> None:
    # Incremented by the database, not from the value read: an edit saved at the same moment
    # claims its own version, and the two must not end on the same number.
    touchpoint.version = Touchpoint.version + 1


def _in_stage(stage_id: int | None):
    return Touchpoint.stage_id.is_(None) if stage_id is None else Touchpoint.stage_id == stage_id


def _ordered_stages(journey_map: JourneyMap) -> list[Stage]:
    return list(
        db.session.scalars(
            select(Stage).where(Stage.map_id == journey_map.id).order_by(Stage.position, Stage.id)
        )
    )


def _stage_touchpoints(journey_map: JourneyMap, stage_id: int | None) -> list[Touchpoint]:
    return list(
        db.session.scalars(
            select(Touchpoint)
            .where(Touchpoint.map_id == journey_map.id, _in_stage(stage_id))
            .order_by(Touchpoint.position, Touchpoint.id)
        )
    )


def _renumber(items) -> None:
    for position, item in enumerate(items):
        item.position = position


def move_stage(journey_map: JourneyMap, stage: Stage, step: int, *, actor: Actor) -> bool:
    """Move a stage one place earlier (-1) or later (+1); False when it is already at that end."""
    stages = _ordered_stages(journey_map)
    index = stages.index(stage)
    target = index + step
    if not 0 <= target < len(stages):
        return False
    stages[index], stages[target] = stages[target], stages[index]
    _renumber(stages)
    journey_map.touch()
    moved(journey_map, stage, kind=STAGE, actor=actor, step=step)
    return True


def add_touchpoint(journey_map: JourneyMap, *, actor: Actor, note: dict | None = None,
                   **fields) -> Touchpoint:
    position = next_position(Touchpoint, journey_map, _in_stage(fields.get("stage_id")))
    return add(journey_map, Touchpoint(position=position, **fields), kind=TOUCHPOINT, actor=actor, note=note)


def update_touchpoint(journey_map: JourneyMap, touchpoint: Touchpoint, *, actor: Actor, **fields) -> None:
    if "stage_id" in fields and fields["stage_id"] != touchpoint.stage_id:
        fields["position"] = next_position(Touchpoint, journey_map, _in_stage(fields["stage_id"]))
    apply(touchpoint, journey_map, kind=TOUCHPOINT, actor=actor, **fields)


def delete_touchpoint(journey_map: JourneyMap, touchpoint: Touchpoint, *, actor: Actor) -> None:
    family_word.forget(journey_map.id, TOUCHPOINT.name, touchpoint.id)
    remove(journey_map, touchpoint, kind=TOUCHPOINT, actor=actor)


def move_touchpoint(journey_map: JourneyMap, touchpoint: Touchpoint, step: int, *,
                    actor: Actor) -> bool:
    """Move one place earlier (-1) or later (+1) in the journey.

    Within a stage it swaps with its neighbour; at the edge of a stage it crosses into the
    neighbouring stage (last place of the earlier one, first place of the later one), so the
    whole journey can be reordered with two buttons, from the keyboard too.
    """
    siblings = _stage_touchpoints(journey_map, touchpoint.stage_id)
    index = siblings.index(touchpoint)
    target = index + step
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _renumber(siblings)
        journey_map.touch()
        moved(journey_map, touchpoint, kind=TOUCHPOINT, actor=actor, step=step)
        return True
    # Crossing a stage boundary. Touchpoints without a stage are listed after every named stage
    # and can move up into the last one; "later" at the end of the journey is not a way out of it.
    order: list[int | None] = [s.id for s in _ordered_stages(journey_map)]
    if touchpoint.stage_id is None:
        order.append(None)
    here = order.index(touchpoint.stage_id)
    there = here + step
    if not 0 <= there < len(order):
        return False
    siblings.remove(touchpoint)
    _renumber(siblings)
    destination = _stage_touchpoints(journey_map, order[there])
    if step < 0:
        destination.append(touchpoint)
    else:
        destination.insert(0, touchpoint)
    touchpoint.stage_id = order[there]
    _bump_version(touchpoint)  # a form opened before the move would move it back
    _renumber(destination)
    journey_map.touch()
    moved(journey_map, touchpoint, kind=TOUCHPOINT, actor=actor, step=step)
    return True
