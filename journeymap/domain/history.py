"""Writing the map's history: who added, changed, deleted or exported what, and when.

Called by the routes after a domain function and before the commit, so the entry and the change
land in the same transaction (never one without the other). Values are the item's own fields;
nothing here ever sees a password, a session token or an invitation code.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import g, has_request_context
from flask_login import current_user

from journeymap.extensions import db
from journeymap.models import HistoryEntry

MAX_VALUE = 2000  # characters of one value kept in an entry; longer text is cut with a note


def record(map_id: int, action: str, kind: str, item_id: int | None = None, *,
           summary: str = "", changes: dict | None = None, actor: str = "") -> HistoryEntry:
    """Append an entry. The actor is the signed-in user; outside a request (the command line)
    `actor` names what did it."""
    in_request = has_request_context()
    membership = g.get("membership") if in_request else None
    user = current_user if in_request and current_user.is_authenticated else None
    entry = HistoryEntry(
        map_id=map_id,
        user_id=user.id if user else None,
        actor_name=user.display_name if user else actor,
        actor_role=membership.role if membership else "",
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
