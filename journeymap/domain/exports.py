"""Downloads are part of a map's history: who took what, and whether with full detail."""

from __future__ import annotations

from journeymap.domain import history
from journeymap.domain.history import Actor


def record_download(map_id: int, *, actor: Actor, fmt: str, full: bool, what: str = "",
                    file: str | None = None) -> None:
    detail = "full" if full else "deidentified"
    summary = f"{what or fmt} {'download' if file is None else 'export'}, " + (
        "full detail" if full else "de-identified")
    changes = {"format": fmt, "detail": detail, **({"file": file} if file is not None else {})}
    history.record(map_id, "exported", "map", map_id, actor=actor, summary=summary, changes=changes)
