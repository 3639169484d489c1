"""The silo map: in the page, as a text list beside it, and as downloads.

Looking at the map (the SVG inside the page) is a GET; taking a copy away is an export, a POST
from the download buttons, and goes into the map's history.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from journeymap import history, live
from journeymap.access import requires
from journeymap.extensions import db
from journeymap.render.exports import EXPORT_FORMATS, export_map
from journeymap.render.runner import RenderError
from journeymap.routes.common import view_or_404

bp = Blueprint("silo", __name__)

EXPORT_LABELS = {"svg": "SVG", "png": "PNG", "pdf": "PDF", "dot": "DOT", "json": "Whole map (JSON)"}


@bp.get("/maps/<int:map_id>/silo")
@requires("read")
def page(map_id: int):
    return render_template("silo/page.html", view=view_or_404(map_id), export_labels=EXPORT_LABELS)


def _render(view, fmt: str):
    try:
        return export_map(
            view, fmt, timeout=current_app.config["DOT_TIMEOUT"], dot=current_app.config["DOT_BINARY"]
        ), None
    except RenderError as exc:
        return None, (render_template(
            "error.html", code=503, title="The silo map could not be drawn", message=str(exc), view=view,
        ), 503)


@bp.get("/maps/<int:map_id>/silo-map.svg")
@requires("read")
def image(map_id: int):
    """The drawing shown in the page; cached by the browser until the map changes.

    A browser that already has this revision gets 304 before anything is loaded or drawn: every
    open page asks again after every change anyone makes."""
    etag = f"{map_id}-{live.revision(map_id)}-svg"
    if etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{etag}"', "Cache-Control": "private, no-cache"})
    view = view_or_404(map_id)
    result, failure = _render(view, "svg")
    if failure:
        return failure
    response = Response(result.content, mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{result.filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(f"{view.id}-{view.revision}-svg")
    return response


@bp.post("/maps/<int:map_id>/export")
@requires("read")
def export(map_id: int):
    fmt = request.form.get("format", "")
    if fmt not in EXPORT_FORMATS:
        abort(404)
    view = view_or_404(map_id)
    result, failure = _render(view, fmt)
    if failure:
        return failure
    history.record(map_id, "exported", "map", map_id, summary=f"{EXPORT_LABELS[fmt]} download",
                   changes={"Format": fmt})
    db.session.commit()
    response = Response(result.content, mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
