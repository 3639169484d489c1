"""The silo map: in the page, as a text list beside it, and as downloads."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from journeymap.render.exports import EXPORT_FORMATS, export_map
from journeymap.render.runner import RenderError
from journeymap.routes.common import view_or_404

bp = Blueprint("silo", __name__)


@bp.get("/maps/<int:map_id>/silo")
def page(map_id: int):
    return render_template("silo/page.html", view=view_or_404(map_id))


@bp.get("/maps/<int:map_id>/silo-map.<fmt>")
def download(map_id: int, fmt: str):
    view = view_or_404(map_id)
    if fmt not in EXPORT_FORMATS:
        return render_template(
            "error.html", code=404, title="Not found", message="There is no such download."
        ), 404
    try:
        result = export_map(
            view, fmt, timeout=current_app.config["DOT_TIMEOUT"], dot=current_app.config["DOT_BINARY"]
        )
    except RenderError as exc:
        return render_template(
            "error.html", code=503, title="The silo map could not be drawn", message=str(exc),
            view=view,
        ), 503
    response = Response(result.content, mimetype=result.mimetype)
    # Shown in the page as an <img>; any other format is a download.
    disposition = "inline" if fmt == "svg" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{result.filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(f"{view.id}-{view.revision}-{fmt}")
    return response.make_conditional(request)
