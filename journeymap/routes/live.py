"""The live check every open map page makes each second: "I am here; has the map changed?".

A POST (it records presence; GET requests change nothing). The answer is the "here now" list;
when the map's revision is newer than the page's, an HX-Trigger tells the page to refresh itself
(static/js/live.js), which it does without touching any form someone is typing in.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from htmx_flask import make_response

from journeymap.auth.access import requires
from journeymap.domain import live
from journeymap.extensions import db
from journeymap.forms import small_int

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
