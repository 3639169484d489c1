"""What every write to an item shares: marking the map changed, claiming an item's version, and
recording the change in the map's history (in the same transaction, with an explicit actor).

History entries store field names and stored values, never the words a page shows for them
(journeymap.kinds.wording makes those when the history is read). A reference to another item is
kept as that item's name at the time ("County Housing Office"), so the entry stays readable after
the item is renamed or deleted.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from journeymap.domain import history
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.kinds.fields import Kind, Type
from journeymap.models import Agency, Caseworker, JourneyMap, Stage, Touchpoint

_REF_MODELS = {"agency": Agency, "caseworker": Caseworker, "stage": Stage, "touchpoint": Touchpoint}


def claim(model, record, seen: int | None) -> bool:
    """Take the next version of `record` if it is still the one its author saw.

    One conditional UPDATE, so two people saving at the same moment cannot both win.
    """
    if seen is None:
        return False
    result = db.session.execute(
        update(model).where(model.id == record.id, model.version == seen).values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    record.version = seen + 1
    return True


def add(journey_map: JourneyMap, item, *, kind: Kind, actor: Actor, note: dict | None = None,
        links: list[int] | None = None):
    """Put a new item on the map and record what it holds (`note`: how it came, e.g. {"via": ...})."""
    item.map_id = journey_map.id
    db.session.add(item)
    journey_map.touch()
    db.session.flush()  # the new id is needed for the history and the fragment that shows it
    held = {name: value for name, value in recorded_values(kind, item, links).items() if _filled(value)}
    history.record(journey_map.id, "added", kind.name, item.id, actor=actor, summary=summary_of(item),
                   changes={**held, **(note or {})})
    return item


def apply(item, journey_map: JourneyMap, *, kind: Kind, actor: Actor,
          links_before: list[int] | None = None, links_after: list[int] | None = None, **fields) -> dict:
    """Set fields on an item, mark the map changed, and record what changed (nothing recorded as a
    difference when nothing did). Returns the changes as recorded."""
    before = recorded_values(kind, item, links_before)
    for name, value in fields.items():
        setattr(item, name, value)
    journey_map.touch()
    after = recorded_values(kind, item, links_after)
    changes = {name: [before[name], after[name]] for name in after if before.get(name) != after[name]}
    history.record(journey_map.id, "changed", kind.name, item.id, actor=actor, summary=summary_of(item),
                   changes=changes)
    return changes


def remove(journey_map: JourneyMap, item, *,
    kind: Kind, actor: Actor, links: list[int] | None = None) -> None:
    held = {name: value for name, value in recorded_values(kind, item, links).items() if _filled(value)}
    item_id, summary = item.id, summary_of(item)
    db.session.delete(item)
    journey_map.touch()
    db.session.flush()
    history.record(journey_map.id, "deleted", kind.name, item_id, actor=actor, summary=summary, changes=held)


def moved(journey_map: JourneyMap, item, *, kind: Kind, actor: Actor, step: int) -> None:
    history.record(journey_map.id, "moved", kind.name, item.id, actor=actor, summary=summary_of(item),
                   changes={"moved": "earlier" if step < 0 else "later"})


def recorded_values(kind: Kind, item, links: list[int] | None = None) -> dict:
    """The item's content as the history keeps it: field name -> stored value; references as the
    referred item's name; a barrier's touchpoints (`links`, not a column) as their actions."""
    values = {}
    for field in kind.content:
        if field.type is Type.LINKS:
            if links is not None:
                values[field.name] = linked_names(field.ref, links)
        elif field.type is Type.REF:
            values[field.name] = ref_name(field.ref, getattr(item, field.name))
        else:
            values[field.name] = getattr(item, field.name)
    return values


def ref_name(kind_name: str, item_id: int | None) -> str | None:
    """What people call an item of the map: an agency's name, a caseworker's name and role."""
    if item_id is None:
        return None
    row = db.session.get(_REF_MODELS[kind_name], item_id)
    if row is None:
        return None
    if kind_name == "caseworker":
        return ", ".join(part for part in (row.name, row.role) if part)
    return row.action if kind_name == "touchpoint" else row.name


def linked_names(kind_name: str, ids: list[int]) -> list[str]:
    """The actions of a barrier's touchpoints, in id order, in one query (not one per link)."""
    model = _REF_MODELS[kind_name]
    rows = db.session.execute(select(model.id, model.action).where(model.id.in_(set(ids))).order_by(model.id))
    return [action for _, action in rows]


def summary_of(item) -> str:
    """A few words naming an item in the history."""
    for name in ("title", "action", "name", "role", "pseudonym",
                 "next_step", "what_was_done", "what_is_blocking",  # commitments and their progress
                 "held_on",  # a steering meeting, by its day
                 "introduced",  # an introduction, by the two it was between
                 "expected"):  # a handoff, by what the family was told would happen
        if value := getattr(item, name, ""):
            return str(value)
    return ""


def _filled(value) -> bool:
    return value not in (None, "", [])


def next_position(model, journey_map: JourneyMap, *where) -> int:
    highest = db.session.scalar(
        select(func.max(model.position)).where(model.map_id == journey_map.id, *where)
    )
    return (highest if highest is not None else -1) + 1
