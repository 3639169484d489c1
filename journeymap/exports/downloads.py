"""Every file a map can be taken away as, built from one map view.

Silo map: svg, png, pdf (drawn by render/drawing.py, with its limits and cache) and dot.
Data: the whole map as JSON (exports/json_out.py) and touchpoints,
barriers and handoffs as CSV. The view passed in is already what may leave: de-identified unless full detail
was chosen (routes/exporting.py, cli.py). Its words (CSV headers, the drawing's title) are in the
request's language, which a download may choose (routes/exporting.py); JSON keys stay English:
they are a format, read back by json_in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from journeymap.clock import today
from journeymap.exports.csv_out import barriers_csv, handoffs_csv, introductions_csv, touchpoints_csv
from journeymap.exports.json_out import map_to_json_dict
from journeymap.readmodel.snapshot import MapView
from journeymap.render.drawing import SiloOptions, draw_silo, with_title
from journeymap.render.silo import EVERYTHING

SILO_FORMATS = {"svg": "SVG", "png": "PNG", "pdf": "PDF", "dot": "DOT"}
DATA_FORMATS = {  # the buttons' words, in the reader's language when shown
    "json": _l("Whole map (JSON)"),
    "touchpoints-csv": _l("Touchpoints (CSV)"),
    "barriers-csv": _l("Barriers (CSV)"),
    "introductions-csv": _l("Introductions made (CSV)"),
    "handoffs-csv": _l("Handoffs (CSV)"),
}
EXPORT_FORMATS = (*SILO_FORMATS, *DATA_FORMATS)


@dataclass(frozen=True)
class Export:
    content: bytes
    mimetype: str
    filename: str
    notice: str | None = None  # a simpler silo map was drawn; say so


def export_map(view: MapView, fmt: str, options: SiloOptions = EVERYTHING, *,
               full: bool = False) -> Export:
    """`view` in `fmt`. Silo formats raise runner.RenderError when nothing could be drawn."""
    if fmt in DATA_FORMATS:
        return data_export(view, fmt)
    drawing = draw_silo(view, fmt, options, detail="full" if full else "deidentified")
    content = drawing.content
    if fmt == "svg":  # titled here, not in the cache: one drawing can serve several maps
        content = with_title(content, _("Silo map: %(name)s", name=view.pseudonym), str(SILO_DESCRIPTION))
    return Export(content, drawing.mimetype, silo_filename(view.id, fmt, full), drawing.notice)


SILO_DESCRIPTION = _l(
    "The agencies the family dealt with, each drawn as a silo with its caseworkers, how often the "
    "family met them, and the barriers they hit; the barriers no one owns are flagged."
)


def data_export(view: MapView, fmt: str) -> Export:
    if fmt == "json":
        body = json.dumps(map_to_json_dict(view), ensure_ascii=False, indent=2) + "\n"
        return Export(body.encode("utf-8"), "application/json", f"journeymap-{view.id}.json")
    if fmt == "touchpoints-csv":
        body, what = touchpoints_csv(view), "touchpoints"
    elif fmt == "barriers-csv":
        body, what = barriers_csv(view), "barriers"
    elif fmt == "introductions-csv":
        body, what = introductions_csv(view), "introductions"
    elif fmt == "handoffs-csv":
        body, what = handoffs_csv(view, today()), "handoffs"
    else:
        raise ValueError(f"unsupported format {fmt!r}")
    return Export(body.encode("utf-8"), "text/csv", f"journeymap-{view.id}-{what}.csv")


def silo_filename(map_id: int, fmt: str, full: bool = False) -> str:
    # The id, not the pseudonym: file names travel in e-mails and on shared drives.
    return f"journeymap-{map_id}-silo-map{'-full-detail' if full else ''}.{fmt}"
