"""Reading a JSON document back (format versions 1 to 4) and checking every part of it.

Everything is checked before anything is written: the format name and version, the type of every
field, that every reference resolves, that vocabulary values are known, that text fits its limit
(from the kinds' declarations, the same limits as the forms) and has no control characters other
than tab and line breaks, and the forms' rules (a pseudonym, a caseworker with a name or a role,
days waited from 0 to 3,650). Any problem is an `ImportProblem` whose message names the place:
"touchpoints[3].agency: no agency 'a9' in this file". Fields this version does not know are
ignored, so a file from a slightly newer app still imports; text is kept exactly as written (not
stripped), or the round trip would not be exact. What the forms check but a file may legitimately
break is not checked: a touchpoint's caseworker may belong to another agency than the
touchpoint's (an agency can be changed after the fact), as it may in the database.

Version 1 is what downloads wrote first: its references are database ids (they only need to
resolve inside the file; a file's ids never touch this database's), named like the columns
("agency_id"), and its family section is "map". Its ids, positions, revision and timestamps are not
carried over. Version 3 (journeymap.exports.json_out) adds each barrier's dates and owner's answer,
its next steps with their progress, and the map's steering meetings; a barrier from a file of an
earlier version has no day it was added (so it is never "new since the last meeting"). Version 4
adds the family's word on touchpoints and barriers (journeymap.exports.family_word_json), the
introductions made and the handoffs; a version 4 file without any of these lists has none of them.
The checked document is written by journeymap.domain.imports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import NoReturn

from journeymap.exports import family_word_json
from journeymap.exports.json_out import FORMAT_NAME, FORMAT_VERSION, carried, json_key
from journeymap.forms.commitments import EARLIEST, LATEST
from journeymap.kinds import vocab
from journeymap.kinds.fields import Field, Kind, Type
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

READABLE_VERSIONS = (1, 2, 3, 4)
# Each after those it refers to. Lists that a file of an earlier version has not got, by the version
# that brought them: such a list may also be missing from a newer file (it then has none).
ITEM_KINDS = (MEMBER, AGENCY, CASEWORKER, STAGE, TOUCHPOINT, BARRIER, HANDOFF)
SINCE_VERSION = {HANDOFF.name: 4}


class ImportProblem(ValueError):
    """A file that cannot be imported. The message is for the person importing it: where, and why."""


@dataclass(frozen=True)
class Version:
    """Where a format version keeps what: the family's section, item keys and references."""

    number: int
    family: str
    key: str
    key_type: type

    def name_of(self, declared: Field) -> str:
        """A field's key in this version: version 1 named references like the columns."""
        if self.number == 1 and declared.type in (Type.REF, Type.LINKS):
            return declared.name
        return json_key(declared)

    def fields(self, kind: Kind) -> list[Field]:
        """The fields of a kind a file of this version holds."""
        if self.number >= 3:
            return carried(kind)
        return [f for f in kind.fields if f.json_key is not None]


VERSIONS = {1: Version(1, "map", "id", int), 2: Version(2, "family", "key", str),
            3: Version(3, "family", "key", str), 4: Version(4, "family", "key", str)}


@dataclass
class Document:
    """A checked file: per kind, the model fields of each item in file order; references are
    indexes into the referred kind's list (None: not known), links lists of indexes."""

    family: dict
    items: dict[str, list[dict]] = field(default_factory=dict)
    # Version 3: (barrier index, commitment fields, [progress fields]) in file order; meetings.
    commitments: list[tuple[int, dict, list[dict]]] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    # Version 4: the family's word, each with "item_kind" and "item_index" (family_word_json).
    family_words: list[dict] = field(default_factory=list)
    introductions: list[dict] = field(default_factory=list)  # version 4; none in older files


_MISSING = object()



def _kind(value) -> str:
    """What a JSON value is, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _found(value) -> str:
    """A value found in the file, for a message: its kind, and the value itself when short."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float | str):
        return f"{_kind(value)} {_show(value)}"
    return _kind(value)


def _show(value) -> str:
    """A value quoted for a message, cut short if long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class _Item:
    """One object in the file, with the path that names it in messages."""

    data: dict
    where: str

    def at(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def get(self, name: str, default=_MISSING):
        value = self.data.get(name, default)
        if value is _MISSING:
            self.fail(name, "missing")
        return value

    def text(self, name: str, limit: int, *, default=_MISSING, required: bool = False) -> str:
        value = self.get(name, default)
        if not isinstance(value, str):
            self.fail(name, f"expected text, found {_found(value)}")
        if required and not value.strip():
            self.fail(name, "must not be empty")
        if len(value) > limit:
            self.fail(name, f"{len(value):,} characters is too long (at most {limit:,})")
        # As the forms: tabs and line breaks are text, other control characters a paste accident
        # (PostgreSQL refuses NUL). Lone surrogates, which JSON can spell, cannot be stored at all.
        if any(
            (ord(ch) < 32 and ch not in "\t\n\r") or 0xD800 <= ord(ch) <= 0xDFFF for ch in value
        ):
            self.fail(name, "contains control characters or invalid text")
        return value

    def choice(self, name: str, vocabulary: list[tuple], *, default=_MISSING, nullable=False):
        value = self.get(name, default)
        if value is None and nullable:
            return None
        allowed = vocab.values(vocabulary)
        # bool is an int in Python; True must not pass for the feeling 1.
        if isinstance(value, bool) or not isinstance(value, str | int) or value not in allowed:
            listed = ", ".join(json.dumps(v) for v in allowed) + (", null" if nullable else "")
            self.fail(name, f"found {_found(value)}; expected one of {listed}")
        return value

    def flag(self, name: str, *, default=_MISSING) -> bool:
        value = self.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, f"expected true or false, found {_found(value)}")
        return value

    def whole_number(self, name: str, low: int, high: int, *, default=_MISSING) -> int | None:
        value = self.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"expected a whole number or null, found {_found(value)}")
        if not low <= value <= high:
            self.fail(name, f"{value} is outside {low} to {high:,}")
        return value

    def moment(self, name: str) -> datetime | None:
        """A time in ISO 8601 with its offset ("2026-11-16T09:30:00+00:00"), as UTC; or null."""
        value = self.get(name, None)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.fail(name, "expected a time such as \"2026-11-16T09:30:00+00:00\" or null, "
                            f"found {_found(value)}")
        return moment.astimezone(UTC)

    def day(self, name: str, *, required: bool = False) -> date | None:
        """A calendar day ("2026-11-16") from 2000 to 2099, as the forms take; or null."""
        value = self.get(name, _MISSING if required else None)
        if value is None and not required:
            return None
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            day = None
        if day is None or not EARLIEST <= day <= LATEST:
            self.fail(name, f"expected a day from 2000-01-01 to 2099-12-31 such as \"2026-11-16\", "
                            f"found {_found(value)}")
        return day

    def items(self, name: str, *, default=_MISSING) -> list[_Item]:
        """A list of objects, each named by its index: `touchpoints[3]`."""
        value = self.get(name, default)
        if not isinstance(value, list):
            self.fail(name, f"expected a list, found {_found(value)}")
        found = []
        for index, entry in enumerate(value):
            where = f"{self.at(name)}[{index}]"
            if not isinstance(entry, dict):
                raise ImportProblem(f"{where}: expected an object, found {_found(entry)}")
            found.append(_Item(entry, where))
        return found

    def fail(self, name: str, why: str) -> NoReturn:
        raise ImportProblem(f"{self.at(name)}: {why}")


class _Keys:
    """The keys of one kind of item in a file, and the references to them."""

    def __init__(self, kind: str, names: Version):
        self.kind = kind
        self.names = names
        self.index: dict = {}
        self.where: dict = {}

    def define(self, item: _Item) -> None:
        key = item.get(self.names.key)
        self._check_type(item.at(self.names.key), key, nullable=False)
        if self.names.key_type is str and not key:
            raise ImportProblem(f"{item.at(self.names.key)}: must not be empty")
        if key in self.index:
            raise ImportProblem(
                f"{item.at(self.names.key)}: {_show(key)} is already used by {self.where[key]}"
            )
        self.where[key] = item.where
        self.index[key] = len(self.index)

    def resolve(self, where: str, key) -> int | None:
        """The list index of the item a reference names; None for null."""
        if key is None:
            return None
        self._check_type(where, key, nullable=True)
        if key not in self.index:
            what = f"with id {key}" if self.names.key_type is int else _show(key)
            raise ImportProblem(f"{where}: no {self.kind} {what} in this file")
        return self.index[key]

    def reference(self, item: _Item, name: str, *, default=_MISSING) -> int | None:
        return self.resolve(item.at(name), item.get(name, default))

    def _check_type(self, where: str, key, *, nullable: bool) -> None:
        if self.names.key_type is int:
            ok, expected = isinstance(key, int) and not isinstance(key, bool), "an id (a whole number)"
        else:
            ok, expected = isinstance(key, str), "a key (text)"
        if not ok:
            raise ImportProblem(
                f"{where}: expected {expected}{' or null' if nullable else ''}, found {_found(key)}"
            )


def read_json(content: bytes):
    """The JSON in a file's bytes, or an ImportProblem saying in plain words why not."""
    try:
        # json.loads reads UTF-8 (with or without a byte order mark), UTF-16 and UTF-32 bytes.
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise ImportProblem(
            f"it is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            "it is not UTF-8 text (a JSON export is; was it saved in another encoding?)."
        ) from exc
    except RecursionError as exc:
        raise ImportProblem("it is nested too deeply to be a journeymap file.") from exc
    except ValueError as exc:
        # Python refuses to read a whole number of more than 4,300 digits (a guard against
        # denial of service); no field of a journeymap file is anywhere near that.
        raise ImportProblem("it holds a number far too long to be part of a journeymap file.") from exc



def read_document(data) -> Document:
    """Check a parsed JSON document; an ImportProblem when it is not one this version can import."""
    if not isinstance(data, dict):
        raise ImportProblem(
            f"This is not a journeymap file: expected a JSON object at the top, found {_found(data)}"
        )
    top = _Item(data, "")
    version = _version(top)
    family_value = top.get(version.family)
    if not isinstance(family_value, dict):
        raise ImportProblem(f"{version.family}: expected an object, found {_found(family_value)}")
    doc = Document(family=_values(FAMILY, _Item(family_value, version.family), version, {}))
    keys = {kind.name: _Keys(kind.name, version) for kind in ITEM_KINDS}
    for kind in ITEM_KINDS:
        rows = doc.items[kind.name] = []
        since = SINCE_VERSION.get(kind.name)
        if since is not None and version.number < since:
            continue
        items = top.items(kind.json_list, default=_MISSING if since is None else [])
        if kind.json_key_prefix:
            # Every key of a kind before any of its references: a caseworker's successor may come
            # later in the list than the one who left.
            for item in items:
                keys[kind.name].define(item)
        for item in items:
            rows.append(_values(kind, item, version, keys))
            if kind is BARRIER and version.number >= 3:
                _read_commitments(doc, len(rows) - 1, item, version, keys)
            elif kind is BARRIER:
                rows[-1]["created_at"] = None  # not known: never "new since the last meeting"
    if version.number >= 3:
        doc.meetings = [_values(MEETING, item, version, keys) for item in top.items("meetings", default=[])]
    if version.number >= 4:
        doc.family_words = family_word_json.read_words(
            top, keys, lambda declared, entry: _value(declared, entry, declared.name, keys))
        doc.introductions = [_introduction(item, version, keys)
                             for item in top.items(INTRODUCTION.json_list, default=[])]
    return doc


def _introduction(item: _Item, version: Version, keys: dict) -> dict:
    """One introduction: two caseworkers or two agencies, never one of each or the same twice."""
    values = _values(INTRODUCTION, item, version, keys)
    pairs = [(values[a], values[b]) for a, b in (("caseworker_a_id", "caseworker_b_id"),
                                                 ("agency_a_id", "agency_b_id"))]
    complete = [p for p in pairs if None not in p]
    half = any(p != (None, None) and None in p for p in pairs)
    if len(complete) != 1 or half or complete[0][0] == complete[0][1]:
        raise ImportProblem(f"{item.where}: an introduction is between two different caseworkers or two "
                            "different agencies")
    return values


def _read_commitments(doc: Document, barrier: int, item: _Item, version: Version, keys: dict) -> None:
    """A barrier's next steps, each with its progress entries. Their typed words may be empty: a
    de-identified file carries them as their privacy classes say."""
    open_steps = 0
    for step in item.items("commitments", default=[]):
        values = _values(COMMITMENT, step, version, keys, lenient=True)
        open_steps += values["status"] == "open"
        if open_steps > 1:
            step.fail("status", "a barrier has at most one open next step")
        progress = [_values(PROGRESS, entry, version, keys, lenient=True)
                    for entry in step.items("progress", default=[])]
        doc.commitments.append((barrier, values, progress))


def _version(top: _Item) -> Version:
    name = top.get("format")
    if name != FORMAT_NAME:
        raise ImportProblem(
            f"This is not a journeymap file (its \"format\" should be {FORMAT_NAME!r}, found {_found(name)})"
        )
    number = top.get("format_version")
    if isinstance(number, bool) or not isinstance(number, int):
        raise ImportProblem(f"format_version: expected a whole number, found {_found(number)}")
    if number not in READABLE_VERSIONS:
        newer = " (a newer journeymap wrote it; update this one)" if number > FORMAT_VERSION else ""
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise ImportProblem(
            f"format_version: version {number} is not supported{newer}; this journeymap reads {readable}"
        )
    return VERSIONS[number]


def _values(kind: Kind, item: _Item, version: Version, keys: dict, *, lenient: bool = False) -> dict:
    """The declared fields of one item, checked; references resolved to list indexes. `lenient`:
    text the forms require may be empty (what a de-identified file leaves of a next step)."""
    values = {}
    for declared in version.fields(kind):
        values[declared.name] = _value(declared, item, version.name_of(declared), keys, lenient=lenient)
    if kind.one_of and not lenient and not any(str(values[name]).strip() for name in kind.one_of):
        raise ImportProblem(f"{item.where}: a {kind.noun} needs {kind.one_of_words}")
    return values


def _value(declared: Field, item: _Item, name: str, keys: dict, *, lenient: bool = False):
    required = declared.required and not lenient
    default = _MISSING if required else declared.view_default()
    if declared.type in (Type.TEXT, Type.LONG_TEXT):
        return item.text(name, declared.maximum, default=default, required=required)
    if declared.type is Type.TIME:
        return item.moment(name)
    if declared.type is Type.DATE:
        return item.day(name, required=declared.required)
    if declared.type is Type.CHOICE:
        return item.choice(name, declared.vocabulary, default=declared.default,
                           nullable=declared.default is None)
    if declared.type is Type.FLAG:
        return item.flag(name, default=bool(declared.default))
    if declared.type is Type.NUMBER:
        return item.whole_number(name, declared.low, declared.high, default=None)
    if declared.type is Type.REF:
        return keys[declared.ref].reference(item, name, default=None)
    if declared.type is Type.LINKS:
        return _links(item, name, keys[declared.ref])
    raise ValueError(f"{declared.name}: not read from files")


def _links(item: _Item, name: str, keys: _Keys) -> list[int]:
    at = item.get(name, [])
    if not isinstance(at, list):
        item.fail(name, f"expected a list, found {_found(at)}")
    linked = []
    for index, key in enumerate(at):
        where = f"{item.at(name)}[{index}]"
        if key is None:
            raise ImportProblem(f"{where}: expected a {keys.kind}, found null")
        linked.append(keys.resolve(where, key))
    return sorted(set(linked))
