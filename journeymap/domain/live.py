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


def renew_leases(leases: set[tuple[int, int, str]]) -> None:
    """Mark these (map, person, page) as here now: the people holding a live stream in this worker
    process (journeymap/hub.py), renewed every few seconds rather than on every heartbeat."""
    now = utcnow()
    wanted = {(map_id, user_id): page for map_id, user_id, page in sorted(leases)}
    map_ids = {map_id for map_id, _ in wanted}
    rows = {(row.map_id, row.user_id): row for row in db.session.scalars(
        select(Presence).where(Presence.map_id.in_(map_ids)))}
    for key, page in wanted.items():
        row = rows.get(key)
        if row is not None:
            row.last_seen_at, row.page = now, page
            continue
        # Another worker process may be adding the same person at this moment: theirs will do.
        try:
            with db.session.begin_nested():
                db.session.add(Presence(map_id=key[0], user_id=key[1], last_seen_at=now, page=page))
        except IntegrityError:
            pass


def here_now_in(map_ids: set[int], within_seconds: int) -> dict[int, list[Here]]:
    """here_now for several maps in one query (the hub reads every open map's list at once)."""
    since = utcnow() - timedelta(seconds=within_seconds)
    found: dict[int, list[Here]] = {map_id: [] for map_id in map_ids}
    if not map_ids:
        return found
    rows = db.session.execute(
        select(Presence.map_id, User.id, User.display_name, Membership.role, Presence.page)
        .join(Presence, Presence.user_id == User.id)
        .join(Membership, (Membership.user_id == User.id) & (Membership.map_id == Presence.map_id))
        .where(Presence.map_id.in_(map_ids), Presence.last_seen_at >= since)
        .order_by(User.display_name, User.id)
    ).all()
    for map_id, *person in rows:
        found[map_id].append(Here(*person))
    return found


def stream_access(map_id: int, user_id: int) -> tuple[bool, int | None]:
    """(may this person still hold this map's stream, its revision): a member of a map that is
    neither closed nor deleted. Asked once per keepalive by each open stream."""
    row = db.session.execute(
        select(JourneyMap.revision, JourneyMap.closed_at)
        .join(Membership, (Membership.map_id == JourneyMap.id) & (Membership.user_id == user_id))
        .where(JourneyMap.id == map_id)
    ).first()
    if row is None or row.closed_at is not None:
        return False, None
    return True, row.revision
