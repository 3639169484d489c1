"""The family's word in JSON files (format version 4): a top-level list "family_word", one entry
per item the family confirmed or disputed, naming the item by its map-local key ("t3", "b1"):

    {"item": "t3", "verdict": "disputed", "comment": "Nobody called back", "on_behalf": false,
     "at": "2026-11-16T09:30:00+00:00"}

The key's kind is found among the kinds the family gives their word on (WORD_KINDS). A de-identified
file carries the comment and the time as their privacy classes say (emptied, null). A version 4 file
without the list imports with no words; earlier versions have none.
"""

from __future__ import annotations

from datetime import datetime

from journeymap.kinds.items import FAMILY_WORD, WORD_KINDS

LIST = "family_word"
CARRIED = ("verdict", "comment", "on_behalf", "at")  # besides "item", in this order


def words_out(view, keys: dict) -> list[dict]:
    """The view's words whose item is in the file, oldest first. `keys`: kind -> id -> key."""
    out = []
    for word in view.family_words:
        key = keys.get(word.item_kind, {}).get(word.item_id)
        if key is None:
            continue  # an item no longer on the map (its word goes with it; never expected here)
        entry = {"item": key}
        for name in CARRIED:
            value = getattr(word, name)
            entry[name] = value.isoformat() if isinstance(value, datetime) else value
        out.append(entry)
    return out


def read_words(top, keys: dict, read_value) -> list[dict]:
    """Check the file's words: each names an item of a kind in WORD_KINDS, at most once.
    `read_value(field, entry)` reads one declared field. Returns dicts of the model's fields, with
    "item_kind" and "item_index" (the item's place in its kind's list)."""
    words, seen = [], {}
    for entry in top.items(LIST, default=[]):
        key = entry.get("item", None)
        kind = next((k for k in WORD_KINDS if isinstance(key, str) and key in keys[k].index), None)
        if kind is None:
            entry.fail("item", f"no touchpoint or barrier {key!r} in this file")
        if (kind, key) in seen:
            entry.fail("item", f"the family's word on {key!r} is already given by {seen[(kind, key)]}")
        seen[(kind, key)] = entry.where
        values = {name: read_value(FAMILY_WORD.field(name), entry) for name in CARRIED}
        if values["verdict"] is None:
            entry.fail("verdict", "expected \"confirmed\" or \"disputed\"")
        words.append({"item_kind": kind, "item_index": keys[kind].index[key], **values})
    return words
