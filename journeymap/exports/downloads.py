"""Every file a map can be taken away as, built from one map view.

Silo map: svg, png, pdf (drawn by render/drawing.py, with its limits and cache) and dot.
Data: the whole map as JSON (journeymap.exports.interchange, format version 2) and touchpoints and
barriers as CSV. The view passed in is already what may leave: de-identified unless full detail
was chosen (routes/exporting.py, cli.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from journeymap.exports.interchange import barriers_csv, map_to_json_dict, touchpoints_csv
from journeymap.readmodel.snapshot import MapView
from journeymap.render.drawing import SiloOptions, draw_silo
from journeymap.render.silo import EVERYTHING

SILO_FORMATS = {"svg": "SVG", "png": "PNG", "pdf": "PDF", "dot": "DOT"}
DATA_FORMATS = {
    "json": "Whole map (JSON)",
    "touchpoints-csv": "Touchpoints (CSV)",
    "barriers-csv": "Barriers (CSV)",
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
    return Export(drawing.content, drawing.mimetype, silo_filename(view.id, fmt, full), drawing.notice)


def data_export(view: MapView, fmt: str) -> Export:
    if fmt == "json":
        body = json.dumps(map_to_json_dict(view), ensure_ascii=False, indent=2) + "\n"
        return Export(body.encode("utf-8"), "application/json", f"journeymap-{view.id}.json")
    if fmt == "touchpoints-csv":
        body, what = touchpoints_csv(view), "touchpoints"
    elif fmt == "barriers-csv":
        body, what = barriers_csv(view), "barriers"
    else:
        raise ValueError(f"unsupported format {fmt!r}")
    return Export(body.encode("utf-8"), "text/csv", f"journeymap-{view.id}-{what}.csv")


def silo_filename(map_id: int, fmt: str, full: bool = False) -> str:
    # The id, not the pseudonym: file names travel in e-mails and on shared drives.
    return f"journeymap-{map_id}-silo-map{'-full-detail' if full else ''}.{fmt}"


def map_to_dict(view: MapView) -> dict:
    """Format version 1, which downloads wrote before version 2 (database ids, no keys). Nothing
    in the app writes it any more; the tests use it to prove such files still import."""
    return {
        "format": "journeymap",
        "format_version": 1,
        "map": {
            "id": view.id,
            "pseudonym": view.pseudonym,
            "situation": view.situation,
            "hopes": view.hopes,
            "revision": view.revision,
            "created_at": view.created_at.isoformat(),
            "updated_at": view.updated_at.isoformat(),
        },
        "household": [{"id": m.id, "role": m.role, "age_band": m.age_band} for m in view.members],
        "agencies": [{"id": a.id, "name": a.name, "sector": a.sector} for a in view.agencies],
        "caseworkers": [
            {
                "id": c.id, "name": c.name, "role": c.role, "agency_id": c.agency_id,
                "holds_file": c.holds_file, "status": c.status,
            }
            for c in view.caseworkers
        ],
        "stages": [{"id": s.id, "name": s.name, "position": s.position} for s in view.named_stages],
        "touchpoints": [
            {
                "id": t.id, "stage_id": t.stage_id, "position": t.position, "action": t.action,
                "place": t.place, "agency_id": t.agency_id, "caseworker_id": t.caseworker_id,
                "channel": t.channel, "days_waited": t.days_waited, "documents": t.documents,
                "retold_story": t.retold_story, "feeling": t.feeling, "reported_by": t.reported_by,
            }
            for t in view.touchpoints
        ],
        "barriers": [
            {
                "id": b.id, "title": b.title, "description": b.description,
                "category": b.category, "severity": b.severity,
                "owner_agency_id": b.owner_agency_id, "owner_caseworker_id": b.owner_caseworker_id,
                "touchpoint_ids": list(b.touchpoint_ids),
            }
            for b in view.barriers
        ],
    }
