"""What every download shares: the choice between de-identified (the default) and full detail,
and answering with an attachment that is recorded in the map's history.

De-identified is what a steering meeting may see (journeymap.exports.deidentify). Full detail (names,
the family's story, dates) must be chosen on the form, by a member whose role may
(`export_full`), and says so in the history entry.

Each download is made in the language chosen on its form (`lang`; the family may want Spanish, the
steering meeting English), by default the person's own; the page around it stays in theirs.
"""

from __future__ import annotations

from flask import Response, abort, request
from flask_babel import force_locale

from journeymap import i18n
from journeymap.auth.access import can
from journeymap.domain.exports import record_download
from journeymap.domain.sharing import deidentified
from journeymap.extensions import db
from journeymap.readmodel.snapshot import MapView
from journeymap.routes.common import acting, choice_arg, view_or_404

DEIDENTIFIED, FULL = "deidentified", "full"
DETAIL_LABELS = {
    DEIDENTIFIED: "De-identified",
    FULL: "Full detail (names, the family's story, dates)",
}


def detail_arg(values) -> str:
    """`detail` of a query string or form: de-identified unless it says full; anything else
    answers 404, like an unknown format."""
    return choice_arg(values, "detail", tuple(DETAIL_LABELS))


def full_detail_requested(values=None) -> bool:
    """Whether a download chose full detail (`detail=full`); the default is de-identified.

    Full detail without the right answers 403, so a forged form cannot widen what a role may
    take away."""
    detail = detail_arg(request.form if values is None else values)
    if detail == FULL and not can("export_full"):
        abort(403)
    return detail == FULL


def download_language(values=None) -> str:
    """The language a download form asks for (`lang`), else the person's own; a language
    journeymap does not speak answers 404, like an unknown format."""
    values = request.form if values is None else values
    if not values.get("lang"):
        return i18n.current_language()
    return choice_arg(values, "lang", tuple(i18n.LANGUAGES))


def in_download_language(values=None):
    """A context in which everything made (the file's words, headers, drawing) is in the download's
    language. The choice is read (and a wrong one answered 404) here, before the `with`."""
    return force_locale(download_language(values))


def as_stored(text) -> str:
    """One of our lazily translated labels as the history stores it: in English, whoever downloads."""
    with force_locale(i18n.DEFAULT):
        return str(text)


def export_view(map_id: int, full: bool) -> MapView:
    view = view_or_404(map_id)
    return view if full else deidentified(view)


def send_export(map_id: int, content: bytes, mimetype: str, filename: str, *,
                what: str, fmt: str, full: bool) -> Response:
    """Record the download in the map's history (same commit) and answer it as an attachment."""
    record_download(map_id, actor=acting(), fmt=fmt, full=full, what=what)
    db.session.commit()
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
