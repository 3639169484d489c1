"""The silo map's overview: one box per agency with its counts, for maps too big to read whole.

A projected slide holds only so much text at a size a room can read. Past that size, the whole
map is drawn smaller than anyone can read, so the presentation view and the downloads open on
this overview instead, and each silo can be opened on its own (journeymap.render.silo_one).

The threshold, measured (bench/bench_legible.py; tests/browser/test_legible.py): the whole map's
smallest text, fitted into the presentation view at 1920×1080, stays at 18 px or more up to about
LEGIBLE_MAX_BOXES agencies, caseworkers and barriers together (the demo has 32); synthetic maps past it
came out under 18 px.
"""

from __future__ import annotations

import math

import graphviz
from graphviz import nohtml

from journeymap.readmodel.snapshot import MapView
from journeymap.render.labels import label, typed
from journeymap.render.palette import (
    CASEWORKER_FILL,
    FAMILY_FILL,
    SILO_BORDER,
    UNOWNED_BORDER,
    UNOWNED_FILL,
)

LEGIBLE_MAX_BOXES = 40
BOX_W, BOX_H = 3.6, 1.5  # about the inches of an agency's box at 20 pt, four lines
SLIDE = 16 / 9


def too_big_to_read(view: MapView) -> bool:
    """Whether the whole map, fitted to a 1920×1080 screen, would have text under 18 px."""
    return len(view.agencies) + len(view.caseworkers) + len(view.barriers) > LEGIBLE_MAX_BOXES


def shows_overview(view: MapView, options) -> bool:
    if options.agency_id is not None:
        return False
    return options.scope == "overview" or (options.scope == "auto" and too_big_to_read(view))


def overdue_commitments_in(view: MapView, agency_id: int | None) -> int | None:
    """How many commitments on barriers this agency owns are past their date: None while the map
    view knows nothing of commitments (they arrive with issue 9's owners who commit). The map view
    answers through a method of this name once it has them."""
    count = getattr(view, "overdue_commitments_in", None)
    return count(agency_id) if callable(count) else None


def agency_counts(view: MapView, agency_id: int | None) -> dict[str, int | None]:
    """An agency's figures for the overview (and the page's list of silos to open)."""
    workers = view.caseworkers_of(agency_id)
    ids = {cw.id for cw in workers}
    met = [tp for tp in view.touchpoints
           if (agency_id is not None and tp.agency_id == agency_id) or tp.caseworker_id in ids]
    met_ids = {tp.id for tp in met}
    return {
        "caseworkers": len(workers),
        "barriers": len(view.barriers_owned_in(agency_id)),
        "no_owner": sum(1 for b in view.unowned_barriers if met_ids.intersection(b.touchpoint_ids)),
        "met": len(met),
        "overdue": overdue_commitments_in(view, agency_id),
    }


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _box_label(name: str, counts: dict) -> str:
    lines = [
        f"{_plural(counts['caseworkers'], 'caseworker', 'caseworkers')} · met {counts['met']}×",
        f"{_plural(counts['barriers'], 'barrier', 'barriers')} owned",
    ]
    if counts["no_owner"]:
        lines[-1] += f" · {counts['no_owner']} NO OWNER"
    if counts["overdue"]:
        lines.append(f"{counts['overdue']} OVERDUE")
    # The name wraps; each count line stays whole (the widest, "12 caseworkers · met 10×" or
    # "3 barriers owned · 12 NO OWNER", is under 34 characters).
    return nohtml(f"{label(name, width=26, max_lines=2)}\\n{label(*lines, width=34)}")


def build_overview_graph(view: MapView, options) -> graphviz.Digraph:
    from journeymap.render.silo import start_graph  # the same type sizes and title

    title = f"Silo map, overview: {typed(view.pseudonym)}"
    graph = start_graph(view, options, title)
    if not options.key_in_page:
        graph.attr(label=label(title, "Each box is an agency with its counts; open one silo "
                               "to see its caseworkers and barriers.", width=90, max_lines=3))
    boxes = _agency_boxes(view, options)
    graph.node("family", label=label(view.pseudonym, "the family", width=24), shape="ellipse",
               style="filled,bold", fillcolor=FAMILY_FILL, fontsize="24", penwidth="2.5")
    middle = ["family"]
    if unowned := view.unowned_barriers:
        graph.node("unowned", label=label(
            f"No one owns {_plural(len(unowned), 'barrier', 'barriers')}",
            "Whose job is it to fix them?", width=28),
            shape="box", style="filled,bold,dashed", fillcolor=UNOWNED_FILL, color=UNOWNED_BORDER,
            penwidth="3")
        middle.append("unowned")
    _draw_grid(graph, boxes, middle)
    return graph


def _agency_boxes(view: MapView, options) -> list[tuple[str, str]]:
    """(node id, label) for each agency shown, the most met first (they stand nearest the family)."""
    agencies = [(a.id, a.name) for a in view.agencies]
    if view.caseworkers_of(None) or view.barriers_owned_in(None):
        agencies.append((None, "Agency not recorded"))
    shown = []
    for agency_id, name in agencies:
        counts = agency_counts(view, agency_id)
        if options.focus_unowned and not counts["no_owner"]:
            continue
        shown.append((-counts["met"], name, f"ov_{agency_id if agency_id is not None else 'none'}",
                      _box_label(name, counts)))
    return [(node, text) for *_, node, text in sorted(shown, key=lambda s: (s[0], s[1]))]


def _draw_grid(graph, boxes: list[tuple[str, str]], middle: list[str]) -> None:
    """The boxes in rows above and below the family, as many columns as make about 16:9."""
    columns = max(1, round(math.sqrt(len(boxes) * SLIDE * BOX_H / BOX_W))) if boxes else 1
    rows = [boxes[i:i + columns] for i in range(0, len(boxes), columns)]
    # Alternate rows above and below, the first (most met) nearest the family on each side.
    above, below = rows[0::2], rows[1::2]
    with graph.subgraph(name="middle") as rank:
        rank.attr(rank="same")
        for node in middle:
            rank.node(node)
    for side, is_above in ((above, True), (below, False)):
        nearer = middle[:1]
        for row in side:
            with graph.subgraph() as rank:
                rank.attr(rank="same")
                for node, text in row:
                    rank.node(node, label=text, shape="box", style="filled,rounded",
                              fillcolor=CASEWORKER_FILL, color=SILO_BORDER, penwidth="2")
            for i, (node, _) in enumerate(row):
                near = nearer[i % len(nearer)]
                tail, head = (node, near) if is_above else (near, node)
                graph.edge(tail, head, style="invis")
            nearer = [node for node, _ in row]
