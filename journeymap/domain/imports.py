"""A checked JSON document (journeymap.exports.json_in) written as a new map. Never commits."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from journeymap.exports.json_in import ITEM_KINDS, Document, read_document
from journeymap.kinds.fields import Type
from journeymap.models import JourneyMap, barrier_touchpoint


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
            fields = {"map_id": journey_map.id}
            for declared in kind.fields:
                if declared.name not in values:
                    continue
                value = values[declared.name]
                if declared.type is Type.REF:
                    value = rows[declared.ref][value].id if value is not None else None
                if declared.type is not Type.LINKS:
                    fields[declared.name] = value
            if kind.has("position"):
                group = fields.get("stage_id")  # touchpoints are numbered within their stage
                fields["position"] = positions.setdefault(group, 0)
                positions[group] += 1
            made.append(kind.model(**fields))
            links.append((kind, len(made) - 1, values))
        session.add_all(made)
        session.flush()
    pairs = [
        {"barrier_id": rows[kind.name][index].id, "touchpoint_id": rows[declared.ref][linked].id}
        for kind, index, values in links
        for declared in kind.fields if declared.type is Type.LINKS
        for linked in values.get(declared.name, [])
    ]
    if pairs:
        session.execute(insert(barrier_touchpoint), pairs)
    return journey_map
