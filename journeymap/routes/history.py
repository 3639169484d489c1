"""The map's history, for its facilitators: newest first, a page at a time."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from journeymap.auth.access import requires
from journeymap.extensions import db
from journeymap.forms import small_int
from journeymap.models import HistoryEntry
from journeymap.routes.common import view_or_404

bp = Blueprint("history", __name__)

PER_PAGE = 50


@bp.get("/maps/<int:map_id>/history")
@requires("see_history")
def page(map_id: int):
    view = view_or_404(map_id)
    newest_first = select(HistoryEntry).where(HistoryEntry.map_id == map_id).order_by(HistoryEntry.id.desc())
    number = max(1, small_int(request.args.get("page")) or 1)
    entries = db.paginate(newest_first, page=number, per_page=PER_PAGE, error_out=False)
    if number > entries.pages > 0:  # past the end: the oldest page, not "nothing recorded"
        entries = db.paginate(newest_first, page=entries.pages, per_page=PER_PAGE, error_out=False)
    return render_template("history/page.html", view=view, entries=entries)
