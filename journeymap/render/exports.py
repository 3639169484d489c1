"""Every download of a map, built from one map view: svg, png, pdf, dot and json."""

from __future__ import annotations

import json
from dataclasses import dataclass

from journeymap.render import runner
from journeymap.render.silo import build_silo_graph
from journeymap.snapshot import MapView

JSON_FORMAT_VERSION = 1
EXPORT_FORMATS = ("svg", "png", "pdf", "dot", "json")


@dataclass(frozen=True)
class Export:
    content: bytes
    mimetype: str
    filename: str


def export_map(view: MapView, fmt: str, *, timeout: float = 10.0, dot: str = "dot") -> Export:
    if fmt == "json":
        body = json.dumps(map_to_dict(view), ensure_ascii=False, indent=2).encode("utf-8")
        return Export(body, "application/json", _filename(view, "json"))
    source = build_silo_graph(view).source
    if fmt == "dot":
        return Export(source.encode("utf-8"), "text/vnd.graphviz", _filename(view, "dot"))
    content = runner.render(source, fmt, timeout=timeout, dot=dot)
    return Export(content, runner.FORMATS[fmt], _filename(view, fmt))


def _filename(view: MapView, ext: str) -> str:
    # The id, not the pseudonym: file names travel in e-mails and on shared drives.
    return f"journeymap-{view.id}-silo-map.{ext}" if ext != "json" else f"journeymap-{view.id}.json"


def map_to_dict(view: MapView) -> dict:
    return {
        "format": "journeymap",
        "format_version": JSON_FORMAT_VERSION,
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


