"""Live updates: the stream every open page holds, and the check a page falls back to.

GET /maps/<id>/events is a Server-Sent Events stream: the map's revision whenever it changes (with
who did what, for the announcement), "Here now" whenever it changes, and a keepalive comment every
LIVE_KEEPALIVE_SECONDS, at which the stream also checks that the person is still a member of an
open map (or ends). Each event's id is the revision, so a reconnecting browser's Last-Event-ID
says what it has: a change it missed is sent at once. GET /me/events is the same for "My
touchpoints" (the phone page), for presence only. The waiting is done by the worker's hub
(journeymap/hub.py), never by the stream asking the database.

POST /maps/<id>/live is the older check ("I am here; has the map changed?"), which a page makes
every LIVE_INTERVAL_SECONDS only when its stream has been silent too long (a proxy that buffers
streams). A POST because it records presence; when the map's revision is newer than the page's,
an HX-Trigger tells the page to refresh itself (static/js/live.js).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import current_user
from htmx_flask import make_response
from sqlalchemy import select

from journeymap.auth import access
from journeymap.auth.access import SIGNED_IN, requires
from journeymap.domain import live
from journeymap.extensions import db
from journeymap.forms import small_int
from journeymap.hub import Change, hub_of, said
from journeymap.live_items import placed
from journeymap.models import JourneyMap, Membership
from journeymap.routes.common import view_or_404

bp = Blueprint("live", __name__)

# The page each map page says it is in its live check (recorded with the person's presence), by
# endpoint; any other page, or a value not listed here, is "other".
PAGE_OF_ENDPOINT = {
    "maps.overview": "family", "journey.page": "journey", "people.page": "people",
    "barriers.page": "barriers", "silo.page": "silo", "journey_view.page": "journey view",
    "brief.page": "brief", "meetings.page": "meetings", "data.page": "data", "members.page": "members",
    "history.page": "history",
}
PAGES = set(PAGE_OF_ENDPOINT.values()) | {"other"}
ME_PAGE = "my touchpoints"  # the phone page, on no one map: its stream counts as here on each
_sleep = time.sleep  # a stream without a hub waits here (tests step in at this point)
RETRY_MS = 3000  # how soon a browser reconnects a dropped stream (the SSE "retry" field)


def live_page(endpoint: str | None) -> str:
    return PAGE_OF_ENDPOINT.get(endpoint, "other")


@bp.post("/maps/<int:map_id>/live")
@requires("read")
def check(map_id: int):
    page = request.form.get("page", "other")
    page = page if page in PAGES else "other"
    live.note_presence(map_id, current_user.id, page)
    db.session.commit()
    revision = live.revision(map_id)
    seen = small_int(request.form.get("seen"))
    changed = seen is None or seen < revision
    return make_response(
        render_template("partials/live.html", map_id=map_id, page=page,
                        here=live.here_now(map_id, current_app.config["PRESENCE_SECONDS"])),
        trigger={"jm:map-changed": {"revision": revision}} if changed else None,
    )


MAX_ITEMS = 50  # as many as the hub names in one change (journeymap.hub.MAX_NAMED)


@bp.get("/maps/<int:map_id>/live/items")
@requires("read")
def items(map_id: int):
    """The items a change touched, as `page` shows them now, and the map's status: what an open
    page needs after someone else's save, instead of itself again (journeymap/live_items.py)."""
    page = request.args.get("page", "")  # a page that takes no items gets none, and the status
    view = view_or_404(map_id)
    asked = request.args.getlist("item")[:MAX_ITEMS]
    return render_template("partials/live_items.html", view=view, placed=placed(view, page, asked))


def _in_readers_words(change: Change) -> str:
    """Who did what, in the language of the person this stream is for (the stream keeps its
    request's context: their account's language, or their browser's)."""
    return said(*change.said_parts) if change.said_parts else change.said


def here_json(people: Sequence[live.Here]) -> str:
    """ "Here now" as the stream sends it; the page builds the list with textContent (no markup)."""
    return json.dumps([{"name": p.name, "role": access.label(p.role).lower()} for p in people])


def _event(name: str, data: str, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {data}\n\n"  # data is JSON: never a raw newline


def _stream_response(body: Iterator[str]) -> Response:
    response = Response(stream_with_context(body), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on as it comes
    return response


@bp.get("/maps/<int:map_id>/events")
@requires("read")
def events(map_id: int):
    page = request.args.get("page", "other")
    page = page if page in PAGES else "other"
    revision = live.revision(map_id)
    last_id = small_int(request.headers.get("Last-Event-ID"))
    user_id = current_user.id
    # Read before the loop; then the stream gives its database connection back to the pool and
    # holds none while it waits (an idle page must cost no connection).
    db.session.remove()

    def body() -> Iterator[str]:
        yield f"retry: {RETRY_MS}\n\n"
        if last_id != revision:  # a first connection, or a reconnection that missed a change
            yield _event("change", Change(revision).data(), revision)
        yield from _wait_and_send(map_ids=(map_id,), user_id=user_id, page=page,
                                  revisions={map_id: revision}, send_changes=True)

    return _stream_response(body())


@bp.get("/me/events")
@requires(SIGNED_IN)
def me_events():
    user_id = current_user.id
    map_ids = tuple(db.session.scalars(
        select(Membership.map_id).join(JourneyMap, JourneyMap.id == Membership.map_id)
        .where(Membership.user_id == user_id, JourneyMap.closed_at.is_(None))
        .order_by(Membership.map_id)))
    db.session.remove()

    def body() -> Iterator[str]:
        yield f"retry: {RETRY_MS}\n\n"
        if map_ids:
            yield from _wait_and_send(map_ids=map_ids, user_id=user_id, page=ME_PAGE, revisions={},
                                      send_changes=False)

    return _stream_response(body())


def _wait_and_send(*, map_ids: tuple[int, ...], user_id: int, page: str, revisions: dict[int, int],
                   send_changes: bool) -> Iterator[str]:
    """The stream's loop: sleep on the hub, send what it brings, check access at each keepalive."""
    config = current_app.config
    keepalive = config["LIVE_KEEPALIVE_SECONDS"]
    ends_at = time.monotonic() + config["LIVE_STREAM_MAX_SECONDS"]
    hub = hub_of(current_app._get_current_object()) if config["LIVE_HUB"] else None
    stream = hub.open(map_ids, user_id, page, revisions) if hub else None
    next_check = time.monotonic() + keepalive
    try:
        while (now := time.monotonic()) < ends_at:
            wait = min(next_check, ends_at) - now
            if hub is not None:
                news = hub.wait(stream, wait)
                if news.gone:
                    yield _event("end", "{}")
                    return
                if send_changes:
                    for _, change in news.changes:
                        revisions[map_ids[0]] = change.revision
                        yield _event("change", change.data(said=_in_readers_words(change)), change.revision)
                    for _, here in news.here:
                        yield _event("here", here)
            else:
                _sleep(max(wait, 0))  # no hub (the in-memory test database): keepalives only
            if time.monotonic() < next_check:
                continue
            next_check = time.monotonic() + keepalive
            still = [live.stream_access(map_id, user_id) for map_id in map_ids]
            db.session.remove()
            if not any(allowed for allowed, _ in still):
                yield _event("end", "{}")
                return
            # Anything the hub has not brought (it reads every POLL_SECONDS; this is a backstop).
            for map_id, (allowed, current) in zip(map_ids, still, strict=True):
                if send_changes and allowed and current is not None and current > revisions.get(map_id, 0):
                    revisions[map_id] = current
                    if stream is not None:
                        stream.revisions[map_id] = current
                    yield _event("change", Change(current).data(), current)
            # An event, not an SSE comment: a page cannot see comments, and it counts these to
            # tell a live stream from one a proxy is holding back (static/js/live.js).
            yield _event("ping", "{}")
    finally:
        if hub is not None:
            hub.close(stream)
        db.session.remove()
