"""The vocabulary of a kind's declaration: what a field is, and how private it is.

A field is declared once (journeymap.kinds.items) with its type, limits, label and privacy
class; the forms, the read model, JSON in and out, CSV, de-identification and the history's
wording are made from these declarations, or checked against them by tests
(tests/unit/test_kinds.py), so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import gettext

from journeymap.i18n import translated
from journeymap.kinds import vocab


class Type(StrEnum):
    TEXT = "text"  # one line, a String column of `maximum` characters
    LONG_TEXT = "long_text"  # several lines, a Text column; `maximum` is the forms' limit
    CHOICE = "choice"  # one value of `vocabulary`
    FLAG = "flag"  # true or false
    NUMBER = "number"  # a whole number from `low` to `high`, or not known
    DATE = "date"  # a calendar day (a commitment's due date), or not known
    REF = "ref"  # the id of another item on the map (`ref` names its kind), or not known
    LINKS = "links"  # ids of several items of kind `ref` (a barrier's touchpoints)
    # Structure the database keeps, never typed by anyone: ids, versions, positions, times.
    ID = "id"
    COUNTER = "counter"
    TIME = "time"
    CHILDREN = "children"  # the items inside this one, in order (a stage's touchpoints)


class Privacy(StrEnum):
    """What de-identification (journeymap.exports.deidentify) does with a field."""

    KEPT = "kept"  # a structured fact or a database counter: shown as it is
    SERVICE = "service"  # typed text about the services (agency names, roles): kept, read before sharing
    REPLACED = "replaced"  # typed text about the family: replaced by text made from numbers and labels
    # The group's words about the services (a barrier, a step, a stage): shown after the names check
    # and a facilitator's check (journeymap.exports.sharing); until then, like REPLACED.
    CHECKED = "checked"
    REMOVED = "removed"  # the family's story, people's names, dates, who typed what: emptied


@dataclass(frozen=True)
class Field:
    name: str  # the model's column and the view's attribute
    type: Type
    privacy: Privacy
    label: str = ""  # what people read (a form's label, a history line, a CSV header)
    hint: str = ""  # the line of help under a form field
    maximum: int | None = None  # characters (text)
    required: bool = False
    vocabulary: list[tuple] | None = None
    default: Any = None
    low: int | None = None
    high: int | None = None
    unit: str = ""  # what a NUMBER counts ("days"), for messages
    ref: str | None = None  # the kind a REF or LINKS field points at
    blank: str = ""  # the choice that means "none" / "not known", for optional choices and refs
    radio: bool = False  # shown as radio buttons rather than a drop-down
    json: str | None = ""  # its key in JSON files ("" = its name; None = not exported)
    csv: tuple[str, ...] | None = ()  # CSV headers (() = its label; None = not a column of its own)
    kept_by_database: bool = False  # structure the database keeps (ids, links), never typed by anyone

    @property
    def is_content(self) -> bool:
        """Something a person types or chooses (as opposed to what the database keeps)."""
        return not self.kept_by_database

    @property
    def json_key(self) -> str | None:
        if self.json is None or not self.is_content:
            return None
        return self.json or self.name

    @property
    def csv_headers(self) -> tuple[str, ...]:
        if self.csv is None:
            return ()
        return self.csv or (self.label,)

    @property
    def nullable(self) -> bool:
        return self.type in (Type.REF, Type.NUMBER, Type.TIME, Type.DATE) or (
            self.type is Type.CHOICE and self.default is None
        )

    @property
    def python_type(self) -> Any:
        """The type of the value in a map view: honest about what de-identification may blank."""
        if self.type in (Type.TEXT, Type.LONG_TEXT):
            return str
        if self.type is Type.FLAG:
            return bool
        if self.type is Type.LINKS or self.type is Type.CHILDREN:
            return tuple
        if self.type is Type.TIME:
            return datetime | None
        if self.type is Type.DATE:
            return date | None
        if self.type is Type.ID:
            return int | None
        if self.type is Type.COUNTER:
            return int
        base = str
        if self.type is Type.CHOICE and self.vocabulary and isinstance(self.vocabulary[0][0], int):
            base = int
        if self.type in (Type.NUMBER, Type.REF):
            base = int
        return base | None if self.nullable else base

    def empty(self) -> Any:
        """The value that means "nothing here": what a REMOVED field becomes."""
        return "" if self.type in (Type.TEXT, Type.LONG_TEXT) else None

    def view_default(self) -> Any:
        if self.type in (Type.LINKS, Type.CHILDREN):
            return ()
        if self.type is Type.COUNTER:
            return 1
        if self.type is Type.FLAG:
            return bool(self.default)
        if self.default is not None:
            return self.default
        return self.empty()

    def shown(self, value) -> str:
        """A stored value in words, for the history and conflict views (refs arrive as names)."""
        if value is None or value == "":
            return translated(self.blank) or "—"
        if self.type is Type.FLAG:
            return gettext("yes") if value else gettext("no")
        if self.type is Type.CHOICE and self.vocabulary:
            return vocab.label(self.vocabulary, value, default=str(value))
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "—"
        return str(value)


def text(name: str, label: str, maximum: int, privacy: Privacy, **kw) -> Field:
    return Field(name, Type.TEXT, privacy, label, maximum=maximum, **kw)


def long_text(name: str, label: str, maximum: int, privacy: Privacy, **kw) -> Field:
    return Field(name, Type.LONG_TEXT, privacy, label, maximum=maximum, **kw)


def choice(name: str, label: str, vocabulary: list[tuple], **kw) -> Field:
    return Field(name, Type.CHOICE, kw.pop("privacy", Privacy.KEPT), label, vocabulary=vocabulary, **kw)


def flag(name: str, label: str, **kw) -> Field:
    return Field(name, Type.FLAG, kw.pop("privacy", Privacy.KEPT), label, **kw)


def ref(name: str, label: str, kind: str, **kw) -> Field:
    return Field(name, Type.REF, kw.pop("privacy", Privacy.KEPT), label, ref=kind, **kw)


def structure(name: str, type_: Type, privacy: Privacy = Privacy.KEPT, **kw) -> Field:
    return Field(name, type_, privacy, json=None, csv=None, kept_by_database=True, **kw)


@dataclass(frozen=True, eq=False)  # one object per kind: compared and hashed by identity
class Kind:
    """One kind of item on a map, declared once."""

    name: str  # "touchpoint": history entries, templates, DOM ids
    noun: str  # words people read ("Edit touchpoint")
    model: type
    fields: tuple[Field, ...]  # content and structure, in the order forms and CSV show them
    json_list: str | None = None  # the list holding these items in JSON ("touchpoints")
    json_key_prefix: str = ""  # map-local keys in JSON: "t1", "t2", ...
    # Fields of which at least one must be filled ("a caseworker needs a name, a role, or both").
    one_of: tuple[str, ...] = ()
    one_of_words: str = ""  # "a name, a role, or both"
    _by_name: dict[str, Field] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: f for f in self.fields})

    @property
    def one_of_message(self) -> str:
        return gettext("Give %(what)s.", what=translated(self.one_of_words))

    def field(self, name: str) -> Field:
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name

    @property
    def content(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.is_content and f.name not in MARKS)



# Marks kept on an item about where it came from; set by the write side, never typed in a form.
MARKS = ("from_family", "created_by_id")
