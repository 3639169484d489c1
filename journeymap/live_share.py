"""Live refetches rendered once and shared (issue 14, point 1: a change costs what changed).

When a map changes, every open page refetches itself (static/js/live.js, header X-Live-Refresh).
Forty people on the journey page with the same rights would get the same HTML, so the first
refetch of (map, revision, URL, rights, day, language) renders it and the others are served that render: a
small cache per worker process, a few entries per map, with one render in flight per key so that
concurrent identical refetches wait for it rather than render N times.

What makes two people's pages differ, and how it is kept out of the shared HTML:
- their language: part of the key (journeymap.i18n);
- their rights: `access.rights_signature` (role, closed map, and who they are where item rules
  depend on it: a caseworker's own touchpoints, the family's own deletions) is part of the key;
- their CSRF token (per session): the shared render is made with a placeholder token, which each
  answer replaces by the person's own (`generate_csrf`);
- the layout (their name, flashed messages): a live refetch is answered with only the regions
  live.js swaps (#map-status and #main; templates/base.html, `g.live_regions`), so it has none.
Pages whose regions say who is looking (the members list marks "you") are not shared.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, g, request
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from journeymap import clock, i18n
from journeymap.auth import access
from journeymap.extensions import db
from journeymap.models import JourneyMap

# The map pages a workshop has open, whose #main and #map-status depend on nothing but the map,
# the person's rights and the day.
SHARED_ENDPOINTS = frozenset({
    "maps.overview", "journey.page", "people.page", "barriers.page", "silo.page", "handoffs.page",
    "connections.page", "journey_view.page",
    "live.items",  # a change's items, asked for by every page that shows them (journeymap/live_items.py)
})
ENTRIES_PER_MAP = 8  # pages × rights in use at once on one map; older ones are dropped
MAPS = 32  # maps with entries kept, the most recently rendered: a few MB at most per process
WAIT_SECONDS = 10.0  # a refetch waits this long for another's render of the same page, at most
_REVISION = re.compile(rb'id="map-status"[^>]*?data-revision="(\d+)"')


@dataclass(frozen=True)
class Entry:
    revision: int
    body: bytes  # with PLACEHOLDER where each person's CSRF token goes


class SharedRenders:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._maps: dict[int, OrderedDict[tuple, Entry]] = {}
        self._rendering: dict[tuple, threading.Event] = {}
        # Unguessable, so no text anyone typed on a page can be mistaken for it.
        self.placeholder = "jm-shared-csrf-" + secrets.token_hex(16)
        self.renders = 0  # how many shared renders this process made (tests, benchmarks)
        self.served = 0  # how many refetches were answered from one

    def find(self, map_id: int, key: tuple, at_least: int) -> Entry | None:
        with self._lock:
            entry = self._maps.get(map_id, {}).get(key)
        return entry if entry is not None and entry.revision >= at_least else None

    def store(self, map_id: int, key: tuple, entry: Entry) -> None:
        with self._lock:
            entries = self._maps.pop(map_id, None) or OrderedDict()
            self._maps[map_id] = entries  # the most recent last
            while len(self._maps) > MAPS:
                del self._maps[next(iter(self._maps))]
            old = entries.get(key)
            if old is None or old.revision <= entry.revision:
                entries[key] = entry
                entries.move_to_end(key)
            while len(entries) > ENTRIES_PER_MAP:
                entries.popitem(last=False)
            self.renders += 1

    def lead_or_wait(self, flight: tuple) -> bool:
        """True: this request renders (and must call `landed`); False: another did, waited for."""
        with self._lock:
            event = self._rendering.get(flight)
            if event is None:
                self._rendering[flight] = threading.Event()
                return True
        event.wait(WAIT_SECONDS)
        return False

    def landed(self, flight: tuple) -> None:
        with self._lock:
            event = self._rendering.pop(flight, None)
        if event is not None:
            event.set()


def _small_int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) <= 9 else 0


def _answer(shared: SharedRenders, entry: Entry) -> Response:
    token = generate_csrf().encode()
    response = Response(entry.body.replace(shared.placeholder.encode(), token), mimetype="text/html")
    response.headers["X-Live-Shared"] = "1"
    return response


def init_app(app: Flask) -> None:
    shared = SharedRenders()
    app.extensions["live_share"] = shared
    field_name = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

    @app.before_request
    def live_regions_only():
        """A live refetch (any page) gets only the regions live.js swaps; a shareable one, from
        the cache or as the render the others wait for. Runs after access.enforce (g.membership)."""
        # Set on every request: a test may hold one app context (one `g`) around several.
        g.live_regions = request.method == "GET" and bool(request.headers.get("X-Live-Refresh"))
        g.pop("live_share", None)
        if not g.live_regions:
            return None
        membership = g.get("membership")
        map_id = (request.view_args or {}).get("map_id")
        if request.endpoint not in SHARED_ENDPOINTS or membership is None or map_id is None:
            return None
        # The map's revision now, and when it was made: ids can come back (a restored backup,
        # the tests' emptied database), and a render of another map must never be served.
        row = db.session.execute(
            select(JourneyMap.revision, JourneyMap.created_at).where(JourneyMap.id == map_id)).first()
        if row is None:
            return None
        key = (request.full_path, access.rights_signature(membership), clock.today(), row.created_at,
               i18n.current_language())
        # The revision the page asks for (the newest its stream announced; X-Live-Want): a render
        # at least that new answers it, even if the map has moved on since, because the stream
        # announces each newer revision and the page then asks again. Pages refetching a moment
        # apart, at different revisions, share one render this way. Without the header: the
        # map's revision now.
        want = _small_int(request.headers.get("X-Live-Want")) or row.revision or 0
        entry = shared.find(map_id, key, want)
        if entry is None:
            flight = (map_id, key, max(want, row.revision or 0))
            if shared.lead_or_wait(flight):
                g.live_share = (map_id, key, flight)
                setattr(g, field_name, shared.placeholder)  # generate_csrf returns this
                return None
            # Waited for the other render; if it could not be shared, this one renders alone.
            entry = shared.find(map_id, key, want)
        if entry is None:
            return None
        shared.served += 1
        return _answer(shared, entry)

    @app.after_request
    def share_the_render(response: Response) -> Response:
        g.pop("live_regions", None)  # a test's next request in the same `g` is a page again
        sharing = g.pop("live_share", None)
        if sharing is None:
            return response
        map_id, key, flight = sharing
        g.pop(field_name, None)  # the placeholder: this person's own token from here on
        if response.status_code == 200 and response.mimetype == "text/html" and not response.is_streamed:
            body = response.get_data()
            found = _REVISION.search(body)
            if found:
                shared.store(map_id, key, Entry(int(found.group(1)), body))
            response.set_data(body.replace(shared.placeholder.encode(), generate_csrf().encode()))
        shared.landed(flight)
        return response

    @app.teardown_request
    def release_waiters(_error=None) -> None:
        g.pop("live_regions", None)
        sharing = g.pop("live_share", None)  # left only when the request failed before after_request
        if sharing is not None:
            shared.landed(sharing[2])
