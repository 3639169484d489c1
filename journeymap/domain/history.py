"""Writing the map's history: who added, changed, deleted or exported what, and when.

Written in the same transaction as the change it records (never one without the other), with the
actor named explicitly. Values are the item's own fields;
nothing here ever sees a password, a session token or an invitation code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from journeymap.extensions import db
from journeymap.models import HistoryEntry

MAX_VALUE = 2000  # characters of one value kept in an entry; longer text is cut with a note


@dataclass(frozen=True)
class Actor:
    """Who did something, as the history keeps it: a person (with their role on the map, when they
    have one) or a command run on the server. Always passed explicitly, never read from the request,
    so an entry cannot name the wrong person because some route forgot to set something up."""

    user_id: int | None
    name: str
    role: str = ""

    @classmethod
    def person(cls, user, membership=None) -> Actor:
        return cls(user.id, user.display_name, membership.role if membership is not None else "")

    @classmethod
    def command(cls, name: str) -> Actor:
        return cls(None, name)


def record(map_id: int, action: str, kind: str, item_id: int | None = None, *, actor: Actor,
           summary: str = "", changes: dict | None = None) -> HistoryEntry:
    """Append an entry, in the caller's transaction."""
    entry = HistoryEntry(
        map_id=map_id,
        user_id=actor.user_id,
        actor_name=actor.name,
        actor_role=actor.role,
        action=action,
        kind=kind,
        item_id=item_id,
        summary=_cut(summary, 300),
        changes={name: _plain(value) for name, value in (changes or {}).items()},
    )
    db.session.add(entry)
    return entry


def _plain(value):
    """JSON-safe, and never unboundedly long."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str):
        return _cut(value, MAX_VALUE)
    return value


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
