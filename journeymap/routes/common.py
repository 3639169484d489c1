"""What every map route shares: finding things on a map (or 404), and answering a browser with a
whole page and htmx with just the fragment that changed."""

from __future__ import annotations

import re

from flask import Response, abort, g, redirect, render_template, request
from flask_login import current_user
from markupsafe import Markup

from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.models import JourneyMap
from journeymap.readmodel.filters import only_stage
from journeymap.readmodel.snapshot import MapView, StageView, load_map_view


def acting() -> Actor:
    """The signed-in person making this request, with their role on the map of the URL (if any)."""
    return Actor.person(current_user, g.get("membership"))


def map_or_404(map_id: int) -> JourneyMap:
    journey_map = db.session.get(JourneyMap, map_id)
    if journey_map is None:
        abort(404)
    return journey_map


def item_or_404(model, map_id: int, item_id: int, **get_options):
    """A row of this map (an item, a membership, an invitation); an id from another map is as
    unknown as one that never existed. `get_options` go to Session.get."""
    item = db.session.get(model, item_id, **get_options)
    if item is None or item.map_id != map_id:
        abort(404)
    return item


def view_or_404(map_id: int) -> MapView:
    view = load_map_view(db.session, map_id)
    if view is None:
        abort(404)
    return view


def choice_arg(values, name: str, allowed: tuple[str, ...]) -> str:
    """`name` of a query string or form, one of `allowed` (the first when it is missing); any other
    value answers 404, as an unknown id does: a mistyped bookmark should not quietly show something
    else."""
    value = values.get(name, allowed[0])
    if value not in allowed:
        abort(404)
    return value


def format_requested(allowed) -> str:
    """The format a download form asks for, one of `allowed`; none or any other answers 404."""
    fmt = request.form.get("format", "")
    if fmt not in allowed:
        abort(404)
    return fmt


def stage_id_arg(values) -> int | None:
    """The `stage` of a query string or form that narrows a drawing: None for the whole journey.
    Anything but a number is as unknown as a stage that does not exist: 404."""
    raw = values.get("stage", "")
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        abort(404)
    return int(raw)


def stage_or_404(view: MapView, stage_id: int | None) -> StageView | None:
    """The stage of this map (None for the whole journey); a stage of another map is 404."""
    if stage_id is None:
        return None
    stage = view.stage(stage_id)
    if stage is None:
        abort(404)
    return stage


def only_stage_or_404(view: MapView, stage_id: int | None) -> MapView:
    """The view narrowed to one stage (filters.only_stage), or the whole view for None."""
    return view if stage_or_404(view, stage_id) is None else only_stage(view, stage_id)


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


def tagged(response: Response, etag: str) -> Response:
    """A drawing of one revision of a map, tagged with it: the browser keeps it but asks again each
    time (every open page asks after every change), and while its copy is current gets `not_modified`."""
    response.set_etag(etag)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


def not_modified(etag: str) -> Response:
    """The 304 for a browser whose If-None-Match holds `etag` (request.if_none_match.contains):
    asked before anything is loaded or drawn, so an unchanged map costs only its revision."""
    return tagged(Response(status=304), etag)
