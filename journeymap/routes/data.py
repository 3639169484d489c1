"""The map's data in and out: JSON and CSV downloads, and importing a JSON file as a new map.

A download is de-identified unless full detail is chosen, and is recorded in the map's history
(routes/exporting.py). Only a full-detail JSON file can come back in unchanged; a de-identified
one imports too, as the de-identified map it describes.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from journeymap.auth.access import SIGNED_IN, requires
from journeymap.domain import members
from journeymap.domain.imports import import_map
from journeymap.exports.downloads import DATA_FORMATS, data_export
from journeymap.exports.json_in import ImportProblem, read_json
from journeymap.extensions import db
from journeymap.forms.data import ImportForm
from journeymap.routes.common import acting, format_requested, view_or_404
from journeymap.routes.exporting import (
    as_stored,
    export_view,
    full_detail_requested,
    in_download_language,
    send_export,
)

bp = Blueprint("data", __name__)



@bp.get("/maps/<int:map_id>/data")
@requires("read")
def page(map_id: int):
    return render_template("data/page.html", view=view_or_404(map_id), formats=DATA_FORMATS)


@bp.post("/maps/<int:map_id>/data/export")
@requires("read")
def export(map_id: int):
    fmt = format_requested(DATA_FORMATS)
    full = full_detail_requested()
    with in_download_language():
        result = data_export(export_view(map_id, full), fmt)
    return send_export(map_id, result.content, result.mimetype, result.filename,
                       what=as_stored(DATA_FORMATS[fmt]), fmt=fmt, full=full)


@bp.route("/maps/import", methods=["GET", "POST"])
@requires(SIGNED_IN)
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            journey_map = import_map(db.session, read_json(upload.read()))
        except ImportProblem as exc:
            db.session.rollback()
            form.file.errors.append(_("This file cannot be imported: %(problem)s", problem=exc))
        else:
            # The file's name is often the family's: it stays out of the history.
            members.add_founder(journey_map, actor=acting(), via="import")
            db.session.commit()
            return redirect(url_for("maps.overview", map_id=journey_map.id), code=303)
    return render_template("data/import.html", form=form), 422 if form.errors else 200


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A file over MAX_CONTENT_LENGTH (16 MB; a map of 100 agencies and 500 touchpoints is about
    0.4 MB) is refused before any view runs, even the CSRF check; on the import page it is said
    next to the field rather than on a bare error page."""
    if request.endpoint != "data.import_file":
        return render_template("error.html", code=413, title=_("Too large"),
                               message=_("That was more than this page can take.")), 413
    form = ImportForm(formdata=None)
    limit = current_app.config["MAX_CONTENT_LENGTH"] // 2**20
    form.file.errors = [_("This file is larger than %(limit)d MB; a journeymap export is far smaller. "
                          "Is it the right file?", limit=limit)]
    return render_template("data/import.html", form=form), 413
