"""A checked JSON document (journeymap.exports.json_in) written as a new map. Never commits."""

from __future__ import annotations

from sqlalchemy import insert, null
from sqlalchemy.orm import Session

from journeymap.exports.json_in import ITEM_KINDS, Document, read_document
from journeymap.kinds.fields import Kind, Type
from journeymap.kinds.items import COMMITMENT, INTRODUCTION, MEETING, PROGRESS
from journeymap.models import FamilyWord, JourneyMap, barrier_touchpoint


def import_map(session: Session, data: dict) -> JourneyMap:
    """Check a parsed JSON document and create it as a new map; the caller records and commits.

    Raises ImportProblem, before anything is added to the session, when the document is not
    one this version can import whole.
    """
    return write_document(session, read_document(data))


def write_document(session: Session, doc: Document) -> JourneyMap:
    # Rows go in one batch per kind, each a single flush: the ids of one kind are needed by the
    # kinds that refer to it (ITEM_KINDS lists each after those it refers to).
    journey_map = JourneyMap(**doc.family)
    session.add(journey_map)
    session.flush()
    rows: dict[str, list] = {}
    links = []
    for kind in ITEM_KINDS:
        positions: dict = {}
        made = rows[kind.name] = []
        for values in doc.items[kind.name]:
            fields = _model_fields(kind, values, rows, journey_map.id)
            if kind.has("position"):
                group = fields.get("stage_id")  # touchpoints are numbered within their stage
                fields["position"] = positions.setdefault(group, 0)
                positions[group] += 1
            made.append(kind.model(**fields))
            links.append((kind, len(made) - 1, values))
        session.add_all(made)
        session.flush()
        _refer_within(kind, made, doc.items[kind.name])
    pairs = [
        {"barrier_id": rows[kind.name][index].id, "touchpoint_id": rows[declared.ref][linked].id}
        for kind, index, values in links
        for declared in kind.fields if declared.type is Type.LINKS
        for linked in values.get(declared.name, [])
    ]
    if pairs:
        session.execute(insert(barrier_touchpoint), pairs)
    _write_follow_up(session, doc, rows, journey_map.id)
    session.add_all([
        FamilyWord(map_id=journey_map.id, item_kind=word["item_kind"],
                   item_id=rows[word["item_kind"]][word["item_index"]].id,
                   **{name: value for name, value in word.items()
                      if name not in ("item_kind", "item_index") and value is not None})
        for word in doc.family_words
    ])
    session.flush()
    return journey_map


def _refer_within(kind: Kind, made: list, values_of: list[dict]) -> None:
    """References to items of the same kind (a caseworker's successor), once all have ids."""
    for declared in kind.fields:
        if declared.type is not Type.REF or declared.ref != kind.name:
            continue
        for row, values in zip(made, values_of, strict=True):
            if values.get(declared.name) is not None:
                setattr(row, declared.name, made[values[declared.name]].id)


def _write_follow_up(session: Session, doc: Document, rows: dict, map_id: int) -> None:
    """Version 3: next steps (then their progress, which needs their ids) and steering meetings."""
    steps = [COMMITMENT.model(**_model_fields(COMMITMENT, values, rows, map_id),
                              barrier_id=rows["barrier"][barrier].id)
             for barrier, values, _ in doc.commitments]
    meetings = [MEETING.model(**_model_fields(MEETING, values, rows, map_id)) for values in doc.meetings]
    introductions = [INTRODUCTION.model(**_model_fields(INTRODUCTION, values, rows, map_id))
                     for values in doc.introductions]
    session.add_all(steps + meetings + introductions)
    session.flush()
    session.add_all([
        PROGRESS.model(**_model_fields(PROGRESS, values, rows, map_id), commitment_id=step.id)
        for step, (_, _, progress) in zip(steps, doc.commitments, strict=True) for values in progress
    ])
    session.flush()


def _model_fields(kind: Kind, values: dict, rows: dict, map_id: int) -> dict:
    """An item's checked values as model fields: references as the ids of the rows just written."""
    fields = {"map_id": map_id}
    for declared in kind.fields:
        if declared.name not in values:
            continue
        value = values[declared.name]
        if declared.type is Type.REF and declared.ref == kind.name:
            continue  # within its own kind: set by _refer_within once every row has its id
        if declared.type is Type.REF:
            value = rows[declared.ref][value].id if value is not None else None
        elif declared.type is Type.TIME and value is None and _nullable(kind, declared.name):
            value = null()  # not known, rather than the column's default (now): never "new since"
        if declared.type is not Type.LINKS:
            fields[declared.name] = value
    return fields


def _nullable(kind: Kind, name: str) -> bool:
    return kind.model.__table__.columns[name].nullable
