"""No lost updates: an edit carries the version its author saw; when someone else changed or
deleted the item meanwhile, the author sees both versions and chooses, with their text kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from journeymap.extensions import db
from journeymap.models import HistoryEntry

# Fields of a form that are not the item's content.
_NOT_CONTENT = {"csrf_token", "version", "intent", "next"}


@dataclass(frozen=True)
class Conflict:
    deleted: bool
    who: str  # "Ana (facilitator)", or "" when the history does not say
    when: datetime | None
    rows: tuple[tuple[str, str, str], ...]  # (field label, their value, your value), differing only


def last_change(map_id: int, kind: str, item_id: int, action: str | None = None) -> HistoryEntry | None:
    query = select(HistoryEntry).where(
        HistoryEntry.map_id == map_id, HistoryEntry.kind == kind, HistoryEntry.item_id == item_id
    )
    if action:
        query = query.where(HistoryEntry.action == action)
    return db.session.scalar(query.order_by(HistoryEntry.id.desc()).limit(1))


def readable(field) -> str:
    """What a person sees as the value of a bound field."""
    data = field.data
    if getattr(field, "choices", None) is not None and field.type != "BooleanField":
        chosen = {str(v) for v in (data if isinstance(data, (list, tuple)) else [data])}
        # iter_choices yields (value, label, selected, render_kw)
        labels = [choice[1] for choice in field.iter_choices() if str(choice[0]) in chosen]
        return ", ".join(str(label) for label in labels) or "—"
    if field.type == "BooleanField":
        return "yes" if data else "no"
    return "—" if data in (None, "") else str(data)


def compare(theirs_form, mine_form, *, everything: bool = False) -> tuple[tuple[str, str, str], ...]:
    """(label, theirs, mine) for the fields that differ; with `everything`, every field of mine
    that has a value (what an added or deleted item held)."""
    rows = []
    for field in mine_form:
        if field.name in _NOT_CONTENT or field.type in ("FormField", "CSRFTokenField"):
            continue
        if field.name not in theirs_form._fields:
            continue
        theirs, mine = readable(theirs_form[field.name]), readable(field)
        if (mine != "—") if everything else (theirs != mine):
            rows.append((field.label.text, theirs, mine))
    return tuple(rows)


def describe(entry: HistoryEntry | None) -> tuple[str, datetime | None]:
    if entry is None:
        return "", None
    who = entry.actor_name or "someone"
    return (f"{who} ({entry.actor_role})" if entry.actor_role else who), entry.at


def changed_conflict(map_id: int, kind: str, item_id: int, theirs_form, mine_form) -> Conflict:
    who, when = describe(last_change(map_id, kind, item_id))
    return Conflict(False, who, when, compare(theirs_form, mine_form))


def deleted_conflict(map_id: int, kind: str, item_id: int, mine_form) -> Conflict | None:
    """None when the history has no deletion of it: then it never existed here (a 404)."""
    entry = last_change(map_id, kind, item_id, action="deleted")
    if entry is None:
        return None
    who, when = describe(entry)
    rows = tuple(
        (field.label.text, "(deleted)", readable(field))
        for field in mine_form
        if field.name not in _NOT_CONTENT and field.type not in ("FormField", "CSRFTokenField")
    )
    return Conflict(True, who, when, rows)
