"""The steering brief: one printable page of figures, the silo map and the barriers no one owns.

The page (a GET) is always the de-identified brief and never writes; a browser prints it on one
page (static/css/brief.css). The PDF is a download (a POST through routes/exporting.py): it is
de-identified unless full detail is chosen, and recorded in the map's history either way. The PDF
is made in the language chosen on its form (routes/exporting.py), the page in the reader's.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _

from journeymap import clock
from journeymap.auth.access import can, requires
from journeymap.domain.sharing import CheckState, check_state
from journeymap.readmodel.since_meeting import SinceMeeting, since_meeting
from journeymap.readmodel.snapshot import MapView
from journeymap.render.brief import Brief, SiloPicture, brief_pdf, build_brief, silo_options
from journeymap.render.brief_paper import A4_PAPER, ANY_PAPER
from journeymap.render.drawing import draw_silo
from journeymap.render.runner import RenderError
from journeymap.routes.common import view_or_404
from journeymap.routes.connections import table_of
from journeymap.routes.exporting import export_view, full_detail_requested, in_download_language, send_export

bp = Blueprint("brief", __name__)


@bp.get("/maps/<int:map_id>/brief")
@requires("read")
def page(map_id: int):
    view = export_view(map_id, full=False)
    brief, silo = _make(view, full=False, page_height=ANY_PAPER)
    return render_template("brief/page.html", view=view, brief=brief, silo=silo, sharing=_sharing(map_id),
                           full_view=view_or_404(map_id))  # the header's count of dropped handoffs


def _sharing(map_id: int) -> CheckState | None:
    """For whoever may check before sharing: the texts the brief shows as generated labels until
    they are checked (never on the PDF, which leaves the room)."""
    return check_state(view_or_404(map_id)) if can("check_sharing") else None


@bp.post("/maps/<int:map_id>/brief.pdf")
@requires("read")
def pdf(map_id: int):
    full = full_detail_requested()
    view = export_view(map_id, full)
    language = in_download_language()  # a language we do not speak is a 404, not the 503 below
    try:
        with language:
            brief, silo = _make(view, full=full, page_height=A4_PAPER)
            html = render_template("brief/pdf.html", brief=brief, silo=silo)
            title = _("Steering brief: %(name)s", name=brief.pseudonym)
            content = brief_pdf(html, _stylesheet(), title=title)
    except Exception:  # WeasyPrint failing is our bug, but the meeting still needs a way out
        current_app.logger.exception("steering brief PDF failed for map %s", map_id)
        return render_template(
            "error.html", code=503, title=_("The brief could not be made as a PDF"),
            message=_("Open the brief in the app and print it from the browser instead: "
                      "it prints on one page."),
            view=view,
        ), 503
    return send_export(map_id, content, "application/pdf", f"journeymap-{map_id}-brief.pdf",
                       what="Steering brief (PDF)", fmt="pdf", full=full)


def _make(view: MapView, *, full: bool, page_height: float) -> tuple[Brief, SiloPicture]:
    today = clock.today()
    whole = view if full else view_or_404(view.id)  # the days a de-identified view has not got
    brief = build_brief(view, _since_last_meeting(whole, today), full=full, made_on=today,
                        page_height=page_height, table=table_of(view), whole=whole)
    return brief, _silo(view, full)


def _since_last_meeting(whole: MapView, today) -> SinceMeeting | None:
    """What changed since the map's last steering meeting, from the full view (a de-identified
    view carries no times); None when no meeting is recorded."""
    last = whole.last_meeting(today)
    return since_meeting(whole, last.held_on, today) if last is not None else None


def _silo(view: MapView, full: bool) -> SiloPicture:
    """The silo map of the view the brief shows; when it cannot be drawn the brief still is."""
    options, notice = silo_options(view)
    try:
        drawing = draw_silo(view, "svg", options, detail="full" if full else "deidentified")
    except RenderError as exc:
        return SiloPicture(error=str(exc))
    return SiloPicture(svg=drawing.content, notice=drawing.notice or notice)


def _stylesheet() -> str:
    """The brief's stylesheet as text: WeasyPrint is given it, never a URL to fetch."""
    return (Path(current_app.static_folder) / "css" / "brief.css").read_text(encoding="utf-8")
