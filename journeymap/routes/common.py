"""What every map route shares: finding things on a map (or 404), and answering a browser with a
whole page and htmx with just the fragment that changed."""

from __future__ import annotations

from flask import abort, redirect, render_template, request
from markupsafe import Markup

from journeymap.extensions import db
from journeymap.models import JourneyMap
from journeymap.snapshot import MapView, load_map_view


def map_or_404(map_id: int) -> JourneyMap:
    journey_map = db.session.get(JourneyMap, map_id)
    if journey_map is None:
        abort(404)
    return journey_map


def item_or_404(model, journey_map: JourneyMap, item_id: int):
    """An item of this map; an id from another map is as unknown as one that never existed."""
    item = db.session.get(model, item_id)
    if item is None or item.map_id != journey_map.id:
        abort(404)
    return item


def view_or_404(map_id: int) -> MapView:
    view = load_map_view(db.session, map_id)
    if view is None:
        abort(404)
    return view


def form_response(fragment: str, *, title: str, back_url: str, status: int = 200, **context):
    """A form: the fragment for htmx, or a page around the same fragment for a plain browser.

    Invalid input answers 422 either way; htmx is configured to swap 422 so errors show in place.
    """
    if request.htmx:
        return render_template(fragment, **context), status
    page = render_template(
        "form_page.html", fragment=fragment, title=title, back_url=back_url, **context
    )
    return page, status


def changed(fragment: str | None, *, view: MapView, page_url: str, **context):
    """After a successful write: htmx gets the changed fragment plus the map's status (the count
    of barriers no one owns) swapped out of band; a plain browser is redirected to the page."""
    if not request.htmx:
        return redirect(page_url, code=303)
    body = render_template(fragment, view=view, **context) if fragment else ""
    status = render_template("partials/map_status.html", view=view, oob=True)
    return Markup(body) + Markup(status)
