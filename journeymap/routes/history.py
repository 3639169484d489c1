"""The map's history, for its facilitators: newest first, a page at a time."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from journeymap.auth.access import requires
from journeymap.extensions import db
from journeymap.forms import small_int
from journeymap.models import HistoryEntry
from journeymap.routes.common import view_or_404

bp = Blueprint("history", __name__)

PER_PAGE = 50


@bp.get("/maps/<int:map_id>/history")
@requires("manage_members")
def page(map_id: int):
    view = view_or_404(map_id)
    number = max(1, small_int(request.args.get("page")) or 1)
    total = db.session.scalar(
        select(func.count()).select_from(HistoryEntry).where(HistoryEntry.map_id == map_id)
    )
    pages = max(1, -(-total // PER_PAGE))
    number = min(number, pages)  # past the end: the oldest page, not "nothing recorded"
    entries = db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.map_id == map_id)
        .order_by(HistoryEntry.id.desc()).limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    ).all()
    return render_template("history/page.html", view=view, entries=entries, number=number, pages=pages,
                           total=total)
