"""Who is here now, and has the map changed: the state behind live updates.

Kept in the database rather than in one process's memory, so every worker process of the server
answers the same (several workers serve one workshop).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from journeymap.extensions import db
from journeymap.models import JourneyMap, Membership, Presence, User
from journeymap.models.utctime import utcnow

# A presence row is rewritten at most this often, so a room of open pages polling every second
# costs a read each, not a write each.
WRITE_EVERY = timedelta(seconds=3)


@dataclass(frozen=True)
class Here:
    user_id: int
    name: str
    role: str
    page: str


def note_presence(map_id: int, user_id: int, page: str) -> None:
    now = utcnow()
    row = db.session.get(Presence, (map_id, user_id))
    if row is None:
        # Two tabs opening at once may both insert: the second simply finds the first's row.
        try:
            with db.session.begin_nested():
                db.session.add(Presence(map_id=map_id, user_id=user_id, last_seen_at=now, page=page))
        except IntegrityError:
            pass
    elif now - row.last_seen_at >= WRITE_EVERY or row.page != page:
        row.last_seen_at, row.page = now, page


def here_now(map_id: int, within_seconds: int) -> list[Here]:
    since = utcnow() - timedelta(seconds=within_seconds)
    rows = db.session.execute(
        select(User.id, User.display_name, Membership.role, Presence.page)
        .join(Presence, Presence.user_id == User.id)
        .join(Membership, (Membership.user_id == User.id) & (Membership.map_id == Presence.map_id))
        .where(Presence.map_id == map_id, Presence.last_seen_at >= since)
        .order_by(User.display_name, User.id)
    ).all()
    return [Here(*row) for row in rows]


def revision(map_id: int) -> int | None:
    return db.session.scalar(select(JourneyMap.revision).where(JourneyMap.id == map_id))
