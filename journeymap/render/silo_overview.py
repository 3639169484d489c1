"""The silo map's overview: one box per agency with its counts, for maps too big to read whole.

A projected slide holds only so much text at a size a room can read. Past that, the whole map is
drawn smaller than anyone can read, so the presentation view and the downloads open on this
overview instead, and each silo can be opened on its own (journeymap.render.silo_one).

Where the threshold lies is measured, map by map, not guessed from a count: the map's size alone
did not tell (bench/bench_legible.py: the demo, 32 agencies, caseworkers and barriers together,
keeps 19.7 px in the presentation view; a synthetic map of 24 came out at 16.9 px, its names and
lines laid out wider). So journeymap.render.drawing draws the whole map first and reads its
smallest text as it would be shown at 1920×1080 (smallest_text_px); under LEGIBLE_PX it draws this
overview. Past OVERVIEW_BOXES no whole map measured came near 18 px, so there the overview is
chosen without drawing the whole first (and the pure builder, given "auto", uses that count alone).
"""

from __future__ import annotations

import math
import re
from datetime import date

import graphviz
from flask_babel import gettext as _
from flask_babel import ngettext
from graphviz import nohtml

from journeymap.readmodel.snapshot import MapView
from journeymap.render.labels import label, typed
from journeymap.render.palette import (
    FAMILY_FILL,
    SILO_BORDER,
    SILO_FILL,
    UNOWNED_BORDER,
    UNOWNED_FILL,
)
from journeymap.render.silo_layout import FAMILY_PT

LEGIBLE_PX = 18  # the smallest text a room can read on a 1920×1080 projection (issue 9)
# Where the drawing is shown at 1920×1080: the presentation view's frame below its bar and key
# (measured by tests/browser/test_legible.py), or a whole slide (the downloads).
FRAME = (1884, 903)
SLIDE_SCREEN = (1920, 1080)
OVERVIEW_BOXES = 50  # bench/bench_legible.py: the whole maps of 40 to 50 came out at 13 to 16 px
BOX_W, BOX_H = 3.6, 1.5  # about the inches of an agency's box at 20 pt, four lines
SLIDE = 16 / 9


def too_big_to_read(view: MapView) -> bool:
    """Whether the map is so big that its whole drawing cannot be legible at 1920×1080."""
    return len(view.agencies) + len(view.caseworkers) + len(view.barriers) > OVERVIEW_BOXES


def smallest_text_px(svg: bytes, screen: tuple[int, int]) -> float | None:
    """The smallest text of a dot SVG in CSS px when the drawing is fitted into `screen` (px):
    its font size (pt at natural size, 4/3 px each) times the fitting's scale."""
    size = re.search(rb'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"', svg[:2000])
    fonts = [float(f) for f in re.findall(rb'font-size="([0-9.]+)"', svg)]
    if size is None or not fonts:
        return None
    width, height = float(size[1]) * 4 / 3, float(size[2]) * 4 / 3
    return min(fonts) * 4 / 3 * min(screen[0] / width, screen[1] / height)


def shows_overview(view: MapView, options) -> bool:
    if options.agency_id is not None:
        return False
    return options.scope == "overview" or (options.scope == "auto" and too_big_to_read(view))


def overdue_commitments_in(view: MapView, agency_id: int | None, today: date | None) -> int | None:
    """How many next steps on barriers this agency owns are past their date (None: not counted)."""
    if today is None:
        return None
    owned = {b.id for b in view.barriers_owned_in(agency_id)}
    return sum(1 for step in view.overdue_commitments(today) if step.barrier_id in owned)


def agency_counts(view: MapView, agency_id: int | None, today: date | None = None) -> dict[str, int | None]:
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
        "overdue": overdue_commitments_in(view, agency_id, today),
    }


def _box_label(name: str, counts: dict) -> str:
    lines = [
        ngettext("%(num)d caseworker · met %(met)d×", "%(num)d caseworkers · met %(met)d×",
                 counts["caseworkers"], met=counts["met"]),
        ngettext("%(num)d barrier owned", "%(num)d barriers owned", counts["barriers"]),
    ]
    if counts["no_owner"]:
        lines[-1] += " · " + _("%(num)d NO OWNER", num=counts["no_owner"])
    if counts["overdue"]:
        lines.append(_("%(num)d OVERDUE", num=counts["overdue"]))
    # The name wraps; each count line stays whole (the widest, "12 caseworkers · met 10×" or
    # "3 barriers owned · 12 NO OWNER", is under 34 characters).
    return nohtml(f"{label(name, width=26, max_lines=2)}\\n{label(*lines, width=34)}")


def build_overview_graph(view: MapView, options) -> graphviz.Digraph:
    from journeymap.render.silo import start_graph  # the same type sizes and title

    title = _("Silo map, overview: %(name)s", name=typed(view.pseudonym))
    graph = start_graph(view, options, title)
    if not options.key_in_page:
        graph.attr(label=label(title, _("Each box is an agency with its counts; open one silo "
                                        "to see its caseworkers and barriers."), width=90, max_lines=3))
    boxes = _agency_boxes(view, options)
    graph.node("family", label=label(view.pseudonym, _("the family"), width=24), shape="ellipse",
               style="filled,bold", fillcolor=FAMILY_FILL, fontsize=FAMILY_PT, penwidth="2.5")
    middle = ["family"]
    if unowned := view.unowned_barriers:
        graph.node("unowned", label=label(
            ngettext("No one owns %(num)d barrier", "No one owns %(num)d barriers", len(unowned)),
            _("Whose job is it to fix them?"), width=28),
            shape="box", style="filled,bold,dashed", fillcolor=UNOWNED_FILL, color=UNOWNED_BORDER,
            penwidth="3")
        middle.append("unowned")
    _draw_grid(graph, boxes, middle)
    return graph


def _agency_boxes(view: MapView, options) -> list[tuple[str, str]]:
    """(node id, label) for each agency shown, the most met first (they stand nearest the family)."""
    agencies = [(a.id, a.name) for a in view.agencies]
    if view.caseworkers_of(None) or view.barriers_owned_in(None):
        agencies.append((None, _("Agency not recorded")))
    shown = []
    for agency_id, name in agencies:
        counts = agency_counts(view, agency_id, options.today)
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
        for number, row in enumerate(side):
            with graph.subgraph(name=f"row_{'above' if is_above else 'below'}_{number}") as rank:
                rank.attr(rank="same")
                for node, text in row:
                    rank.node(node, label=text, shape="box", style="filled,rounded", margin="0.2,0.1",
                              fillcolor=SILO_FILL, color=SILO_BORDER, penwidth="2")
            for i, (node, _box) in enumerate(row):
                near = nearer[i % len(nearer)]
                tail, head = (node, near) if is_above else (near, node)
                graph.edge(tail, head, style="invis")
            nearer = [node for node, _ in row]
