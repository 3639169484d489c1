"""The silo map page, the drawing shown in it (a GET), and its downloads.

Looking at the map (the SVG inside the page) is a GET; taking a copy away is an export, a POST
from the download form, de-identified unless full detail is chosen, and recorded in the map's
history. The drawing's options (focus on the barriers no one owns, caseworkers shown or not,
one stage) are query parameters, so a view can be bookmarked and shared within the map.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _

from journeymap import i18n
from journeymap.auth.access import requires
from journeymap.domain import live
from journeymap.domain.sharing import deidentified
from journeymap.exports.downloads import SILO_FORMATS, export_map
from journeymap.readmodel.snapshot import MapView
from journeymap.render.drawing import SiloOptions, cached_silo, draw_silo
from journeymap.render.runner import RenderError
from journeymap.render.silo_layout import TEXT_PT
from journeymap.routes.common import (
    choice_arg,
    format_requested,
    not_modified,
    only_stage_or_404,
    stage_id_arg,
    tagged,
    view_or_404,
)
from journeymap.routes.exporting import (
    FULL,
    detail_arg,
    export_view,
    full_detail_requested,
    in_download_language,
    send_export,
)

bp = Blueprint("silo", __name__)


def options_from(values) -> SiloOptions:
    """The drawing's options from a query string or form (whether the stage and the agency are on
    this map is checked against the view, by only_stage_or_404 and agency_or_404); an unknown
    value is 404.

    `silo`: missing for the whole map or, when that is too big to read on a projected slide, the
    overview (scope "auto"); "overview"; "whole"; or an agency's id for that one silo on its own.
    """
    silo = values.get("silo", "")
    agency_id = None
    if re.fullmatch(r"[0-9]{1,9}", silo):
        agency_id, silo = int(silo), ""
    elif silo not in ("", "overview", "whole"):
        abort(404)
    return SiloOptions(
        focus_unowned=choice_arg(values, "focus", ("", "unowned")) == "unowned",
        show_caseworkers=choice_arg(values, "caseworkers", ("show", "hide", "")) != "hide",
        stage_id=stage_id_arg(values),
        scope=silo or ("whole" if agency_id is not None else "auto"),
        agency_id=agency_id,
        key_in_page=choice_arg(values, "key", ("", "page")) == "page",
        show_introductions=choice_arg(values, "introductions", ("", "show")) == "show",
    )


def agency_or_404(view: MapView, options: SiloOptions) -> None:
    """A silo asked for on its own must be one of this map's agencies."""
    if options.agency_id is not None and view.agency(options.agency_id) is None:
        abort(404)


def option_args(options: SiloOptions) -> dict:
    """The query parameters for `options`, only those that differ from the defaults."""
    args = {}
    if options.focus_unowned:
        args["focus"] = "unowned"
    if not options.show_caseworkers:
        args["caseworkers"] = "hide"
    if options.stage_id is not None:
        args["stage"] = options.stage_id
    if options.agency_id is not None:
        args["silo"] = options.agency_id
    elif options.scope != "auto":
        args["silo"] = options.scope
    if options.key_in_page:
        args["key"] = "page"
    if options.show_introductions:
        args["introductions"] = "show"
    return args


def silo_choices(view: MapView) -> list[tuple[str, str]]:
    """(value of `silo`, words) for the choice of what the drawing holds, agencies by name."""
    choices = [("", _("Best for this map")), ("overview", _("Overview: one box per agency")),
               ("whole", _("The whole map"))]
    return choices + [(str(a.id), _("One silo: %(name)s", name=a.name)) for a in view.agencies]


# The drawing on the page opens at the size where its text (TEXT_PT, journeymap.render.silo_layout)
# is the page's own 16 px, in a frame that scrolls: readable, where fitting it to the column made
# the demo's text 4 to 10 px. "Fit to width" (static/js/silo.js) shows it whole instead.
PAGE_TEXT_PX = 16
DRAWING_TEXT_PX = float(TEXT_PT) * 4 / 3  # at the SVG's natural size


def page_size(svg: bytes) -> tuple[int, int] | None:
    """(width, height) in CSS px for the drawing on the page, from the size dot wrote in points."""
    found = re.search(rb'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"', svg[:2000])
    if found is None:
        return None
    scale = 4 / 3 * PAGE_TEXT_PX / DRAWING_TEXT_PX
    return round(float(found[1]) * scale), round(float(found[2]) * scale)


def _failure(view: MapView, exc: RenderError):
    return render_template(
        "error.html", code=503, title=_("The silo map could not be drawn"), message=str(exc), view=view,
    ), 503


@bp.get("/maps/<int:map_id>/silo")
@requires("read")
def page(map_id: int):
    view = view_or_404(map_id)
    options = options_from(request.args)
    # Drawn here rather than only by the <img> request: the page must say when a simpler view was
    # drawn, or that none could be. The image request then finds the drawing in the cache.
    notice = problem = size = None
    overview = False
    agency_or_404(view, options)
    shown = only_stage_or_404(view, options.stage_id)
    try:
        drawn = cached_silo(map_id, view.revision, FULL, options, "svg")
        drawn = drawn or draw_silo(shown, "svg", options, detail=FULL)
        notice, size, overview = drawn.notice, page_size(drawn.content), drawn.overview
    except RenderError as exc:
        problem = str(exc)
    return render_template(
        "silo/page.html", view=view, options=options, option_args=option_args(options),
        notice=notice, problem=problem, formats=SILO_FORMATS, silo_choices=silo_choices(view),
        overview=overview, size=size,
    )


@bp.get("/maps/<int:map_id>/silo-map.svg")
@requires("read")
def image(map_id: int):
    """The drawing: de-identified unless `detail=full` (the map's own pages ask for full; members
    see everything there anyway). Cached by the browser until the map changes, and by us by content.

    An unchanged map answers from the cache without loading it: a 304 when the browser has this
    revision, else the drawing kept for this revision; every open page asks again after every
    change anyone makes."""
    detail = detail_arg(request.args)
    options = options_from(request.args)
    revision = live.revision(map_id)
    etag = "-".join(str(part) for part in (
        map_id, revision, detail, int(options.focus_unowned), int(options.show_caseworkers),
        options.stage_id or "all", options.scope, options.agency_id or "any",
        int(options.key_in_page), int(options.show_introductions), "svg", i18n.current_language(),
    ))
    if revision is not None and request.if_none_match.contains(etag):
        return not_modified(etag)
    drawing = cached_silo(map_id, revision, detail, options, "svg") if revision is not None else None
    if drawing is None:
        view = view_or_404(map_id)
        agency_or_404(view, options)
        # De-identified before narrowing, so a stage keeps its number ("Stage 3") and barriers
        # theirs, as in the presentation view's text beside the picture.
        shown = only_stage_or_404(view if detail == FULL else deidentified(view), options.stage_id)
        try:
            drawing = draw_silo(shown, "svg", options, detail=detail)
        except RenderError as exc:
            return _failure(view, exc)
    response = tagged(Response(drawing.content, mimetype=drawing.mimetype), etag)
    response.headers["Content-Disposition"] = f'inline; filename="journeymap-{map_id}-silo-map.svg"'
    return response


@bp.post("/maps/<int:map_id>/export")
@requires("read")
def export(map_id: int):
    fmt = format_requested(SILO_FORMATS)
    full = full_detail_requested()
    options = options_from(request.form)
    view = export_view(map_id, full)
    agency_or_404(view, options)
    view = only_stage_or_404(view, options.stage_id)
    try:
        with in_download_language():
            result = export_map(view, fmt, options, full=full)
    except RenderError as exc:
        return _failure(view, exc)
    return send_export(map_id, result.content, result.mimetype, result.filename,
                       what=f"Silo map ({SILO_FORMATS[fmt]})", fmt=fmt, full=full)
