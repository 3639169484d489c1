"""PostgreSQL NOTIFY when a map changes, and the LISTEN side the hub (journeymap/hub.py) reads.

The NOTIFY is sent in the transaction that bumps the map's revision (JourneyMap.touch), so the
database delivers it on commit and never for a change that was rolled back. Every worker process on
every machine hears it from the database itself: no bus of our own to keep running.
"""

from __future__ import annotations

import logging

from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from journeymap.hub import CHANNEL

log = logging.getLogger(__name__)
_PENDING = "journeymap_changed_maps"


@event.listens_for(Session, "before_flush")
def _note_changed_maps(session: Session, _context, _instances) -> None:
    from journeymap.models import JourneyMap

    changed = session.info.setdefault(_PENDING, set())
    for obj in session.dirty:
        if isinstance(obj, JourneyMap) and session.is_modified(obj, include_collections=False):
            changed.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, JourneyMap):
            changed.add(obj.id)


@event.listens_for(Session, "after_flush")
def _notify_changed_maps(session: Session, _context) -> None:
    changed = session.info.pop(_PENDING, None)
    if not changed or session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    for map_id in sorted(changed):  # PostgreSQL folds repeats of one payload in a transaction
        connection.execute(text("SELECT pg_notify(:channel, :payload)"),
                           {"channel": CHANNEL, "payload": str(map_id)})


class Listener:
    """One LISTEN connection, outside the pool (it is held for the life of the process)."""

    def __init__(self, url: URL) -> None:
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._connection = None

    def wait(self, timeout: float) -> set[int] | None:
        """The maps notified within `timeout` seconds; None right after (re)connecting, when a
        notification may have been missed and the caller should read every map it watches."""
        import psycopg

        if self._connection is None:
            self._connection = psycopg.connect(self._conninfo, autocommit=True)
            self._connection.execute(f"LISTEN {CHANNEL}")
            return None
        maps = set()
        for notice in self._connection.notifies(timeout=timeout):
            if notice.payload.isdigit():
                maps.add(int(notice.payload))
        return maps

    def reset(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # already broken; a new one is made on the next wait
                log.debug("closing a broken LISTEN connection", exc_info=True)
        self._connection = None
