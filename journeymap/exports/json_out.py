"""The whole map as a JSON document that can be imported again: format version 4.

The whole map content and nothing else: the family, the household, agencies, caseworkers, stages
in order, touchpoints in journey order and barriers with their owners and the touchpoints where
they showed up, and which of these the family entered themselves ("from_family"). Which fields,
under which keys, comes from the kinds' declarations (journeymap.kinds.items: a field's `json`).
Items refer to each other by map-local keys ("a1", "c3", "s2", "t10", "b4": a letter for the kind
and the item's place in its list), never by database id. What the database keeps about its rows
is left out: ids, the map's revision, the edit versions and who created an item (an account on
this server, meaningless on another). The order of each list is the order on the map; there are
no positions.

Version 3 adds what followed (FOLLOW_UP below): each barrier's dates and its owner's answer, its
next steps ("commitments", each with its progress entries) and the map's steering meetings, with
their days and times, so that a brief made from an imported map can say what changed since the
last meeting. Times are ISO 8601 in UTC ("2026-11-16T09:30:00+00:00"), days "2026-11-16". A
de-identified file carries them as the declarations' privacy classes say (a REMOVED time is null).
Version 4 adds the family's word on touchpoints and barriers (journeymap.exports.family_word_json)
and the introductions made between two caseworkers or two agencies ("introductions",
keys "i1", "i2", ...); a version 4 file without them imports as having none.
Export -> import -> export gives the same document, byte for byte.

Version 4 adds the map's handoffs ("handoffs", after the barriers: who sent the family on, to whom,
when, how, what was expected, where it began and ended, its steps with their days, and the barrier
a dropped one became) and the family's "handoff_days" (null: the default, 14).
"""

from __future__ import annotations

from datetime import date, datetime

from journeymap.exports import family_word_json
from journeymap.kinds.fields import Kind, Type
from journeymap.kinds.items import (
    AGENCY,
    BARRIER,
    CASEWORKER,
    COMMITMENT,
    FAMILY,
    HANDOFF,
    INTRODUCTION,
    MEETING,
    MEMBER,
    PROGRESS,
    STAGE,
    TOUCHPOINT,
)
from journeymap.readmodel.snapshot import MapView

FORMAT_NAME = "journeymap"
FORMAT_VERSION = 4

# Since version 3: fields the database keeps that are carried too (by their names), besides every
# field with a `json` key. The keys of these lists in the file are "commitments" (inside each
# barrier), "progress" (inside each commitment) and "meetings" (at the top).
FOLLOW_UP: dict[str, tuple[str, ...]] = {
    BARRIER.name: ("created_at", "owner_recorded_at", "owner_answer", "owner_answered_at",
                   "owner_answered_by", "decline_reason"),
    COMMITMENT.name: ("created_at", "closed_at"),
    PROGRESS.name: ("by_name", "created_at"),
    MEETING.name: (),
    # Version 4: introductions made ("introductions" at the top), with the day they were recorded.
    INTRODUCTION.name: ("created_at",),
    # Since version 4.
    FAMILY.name: ("handoff_days",),
    HANDOFF.name: ("status", "received_on", "answered_on", "answered_by", "decline_reason", "completed_on",
                   "barrier_id", "created_at"),
}


def map_to_json_dict(view: MapView) -> dict:
    """The whole map as a format_version 4 document."""
    lists = {
        MEMBER: view.members, AGENCY: view.agencies, CASEWORKER: view.caseworkers,
        STAGE: view.named_stages, TOUCHPOINT: view.touchpoints, BARRIER: view.barriers,
        HANDOFF: view.handoffs,
    }
    keys = {kind.name: {item.id: f"{kind.json_key_prefix}{n}" for n, item in enumerate(items, 1)}
            for kind, items in lists.items() if kind.json_key_prefix}
    keys[INTRODUCTION.name] = {i.id: f"{INTRODUCTION.json_key_prefix}{n}"
                               for n, i in enumerate(view.introductions, 1)}
    journey_index = {t.id: n for n, t in enumerate(view.touchpoints)}
    document = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "family": _fields(FAMILY, view, keys, journey_index)}
    commitments_of: dict[int, list] = {}
    for commitment in view.commitments:
        commitments_of.setdefault(commitment.barrier_id, []).append(commitment)
    for kind, items in lists.items():
        document[kind.json_list] = [_item(kind, item, keys, journey_index) for item in items]
    for barrier, written in zip(view.barriers, document[BARRIER.json_list], strict=True):
        written["commitments"] = [
            {**_fields(COMMITMENT, c, keys, journey_index),
             "progress": [_fields(PROGRESS, p, keys, journey_index) for p in c.progress]}
            for c in commitments_of.get(barrier.id, ())
        ]
    document["meetings"] = [_fields(MEETING, m, keys, journey_index) for m in view.meetings]
    document[family_word_json.LIST] = family_word_json.words_out(view, keys)  # since version 4
    document[INTRODUCTION.json_list] = [_item(INTRODUCTION, i, keys, journey_index)
                                        for i in view.introductions]
    return document


def carried(kind: Kind) -> list:
    """The fields of a kind a version 3 (or 4) file holds, in declared order."""
    extra = FOLLOW_UP.get(kind.name, ())
    return [f for f in kind.fields if f.json_key is not None or f.name in extra]


def json_key(field) -> str:
    """A field's key in files: its declared `json` key, for what the database keeps too."""
    return field.json_key or field.json or field.name


def _item(kind: Kind, item, keys: dict, journey_index: dict) -> dict:
    key = {"key": keys[kind.name][item.id]} if kind.json_key_prefix else {}
    return {**key, **_fields(kind, item, keys, journey_index)}


def _fields(kind: Kind, item, keys: dict, journey_index: dict) -> dict:
    out = {}
    for field in carried(kind):
        value = getattr(item, field.name)
        if field.type is Type.REF:
            # A reference the view cannot resolve (the foreign keys and the routes prevent it) is
            # written as null rather than failing the whole export.
            value = keys[field.ref].get(value) if value is not None else None
        elif field.type is Type.LINKS:
            # In journey order, which is also the order they get ids in on import.
            linked = sorted((i for i in value if i in journey_index), key=journey_index.get)
            value = [keys[field.ref][i] for i in linked]
        elif isinstance(value, datetime | date):
            value = value.isoformat()
        out[json_key(field)] = value
    return out
