"""The journey view: stages left to right, one lane per agency (service-blueprint style).

The page puts the drawing inline, inside a frame that scrolls both ways: at 500 touchpoints it
is about 9,000 by 13,000 px, and shrinking it to the window would make it unreadable. Inline
rather than an <img> because only inline SVG shows each card's full text on hover (cards cut
long text; the whole of it is in the card's <title>), lets the browser's find-in-page reach
every card (and scroll the frame to it), and follows browser zoom and text selection. It is one
request either way, and the live refresh redraws it with the rest of the page.

The same drawing as a file (GET .svg, for <img> in the presentation view) is cached by the
browser until the map changes, like the silo map's. Downloads are POSTs through exporting.py.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup, escape

from journeymap import i18n
from journeymap.auth.access import requires
from journeymap.domain import live
from journeymap.domain.sharing import deidentified
from journeymap.readmodel.snapshot import MapView, StageView, TouchpointView
from journeymap.render import journey_svg as jv
from journeymap.render.journey_svg import build_journey_svg
from journeymap.render.pdf import html_to_pdf
from journeymap.routes.common import (
    format_requested,
    not_modified,
    only_stage_or_404,
    stage_id_arg,
    stage_or_404,
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

bp = Blueprint("journey_view", __name__)

EXPORT_MIMETYPES = {"svg": "image/svg+xml", "pdf": "application/pdf"}
# Acrobat and some printers refuse a page side over 200 inches (14,400 pt); bigger drawings are
# scaled down to that. The PDF is vector, so zooming in keeps every card readable.
PDF_MAX_SIDE_PT = 14_400


def steps_by_stage(view: MapView) -> list[tuple[StageView, list[tuple[int, TouchpointView]]]]:
    """The text version's groups: each stage with its steps, numbered as the drawing numbers
    them (journey order across the stages shown)."""
    groups, number = [], 0
    for stage in view.stages:
        steps = []
        for tp in stage.touchpoints:
            number += 1
            steps.append((number, tp))
        groups.append((stage, steps))
    return groups


def drawing_view(map_id: int, *, full: bool,
                 stage_id: int | None) -> tuple[MapView, MapView, StageView | None]:
    """(the map's view, the view to draw, the stage shown). De-identifying comes before the cut
    to one stage, so a de-identified step keeps its number in the whole journey ("Touchpoint 12");
    the cut leaves the agencies and caseworkers involved there (the other lanes would be empty)."""
    view = view_or_404(map_id)
    source = view if full else deidentified(view)
    stage = stage_or_404(source, stage_id)
    return view, only_stage_or_404(source, stage_id), stage


# Routes ----------------------------------------------------------------------------------------


@bp.get("/maps/<int:map_id>/journey-view")
@requires("read")
def page(map_id: int):
    # Members see every name in the app anyway, so the page draws the full view.
    view, shown, stage = drawing_view(map_id, full=True, stage_id=stage_id_arg(request.args))
    # The renderer escapes every user string itself (tests/unit/test_journey_view.py).
    layout = jv.layout_journey(shown)
    svg = build_journey_svg(shown, layout=layout)
    return render_template(
        "journey_view/page.html", view=view, shown=shown, stage=stage, svg=Markup(svg),
        pinned=pinned_headings(layout, svg), steps_by_stage=steps_by_stage(shown),
    )


@bp.get("/maps/<int:map_id>/journey-view.svg")
@requires("read")
def image(map_id: int):
    """The drawing as a file: de-identified unless `detail=full`. Any member may ask for full
    detail here, as they read it on every page of the map; taking a copy away is the export.

    A browser that already has this revision gets 304 before anything is loaded or drawn."""
    detail = detail_arg(request.args)
    stage_id = stage_id_arg(request.args)
    revision = live.revision(map_id)
    # The language too: the drawing's words are the reader's, and a switch must not get a 304.
    etag = f"{map_id}-{revision}-journey-{detail}-{stage_id or 'all'}-{i18n.current_language()}"
    if revision is not None and request.if_none_match.contains(etag):
        return not_modified(etag)
    _view, shown, _stage = drawing_view(map_id, full=detail == FULL, stage_id=stage_id)
    # The revision read before loading: if the map changed in between, the next ask redraws.
    response = tagged(Response(build_journey_svg(shown), mimetype="image/svg+xml"), etag)
    name = filename(map_id, "svg", detail == FULL, stage_id)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@bp.post("/maps/<int:map_id>/journey-view/export")
@requires("read")
def export(map_id: int):
    fmt = format_requested(EXPORT_MIMETYPES)
    full = full_detail_requested()
    stage_id = stage_id_arg(request.form)
    shown = only_stage_or_404(export_view(map_id, full), stage_id)
    with in_download_language():
        svg = build_journey_svg(shown)
        content = svg.encode("utf-8") if fmt == "svg" else svg_to_pdf(svg, _("Journey view"))
    return send_export(
        map_id, content, EXPORT_MIMETYPES[fmt], filename(map_id, fmt, full, stage_id),
        what="Journey view" + (f" ({shown.stages[0].name})" if stage_id is not None else ""),
        fmt=fmt, full=full,
    )


def filename(map_id: int, fmt: str, full: bool, stage_id: int | None = None) -> str:
    # The id, not the pseudonym: file names travel in e-mails and on shared drives.
    stage = f"-stage-{stage_id}" if stage_id is not None else ""
    return f"journeymap-{map_id}-journey-view{stage}{'-full-detail' if full else ''}.{fmt}"


# Headings that stay in view ----------------------------------------------------------------------

_LANE = re.compile(r'<g id="jv-lane-\d+">.*?</g>', re.S)
_STAGE = re.compile(r'<g id="jv-stage-\d+">.*?</g>', re.S)


def _without_ids(fragment: str) -> str:
    return re.sub(r' id="jv-[a-z]+-\d+"', "", fragment)


def pinned_headings(layout: jv.JourneyLayout, svg: str) -> dict[str, Markup] | None:
    """Copies of the drawing's lane names and stage headings, for the page to pin to the left and
    top of the scrolling frame (CSS position: sticky), so that deep inside a big map every card
    still shows its agency and its stage. Cut from the drawing itself (its `jv-lane-N` and
    `jv-stage-N` groups), so they always look exactly like it; placed with its own layout.
    Hidden from screen readers: the drawing and the text version already say all of it.

    Each is a whole <svg> whose size is in attributes: the page's CSP allows no inline style,
    so sizes and offsets that depend on the map cannot be CSS. None for an empty map."""
    if not layout.cards:
        return None
    m, head_h, edge = jv.MARGIN, jv.STAGE_HEAD_H, jv.CARD_BORDER
    top, left = layout.heads_y, jv.MARGIN + jv.HEADER_W
    right = layout.columns[-1].x + layout.columns[-1].width
    lanes_top, bottom, height = layout.lanes_y, layout.height - m, layout.height

    def line(x1, y1, x2, y2, colour=edge) -> str:
        return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}"/>'

    def rect(x, y, w, h, fill) -> str:
        return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>'

    def box(css_class: str, w: int, h: int, y0: int, content: str) -> Markup:
        # The drawing's own coordinates, seen through a window; its defaults, which the copied
        # groups inherit.
        return Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" aria-hidden="true" '
            f'focusable="false" width="{w}" height="{h}" viewBox="0 {y0} {w} {h}" '
            f'font-family="{jv.FONT}" font-size="{jv.SIZE_TEXT}" fill="{jv.INK}">{content}</svg>'
        )

    lanes = (
        rect(0, lanes_top, m, height - lanes_top, jv.PAPER)
        + "".join(_without_ids(g) for g in _LANE.findall(svg))
        + line(m, lanes_top, m, bottom) + line(left, lanes_top, left, bottom) + line(m, bottom, left, bottom)
    )
    stages = (
        rect(m, top, right - m, head_h, jv.HEADER_TINT)
        + "".join(_without_ids(g) for g in _STAGE.findall(svg))
        + "".join(line(c.x, top, c.x, top + head_h, jv.RULE) for c in layout.columns)
        + line(right, top, right, top + head_h) + line(m, top + head_h, right, top + head_h)
    )
    # Outside the f-string, so pybabel extracts them; not named `stages`, which holds the pinned row.
    stages_word, agencies_word = escape(_("Stages")), escape(_("Agencies"))
    corner = (
        rect(0, top, m, head_h + 1, jv.PAPER) + rect(m, top, jv.HEADER_W, head_h, jv.HEADER_TINT)
        + line(m, top, m, top + head_h) + line(left, top, left, top + head_h)
        + line(m, top + head_h, left, top + head_h)
        + f'<text x="{m + 8}" y="{top + 20}" font-weight="bold" font-size="{jv.SIZE_HEAD}">'
        f'{stages_word} →</text>'
        f'<text x="{m + 8}" y="{top + 38}" fill="{jv.MUTED}">{agencies_word} ↓</text>'
    )
    return {
        # An empty box as tall as everything above the stage row: that row's place in the grid.
        "above": box("pin-above", 1, top, 0, ""),
        "stages": box("pin-stages", layout.width, head_h + 1, top, stages),
        "lanes": box("pin-lanes", left + 1, height, 0, lanes),
        "corner": box("pin-corner", left + 1, head_h + 1, top, corner),
    }


# PDF -------------------------------------------------------------------------------------------


def svg_to_pdf(svg: str, title: str = "Journey view") -> bytes:
    """One PDF page the size of the drawing (scaled down only past PDF_MAX_SIDE_PT)."""
    match = re.search(r'<svg [^>]*?width="(\d+)" height="(\d+)"', svg)
    width, height = (int(match.group(1)), int(match.group(2))) if match else (1000, 1000)
    scale = min(1.0, PDF_MAX_SIDE_PT / (0.75 * max(width, height)))  # 1 px = 0.75 pt
    w, h = width * scale, height * scale
    css = (
        f"@page {{ size: {w:.2f}px {h:.2f}px; margin: 0 }} html, body {{ margin: 0; padding: 0 }}"
        f"svg {{ display: block; width: {w:.2f}px; height: {h:.2f}px }}"
    )
    return html_to_pdf(f"<!doctype html><html><body>{svg}</body></html>", css, title=title)
