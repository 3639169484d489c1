"""The live-update hub: one listener thread per worker process, shared by all its open streams.

Every open page holds a Server-Sent Events stream (journeymap/routes/live.py). A stream does not
ask the database anything while it waits: it sleeps on this hub, and the hub's one thread learns of
changes for the whole process —

- on PostgreSQL by LISTEN: a commit that bumps a map's revision sends NOTIFY (journeymap/notify.py),
  so every worker process on every machine hears it from the database, with no bus of our own;
- on SQLite (one machine) by reading the revisions of the maps that have open streams, in one query
  every POLL_SECONDS, however many streams there are.

Presence ("Here now") is the open streams too: the hub renews one lease row per (map, person) for
the people with an open stream in this process every LEASE_SECONDS, and re-reads who is here every
PRESENCE_READ_SECONDS, so a heartbeat costs no write and every process shows the same list.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from journeymap.extensions import db

log = logging.getLogger(__name__)

CHANNEL = "journeymap_map"  # the NOTIFY channel; the payload is the map's id
# Seconds. SQLite: how often the revisions are read (issue 14 allows one poll per worker process;
# half a second keeps "every page within 2 s" with room for the page's own refetch).
POLL_SECONDS = 0.5
LEASE_SECONDS = 10.0  # a person's presence row is renewed this often while they hold a stream
PRESENCE_READ_SECONDS = 2.0  # who is here is re-read this often (one query per open map)
MAX_RETRY_SECONDS = 30  # the longest wait between tries while the database cannot be reached
MAX_NAMED = 50  # history entries read per change to name who did what; a burst beyond is counted


@dataclass(frozen=True)
class Change:
    """A new revision of a map, with what the history says happened since the one before."""

    revision: int
    count: int = 0  # history entries since the revision the hub knew before
    people: tuple[str, ...] = ()
    said: str = ""  # the latest entry in words: "Ana added a touchpoint …"
    # The same entry as (who, action, kind, summary), so that each stream says it in its reader's
    # language (journeymap/routes/live.py); the hub's thread has no reader.
    said_parts: tuple[str, str, str, str] | None = None
    # What changed between revision `since` and `revision`, as "kind-id" (the items' DOM ids), so a
    # page showing `since` can fetch just those (static/js/live.js); None when the hub cannot say
    # (the first it knows of the map, or more entries than it reads), and the page refetches.
    since: int = 0
    items: tuple[str, ...] | None = None

    def data(self, said: str | None = None) -> str:
        return json.dumps({"revision": self.revision, "count": self.count, "people": list(self.people),
                           "said": self.said if said is None else said, "since": self.since,
                           "items": None if self.items is None else list(self.items)})


RECENT_CHANGES = 32  # kept per map, so a stream that woke late gets every item since its last


@dataclass
class MapState:
    change: Change | None = None
    recent: deque = field(default_factory=lambda: deque(maxlen=RECENT_CHANGES))  # of Change, oldest first
    last_history_id: int | None = None
    here: str = "[]"  # JSON of who is here
    here_version: int = 0
    gone: bool = False


@dataclass(eq=False)
class Stream:
    """One open page: the maps it listens to, and what it has been sent of each."""

    map_ids: tuple[int, ...]
    user_id: int
    page: str
    revisions: dict[int, int] = field(default_factory=dict)
    here_versions: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class News:
    changes: list[tuple[int, Change]]
    here: list[tuple[int, str]]
    gone: bool


class Hub:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._streams: set[Stream] = set()
        self._maps: dict[int, MapState] = {}
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._stopping = False
        self._nudged = threading.Event()  # a stream opened: renew leases and read presence now

    # --- the streams' side -------------------------------------------------------------------

    def open(self, map_ids: Iterable[int], user_id: int, page: str, revisions: dict[int, int]) -> Stream:
        stream = Stream(tuple(map_ids), user_id, page, dict(revisions))
        with self._lock:
            for map_id in stream.map_ids:
                state = self._maps.setdefault(map_id, MapState())
                stream.here_versions[map_id] = 0 if state.here_version == 0 else -1
            self._streams.add(stream)
        self._ensure_running()
        self._nudged.set()
        return stream

    def close(self, stream: Stream) -> None:
        with self._lock:
            self._streams.discard(stream)

    def wait(self, stream: Stream, timeout: float) -> News:
        """What this stream has not been sent yet, waiting up to `timeout` seconds for something."""
        deadline = time.monotonic() + timeout
        with self._wake:
            while True:
                news = self._news_for(stream)
                left = deadline - time.monotonic()
                if news.changes or news.here or news.gone or left <= 0 or self._stopping:
                    return news
                self._wake.wait(left)

    def _news_for(self, stream: Stream) -> News:
        changes, here, gone = [], [], False
        for map_id in stream.map_ids:
            state = self._maps.get(map_id)
            if state is None:
                continue
            gone = gone or state.gone
            sent = stream.revisions.get(map_id, 0)
            if state.change and state.change.revision > sent:
                changes.append((map_id, _since(state, sent)))
                stream.revisions[map_id] = state.change.revision
            if state.here_version and state.here_version != stream.here_versions.get(map_id):
                here.append((map_id, state.here))
                stream.here_versions[map_id] = state.here_version
        return News(changes, here, gone)

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()

    # --- the listener thread -----------------------------------------------------------------

    def _ensure_running(self) -> None:
        # Started on first use in the worker process, never before gunicorn forks: a thread does not
        # survive a fork, and a copy of the parent's state would be someone else's.
        with self._lock:
            if self._thread is not None and self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="journeymap-hub", daemon=True)
            self._thread.start()

    def _open_maps(self) -> set[int]:
        with self._lock:
            return {map_id for stream in self._streams for map_id in stream.map_ids}

    def _leases(self) -> set[tuple[int, int, str]]:
        with self._lock:
            return {(map_id, s.user_id, s.page) for s in self._streams for map_id in s.map_ids}

    def _run(self) -> None:
        with self.app.app_context():
            listener = None
            if db.engine.dialect.name == "postgresql":
                from journeymap.notify import Listener
                listener = Listener(db.engine.url)
            next_lease = next_presence = 0.0
            failures = 0
            while not self._stopping:
                try:
                    if listener is not None:
                        maps = listener.wait(POLL_SECONDS)  # notified maps; all of them after a reconnect
                        wanted = self._open_maps() if maps is None else maps & self._open_maps()
                    else:
                        time.sleep(POLL_SECONDS)
                        wanted = self._open_maps()
                    if self._nudged.is_set():
                        self._nudged.clear()
                        next_lease = next_presence = 0.0
                        wanted = self._open_maps()  # a new stream's map may be new to the hub
                    if wanted:
                        self._read_revisions(wanted)
                    now = time.monotonic()
                    if now >= next_lease:
                        self._renew_leases()
                        next_lease = now + LEASE_SECONDS
                    if now >= next_presence:
                        self._read_presence(self._open_maps())
                        next_presence = now + PRESENCE_READ_SECONDS
                    failures = 0
                except Exception as exc:  # a database hiccup must not end live updates for the process
                    failures += 1
                    # The whole traceback once per run of failures, then one line each, less and
                    # less often: a database down for an hour must not fill the log every second.
                    if failures == 1:
                        log.exception("live-update hub: retrying")
                    else:
                        log.warning("live-update hub: still failing (%d times): %s", failures,
                                    (str(exc).strip().splitlines() or [type(exc).__name__])[-1])
                    if listener is not None:
                        listener.reset()
                    self._sleep(min(MAX_RETRY_SECONDS, 2 ** (failures - 1)))
                finally:
                    db.session.remove()
            if listener is not None:
                listener.reset()

    def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the hub is stopped."""
        with self._wake:
            if not self._stopping:
                self._wake.wait(seconds)

    def _read_revisions(self, map_ids: set[int]) -> None:
        from journeymap.models import HistoryEntry, JourneyMap

        rows = dict(db.session.execute(
            select(JourneyMap.id, JourneyMap.revision).where(JourneyMap.id.in_(map_ids))).all())
        published = False
        for map_id in map_ids:
            state = self._maps.setdefault(map_id, MapState())
            revision = rows.get(map_id)
            if revision is None:
                if not state.gone:
                    state.gone = published = True
                continue
            if state.change is not None and state.change.revision >= revision:
                continue
            query = (select(HistoryEntry.id, HistoryEntry.actor_name, HistoryEntry.action,
                            HistoryEntry.kind, HistoryEntry.summary, HistoryEntry.item_id)
                     .where(HistoryEntry.map_id == map_id).order_by(HistoryEntry.id.desc()))
            if state.last_history_id is None:
                entries = db.session.execute(query.limit(1)).all()
                change = Change(revision)  # the first the hub knows of this map: nothing to tell
            else:
                entries = db.session.execute(
                    query.where(HistoryEntry.id > state.last_history_id).limit(MAX_NAMED)).all()
                people = tuple(dict.fromkeys(entry.actor_name for entry in reversed(entries)))
                # Every change since the last revision, each about one item: or the page refetches.
                known = (state.change is not None and 0 < len(entries) < MAX_NAMED
                         and all(entry.item_id is not None for entry in entries))
                items = tuple(dict.fromkeys(
                    f"{entry.kind}-{entry.item_id}" for entry in reversed(entries))) if known else None
                parts = _parts(entries[0]) if entries else None
                change = Change(revision, len(entries), people, said(*parts) if parts else "",
                                said_parts=parts, since=state.change.revision if known else 0, items=items)
            if entries:
                state.last_history_id = entries[0][0]
            elif state.last_history_id is None:
                state.last_history_id = 0
            with self._lock:
                state.change = change
                state.recent.append(change)
            published = True
        if published:
            with self._wake:
                self._wake.notify_all()

    def _renew_leases(self) -> None:
        from journeymap.domain import live

        leases = self._leases()
        if leases:
            live.renew_leases(leases)
            db.session.commit()

    def _read_presence(self, map_ids: set[int]) -> None:
        from journeymap.domain import live
        from journeymap.routes.live import here_json

        changed = False
        window = self.app.config["PRESENCE_SECONDS"]
        for map_id, people in live.here_now_in(map_ids, window).items():
            here = here_json(people)
            state = self._maps.setdefault(map_id, MapState())
            if here != state.here or state.here_version == 0:
                with self._lock:
                    state.here, state.here_version = here, next(_versions)
                changed = True
        if changed:
            with self._wake:
                self._wake.notify_all()


_versions = itertools.count(1)


def _parts(entry) -> tuple[str, str, str, str]:
    return (entry.actor_name, entry.action, entry.kind, entry.summary[:80] if entry.summary else "")


def said(person: str, action: str, kind: str, summary: str) -> str:
    """A history entry as a short sentence for a screen reader, in the reader's language (English
    outside a request): 'Ana added touchpoint “First call”'."""
    from flask_babel import gettext

    from journeymap.kinds.wording import action_word, kind_word

    sentence = gettext("%(person)s %(action)s %(kind)s", person=person, action=action_word(action),
                       kind=kind_word(kind)).strip()
    return sentence + (f" “{summary}”" if summary else "")


def _since(state: MapState, sent: int) -> Change:
    """The map's latest change as a stream that was sent revision `sent` needs it: when the hub
    has made more than one change since (a burst, a stream slow to wake), one change covering them
    all, with every item they touched, if the hub still holds each of them."""
    latest = state.change
    if latest.since and latest.since <= sent:
        return latest
    missed = [change for change in state.recent if change.revision > sent]
    chained = (missed and missed[0].since and missed[0].since <= sent
               and all(a.revision == b.since for a, b in zip(missed, missed[1:], strict=False))
               and all(change.items is not None for change in missed))
    people = tuple(dict.fromkeys(name for change in missed for name in change.people))
    items = tuple(dict.fromkeys(item for change in missed for item in change.items)) if chained else None
    return Change(latest.revision, sum(change.count for change in missed), people, latest.said,
                  said_parts=latest.said_parts, since=missed[0].since if chained else 0, items=items)


def hub_of(app: Flask) -> Hub:
    """The process's hub for this app, made on first use."""
    hub = app.extensions.get("journeymap_hub")
    if hub is None:
        hub = app.extensions.setdefault("journeymap_hub", Hub(app))
    return hub
