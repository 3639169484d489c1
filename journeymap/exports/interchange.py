"""Data in and out of a map: a JSON document that can be imported again, and CSV for spreadsheets.

JSON, format_version 2 (`map_to_json_dict`, `import_map`)
    The whole map content and nothing else: the family (pseudonym, situation, hopes), the household,
    agencies, caseworkers, stages in order, touchpoints in journey order and barriers with their
    owners and the touchpoints where they showed up, and which of these the family entered
    themselves ("from_family"). Items refer to each other by map-local keys ("a1", "c3", "s2",
    "t10", "b4": a letter for the kind and the item's place in its list), never by database id.
    What the database keeps about its rows is left out: ids, the map's revision, the edit versions,
    timestamps and who created an item (an account on this server, meaningless on another). So
    export -> import -> export gives the same document, byte for byte. The order of each list is
    the order on the map; there are no position fields.

    `import_map` also reads format_version 1, the download `render/exports.map_to_dict` writes, whose
    references are database ids (they only need to resolve inside the file; a file's ids never
    touch this database's). Its ids, positions, revision and timestamps are not carried over.

    Import always makes a new map and never commits. Everything is checked before anything is
    written: the format name and version, the type of every field, that every reference resolves,
    that vocabulary values are known, that text fits its database column (or, for long text, the
    limit the forms use) and has no control characters other than tab and line breaks, and the
    forms' rules (a pseudonym, a caseworker with a name or a role, days waited from 0 to 3,650).
    Any problem is an `ImportProblem` whose message names the place: "touchpoints[3].agency: no
    agency 'a9' in this file". Fields this version does not know are ignored, so a file from a
    slightly newer app still imports; text is kept exactly as written (not stripped), or the round
    trip would not be exact. What the forms check but a file may legitimately break is not checked:
    a touchpoint's caseworker may belong to another agency than the touchpoint's (an agency can be
    changed after the fact), as it may in the database.

CSV (`touchpoints_csv`, `barriers_csv`)
    One row per touchpoint (journey order) or barrier, with a header row and names, labels and
    "Yes"/"No" instead of ids and stored values. Every text cell that starts with =, +, -, @, a tab
    or a carriage return gets a leading apostrophe, so a spreadsheet shows it as text instead of
    running it as a formula (OWASP, "CSV Injection"). Numbers this module writes itself (step
    numbers, days waited, the feeling score from -2 to +2) are written as plain numbers and left
    alone, so they still sort and sum; only text is escaped. The feeling is given twice: as its
    label ("Very hard") and as that score. The text starts with a byte order mark (U+FEFF):
    Excel reads a CSV file as UTF-8 only when it starts with one, and without it "—" or "é" come
    out garbled; LibreOffice, Google Sheets and Python's csv module with encoding="utf-8-sig" are
    not bothered by it. Lines end in CRLF, as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NoReturn

from sqlalchemy import insert
from sqlalchemy.orm import Session

from journeymap.kinds import vocab
from journeymap.models import (
    Agency,
    Barrier,
    Caseworker,
    HouseholdMember,
    JourneyMap,
    Stage,
    Touchpoint,
    barrier_touchpoint,
)
from journeymap.readmodel.snapshot import MapView

FORMAT_NAME = "journeymap"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)

# Long text is a Text column with no limit of its own; these are the limits the forms apply.
LONG_TEXT = 5000
DOCUMENTS_TEXT = 2000
MAX_DAYS_WAITED = 3650  # as the touchpoint form


class ImportProblem(ValueError):
    """A file that cannot be imported. The message is for the person importing it: where, and why."""


# Export ----------------------------------------------------------------------------------------


def map_to_json_dict(view: MapView) -> dict:
    """The whole map as a format_version 2 document (see the module docstring)."""
    agency_key = {a.id: f"a{n}" for n, a in enumerate(view.agencies, 1)}
    caseworker_key = {c.id: f"c{n}" for n, c in enumerate(view.caseworkers, 1)}
    stage_key = {s.id: f"s{n}" for n, s in enumerate(view.named_stages, 1)}
    touchpoint_key = {t.id: f"t{n}" for n, t in enumerate(view.touchpoints, 1)}
    journey_index = {t.id: n for n, t in enumerate(view.touchpoints)}

    # A reference the view cannot resolve (the foreign keys and the routes prevent it) is written
    # as null rather than failing the whole export.
    def ref(keys: dict, item_id: int | None) -> str | None:
        return keys.get(item_id) if item_id is not None else None

    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "family": {
            "pseudonym": view.pseudonym, "situation": view.situation, "hopes": view.hopes,
            "from_family": view.from_family,
        },
        "household": [
            {"role": m.role, "age_band": m.age_band, "from_family": m.from_family} for m in view.members
        ],
        "agencies": [
            {"key": agency_key[a.id], "name": a.name, "sector": a.sector} for a in view.agencies
        ],
        "caseworkers": [
            {
                "key": caseworker_key[c.id], "name": c.name, "role": c.role,
                "agency": ref(agency_key, c.agency_id), "holds_file": c.holds_file, "status": c.status,
            }
            for c in view.caseworkers
        ],
        "stages": [{"key": stage_key[s.id], "name": s.name} for s in view.named_stages],
        "touchpoints": [
            {
                "key": touchpoint_key[t.id], "stage": ref(stage_key, t.stage_id), "action": t.action,
                "place": t.place, "agency": ref(agency_key, t.agency_id),
                "caseworker": ref(caseworker_key, t.caseworker_id), "channel": t.channel,
                "days_waited": t.days_waited, "documents": t.documents,
                "retold_story": t.retold_story, "feeling": t.feeling, "reported_by": t.reported_by,
                "from_family": t.from_family,
            }
            for t in view.touchpoints
        ],
        "barriers": [
            {
                "key": f"b{n}", "title": b.title, "description": b.description,
                "category": b.category, "severity": b.severity,
                "owner_agency": ref(agency_key, b.owner_agency_id),
                "owner_caseworker": ref(caseworker_key, b.owner_caseworker_id),
                "from_family": b.from_family,
                # In journey order, which is also the order they get ids in on import.
                "touchpoints": [
                    touchpoint_key[t]
                    for t in sorted(
                        (t for t in b.touchpoint_ids if t in journey_index), key=journey_index.get
                    )
                ],
            }
            for n, b in enumerate(view.barriers, 1)
        ],
    }


# Import: reading and checking ------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    """Where each version keeps what: the family's section, item keys and references."""

    family: str
    key: str
    key_type: type
    agency: str
    caseworker: str
    stage: str
    owner_agency: str
    owner_caseworker: str
    touchpoints: str


_V1 = _Names(
    family="map", key="id", key_type=int, agency="agency_id", caseworker="caseworker_id",
    stage="stage_id", owner_agency="owner_agency_id", owner_caseworker="owner_caseworker_id",
    touchpoints="touchpoint_ids",
)
_V2 = _Names(
    family="family", key="key", key_type=str, agency="agency", caseworker="caseworker",
    stage="stage", owner_agency="owner_agency", owner_caseworker="owner_caseworker",
    touchpoints="touchpoints",
)

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


def _limit(column) -> int:
    """The length of a String column, read from the model so the two cannot drift apart."""
    return column.property.columns[0].type.length


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

    def items(self, name: str) -> list[_Item]:
        """A list of objects, each named by its index: `touchpoints[3]`."""
        value = self.get(name)
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

    def __init__(self, kind: str, names: _Names):
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


@dataclass
class _Document:
    """A checked file: model fields per item, references as indexes into the lists."""

    family: dict
    members: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    caseworkers: list[tuple[dict, int | None]] = field(default_factory=list)
    stages: list[dict] = field(default_factory=list)
    # (fields, stage, agency, caseworker)
    touchpoints: list[tuple[dict, int | None, int | None, int | None]] = field(default_factory=list)
    # (fields, owner agency, owner caseworker, touchpoints)
    barriers: list[tuple[dict, int | None, int | None, list[int]]] = field(default_factory=list)


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


def _read(data) -> _Document:
    if not isinstance(data, dict):
        raise ImportProblem(
            f"This is not a journeymap file: expected a JSON object at the top, found {_found(data)}"
        )
    top = _Item(data, "")
    name = top.get("format")
    if name != FORMAT_NAME:
        raise ImportProblem(
            f"This is not a journeymap file (its \"format\" should be {FORMAT_NAME!r}, found {_found(name)})"
        )
    version = top.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ImportProblem(f"format_version: expected a whole number, found {_found(version)}")
    if version not in READABLE_VERSIONS:
        newer = " (a newer journeymap wrote it; update this one)" if version > FORMAT_VERSION else ""
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise ImportProblem(
            f"format_version: version {version} is not supported{newer}; this journeymap reads {readable}"
        )
    names = _V2 if version == 2 else _V1

    family_value = top.get(names.family)
    if not isinstance(family_value, dict):
        raise ImportProblem(f"{names.family}: expected an object, found {_found(family_value)}")
    family = _Item(family_value, names.family)
    doc = _Document(
        family={
            "pseudonym": family.text("pseudonym", _limit(JourneyMap.pseudonym), required=True),
            "situation": family.text("situation", LONG_TEXT, default=""),
            "hopes": family.text("hopes", LONG_TEXT, default=""),
            "from_family": family.flag("from_family", default=False),
        }
    )

    for member in top.items("household"):
        doc.members.append(
            {
                "role": member.text("role", _limit(HouseholdMember.role), required=True),
                "age_band": member.choice("age_band", vocab.AGE_BANDS, default="unsaid"),
                "from_family": member.flag("from_family", default=False),
            }
        )

    agencies = _Keys("agency", names)
    for agency in top.items("agencies"):
        agencies.define(agency)
        doc.agencies.append(
            {
                "name": agency.text("name", _limit(Agency.name), required=True),
                "sector": agency.choice("sector", vocab.SECTORS, default="other"),
            }
        )

    caseworkers = _Keys("caseworker", names)
    for worker in top.items("caseworkers"):
        caseworkers.define(worker)
        fields = {
            "name": worker.text("name", _limit(Caseworker.name), default=""),
            "role": worker.text("role", _limit(Caseworker.role), default=""),
            "holds_file": worker.flag("holds_file", default=True),
            "status": worker.choice("status", vocab.CASEWORKER_STATUSES, default="active"),
        }
        if not fields["name"].strip() and not fields["role"].strip():
            raise ImportProblem(f"{worker.where}: a caseworker needs a name, a role, or both")
        doc.caseworkers.append((fields, agencies.reference(worker, names.agency, default=None)))

    stages = _Keys("stage", names)
    for stage in top.items("stages"):
        stages.define(stage)
        doc.stages.append({"name": stage.text("name", _limit(Stage.name), required=True)})

    touchpoints = _Keys("touchpoint", names)
    for tp in top.items("touchpoints"):
        touchpoints.define(tp)
        fields = {
            "action": tp.text("action", _limit(Touchpoint.action), required=True),
            "place": tp.text("place", _limit(Touchpoint.place), default=""),
            "channel": tp.choice("channel", vocab.CHANNELS, default=None, nullable=True),
            "days_waited": tp.whole_number("days_waited", 0, MAX_DAYS_WAITED, default=None),
            "documents": tp.text("documents", DOCUMENTS_TEXT, default=""),
            "retold_story": tp.flag("retold_story", default=False),
            "feeling": tp.choice("feeling", vocab.FEELINGS, default=None, nullable=True),
            "reported_by": tp.choice("reported_by", vocab.REPORTERS, default="facilitator"),
            "from_family": tp.flag("from_family", default=False),
        }
        doc.touchpoints.append(
            (
                fields,
                stages.reference(tp, names.stage, default=None),
                agencies.reference(tp, names.agency, default=None),
                caseworkers.reference(tp, names.caseworker, default=None),
            )
        )

    barriers = _Keys("barrier", names)  # nothing refers to a barrier, but its key is checked alike
    for barrier in top.items("barriers"):
        barriers.define(barrier)
        fields = {
            "title": barrier.text("title", _limit(Barrier.title), required=True),
            "description": barrier.text("description", LONG_TEXT, default=""),
            "category": barrier.choice("category", vocab.BARRIER_CATEGORIES, default="other"),
            "severity": barrier.choice("severity", vocab.SEVERITIES, default="medium"),
            "from_family": barrier.flag("from_family", default=False),
        }
        at = barrier.get(names.touchpoints, [])
        if not isinstance(at, list):
            barrier.fail(names.touchpoints, f"expected a list, found {_found(at)}")
        linked = []
        for index, key in enumerate(at):
            where = f"{barrier.at(names.touchpoints)}[{index}]"
            if key is None:
                raise ImportProblem(f"{where}: expected a touchpoint, found null")
            linked.append(touchpoints.resolve(where, key))
        doc.barriers.append(
            (
                fields,
                agencies.reference(barrier, names.owner_agency, default=None),
                caseworkers.reference(barrier, names.owner_caseworker, default=None),
                sorted(set(linked)),
            )
        )
    return doc


# Import: writing -------------------------------------------------------------------------------


def import_map(session: Session, data: dict) -> JourneyMap:
    """Check a parsed JSON document and create it as a new map; the caller commits.

    Raises ImportProblem, before anything is added to the session, when the document is not
    one this version can import whole.
    """
    doc = _read(data)
    # Rows go in a few batches, one per level of reference, each a single flush: the ids of one
    # level are needed by the next.
    journey_map = JourneyMap(**doc.family)
    session.add(journey_map)
    session.flush()
    on_map = {"map_id": journey_map.id}

    members = [HouseholdMember(**on_map, **m, position=n) for n, m in enumerate(doc.members)]
    agencies = [Agency(**on_map, **a) for a in doc.agencies]
    stages = [Stage(**on_map, **s, position=n) for n, s in enumerate(doc.stages)]
    session.add_all([*members, *agencies, *stages])
    session.flush()

    def id_of(rows: list, index: int | None) -> int | None:
        return rows[index].id if index is not None else None

    caseworkers = [
        Caseworker(**on_map, **fields, agency_id=id_of(agencies, agency))
        for fields, agency in doc.caseworkers
    ]
    session.add_all(caseworkers)
    session.flush()

    next_position: dict[int | None, int] = {}
    touchpoints = []
    for fields, stage, agency, worker in doc.touchpoints:
        position = next_position.get(stage, 0)
        next_position[stage] = position + 1
        touchpoints.append(
            Touchpoint(
                **on_map, **fields, position=position, stage_id=id_of(stages, stage),
                agency_id=id_of(agencies, agency), caseworker_id=id_of(caseworkers, worker),
            )
        )
    barriers = [
        Barrier(
            **on_map, **fields, owner_agency_id=id_of(agencies, agency),
            owner_caseworker_id=id_of(caseworkers, worker),
        )
        for fields, agency, worker, _ in doc.barriers
    ]
    session.add_all([*touchpoints, *barriers])
    session.flush()

    links = [
        {"barrier_id": barrier.id, "touchpoint_id": touchpoints[tp].id}
        for barrier, (*_, linked) in zip(barriers, doc.barriers, strict=True)
        for tp in linked
    ]
    if links:
        session.execute(insert(barrier_touchpoint), links)
    return journey_map


# CSV -------------------------------------------------------------------------------------------

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell a spreadsheet shows as written: text that could start a formula gets an apostrophe.

    Only text is escaped; numbers (this module's own step numbers, days and feeling scores) are
    written as numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _name(lookup: Callable, item_id: int | None, text_of: Callable) -> str:
    item = lookup(item_id)
    return text_of(item) if item is not None else ""


def touchpoints_csv(view: MapView) -> str:
    """One row per touchpoint, in journey order; see the module docstring for the escaping and BOM."""
    stage_of = {tp.id: stage.name for stage in view.stages for tp in stage.touchpoints}
    header = [
        "Step", "Stage", "What the family had to do", "Where", "Agency", "Sector", "Caseworker",
        "How", "Days waited", "Documents asked for", "Told their story again", "Feeling",
        "Feeling score (-2 to +2)", "Reported by", "Barriers",
    ]
    rows = []
    for step, tp in enumerate(view.touchpoints, 1):
        agency = view.agency(tp.agency_id)
        rows.append(
            [
                step, stage_of[tp.id], tp.action, tp.place,
                agency.name if agency else "", agency.sector_label if agency else "",
                _name(view.caseworker, tp.caseworker_id, lambda c: c.display_name),
                tp.channel_label if tp.channel else "",
                tp.days_waited if tp.days_waited is not None else "",
                "; ".join(tp.document_list), _yes_no(tp.retold_story),
                tp.feeling_label if tp.feeling is not None else "",
                tp.feeling if tp.feeling is not None else "",
                tp.reporter_label, "; ".join(b.title for b in view.barriers_at(tp.id)),
            ]
        )
    return _csv(header, rows)


def barriers_csv(view: MapView) -> str:
    """One row per barrier; "Where it showed up" gives the touchpoints' step numbers and actions."""
    step_of = {tp.id: step for step, tp in enumerate(view.touchpoints, 1)}
    header = [
        "Barrier", "Title", "What happened", "Category", "Severity", "Whose job", "Owning agency",
        "Owning caseworker", "Touchpoints", "Where it showed up",
    ]
    rows = []
    for number, b in enumerate(view.barriers, 1):
        at = sorted((tp for tp in b.touchpoint_ids if tp in step_of), key=step_of.get)
        rows.append(
            [
                number, b.title, b.description, b.category_label, b.severity_label,
                view.owner_text(b) or "No one",
                _name(view.agency, view.barrier_owner_agency_id(b), lambda a: a.name),
                _name(view.caseworker, b.owner_caseworker_id, lambda c: c.display_name),
                len(at), "; ".join(f"{step_of[tp]}. {view.touchpoint(tp).action}" for tp in at),
            ]
        )
    return _csv(header, rows)
