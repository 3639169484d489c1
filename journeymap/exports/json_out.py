"""The whole map as a JSON document that can be imported again: format version 2.

The whole map content and nothing else: the family, the household, agencies, caseworkers, stages
in order, touchpoints in journey order and barriers with their owners and the touchpoints where
they showed up, and which of these the family entered themselves ("from_family"). Which fields,
under which keys, comes from the kinds' declarations (journeymap.kinds.items: a field's `json`).
Items refer to each other by map-local keys ("a1", "c3", "s2", "t10", "b4": a letter for the kind
and the item's place in its list), never by database id. What the database keeps about its rows
is left out: ids, the map's revision, the edit versions, timestamps and who created an item (an
account on this server, meaningless on another). So export -> import -> export gives the same
document, byte for byte. The order of each list is the order on the map; there are no positions.
"""

from __future__ import annotations

from journeymap.kinds.fields import Kind, Type
from journeymap.kinds.items import AGENCY, BARRIER, CASEWORKER, FAMILY, MEMBER, STAGE, TOUCHPOINT
from journeymap.readmodel.snapshot import MapView

FORMAT_NAME = "journeymap"
FORMAT_VERSION = 2


def map_to_json_dict(view: MapView) -> dict:
    """The whole map as a format_version 2 document."""
    lists = {
        MEMBER: view.members, AGENCY: view.agencies, CASEWORKER: view.caseworkers,
        STAGE: view.named_stages, TOUCHPOINT: view.touchpoints, BARRIER: view.barriers,
    }
    keys = {kind.name: {item.id: f"{kind.json_key_prefix}{n}" for n, item in enumerate(items, 1)}
            for kind, items in lists.items() if kind.json_key_prefix}
    journey_index = {t.id: n for n, t in enumerate(view.touchpoints)}
    document = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "family": _fields(FAMILY, view, keys, journey_index)}
    for kind, items in lists.items():
        document[kind.json_list] = [_item(kind, item, keys, journey_index) for item in items]
    return document


def _item(kind: Kind, item, keys: dict, journey_index: dict) -> dict:
    key = {"key": keys[kind.name][item.id]} if kind.json_key_prefix else {}
    return {**key, **_fields(kind, item, keys, journey_index)}


def _fields(kind: Kind, item, keys: dict, journey_index: dict) -> dict:
    out = {}
    for field in kind.fields:
        if field.json_key is None:
            continue
        value = getattr(item, field.name)
        if field.type is Type.REF:
            # A reference the view cannot resolve (the foreign keys and the routes prevent it) is
            # written as null rather than failing the whole export.
            value = keys[field.ref].get(value) if value is not None else None
        elif field.type is Type.LINKS:
            # In journey order, which is also the order they get ids in on import.
            linked = sorted((i for i in value if i in journey_index), key=journey_index.get)
            value = [keys[field.ref][i] for i in linked]
        out[field.json_key] = value
    return out
