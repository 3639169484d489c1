"""Successions on the silo map: a dashed line from a caseworker who left to whoever took over,
saying what was passed on, so "the partnership resets to zero" is seen inside the silo. In words
as well as the dashes (never colour alone); drawn without moving the layout (constraint=false)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from journeymap.readmodel import turnover
from journeymap.readmodel.snapshot import MapView

# Short, to sit on a line on a projected slide.
HANDED_OVER = {  # lazy: in the language of the request that draws it
    "with_notes": _l("took over: file with notes"),
    "without_notes": _l("took over: file, no notes"),
    "nothing": _l("took over: nothing passed"),
    "unknown": _l("took over: not known what passed"),
    None: _l("took over: not known what passed"),
}


def draw_successions(graph, view: MapView) -> None:
    """Only between caseworkers both drawn one by one (a silo map that shows caseworkers)."""
    for succession in turnover.successions(view):
        if succession.successor is None:
            continue
        graph.edge(
            f"cw_{succession.left.id}", f"cw_{succession.successor.id}",
            # An xlabel, placed after the layout: a label is a box dot lays out, and it widened
            # the demo's drawing until its text fell under the 18 px a room can read.
            xlabel=str(HANDED_OVER.get(succession.handover, HANDED_OVER[None])),
            style="dashed", constraint="false", penwidth="2" if succession.resets_to_zero else "1",
        )
