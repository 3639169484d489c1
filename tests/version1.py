"""JSON format version 1, as downloads wrote it before version 2 (database ids, no keys). Nothing in
the app writes it any more; the tests use it to prove such files still import."""

from __future__ import annotations

from journeymap.readmodel.snapshot import MapView


def map_to_dict(view: MapView) -> dict:
    """The map as a format version 1 document."""
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
