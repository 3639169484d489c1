"""Where the silo map's parts stand: silos in bands above and below the family, sized so the
whole drawing comes out near a 16:9 slide, and the key in the first band below.

dot places nodes itself; what we choose is the grid inside each silo (how many columns), which
band each silo stands in, and invisible edges that hold silos and the key in their bands. The
silo map's content (who and what is in each silo) is built in journeymap.render.silo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from journeymap.render.labels import label
from journeymap.render.palette import (
    LEGEND_BORDER,
    OWNED_BORDER,
    OWNED_FILL,
    SILO_BORDER,
    SILO_FILL,
    UNOWNED_BORDER,
    UNOWNED_FILL,
)

if TYPE_CHECKING:
    from journeymap.render.silo import SiloOptions


@dataclass
class Silo:
    """One agency's cluster: its members stand in a grid of `columns` columns (chosen by
    fit_to_slide), `width` nodes wide and `depth` deep."""

    key: str | int
    title: str
    subtitle: str
    member_nodes: list[tuple[str, dict]]  # (node id, attributes), in display order

    columns: int = 2

    @property
    def width(self) -> int:
        return min(len(self.member_nodes), self.columns) or 1

    @property
    def depth(self) -> int:
        return max(1, math.ceil(len(self.member_nodes) / self.columns))


# Type sizes in points, dot's unit (the SVG's user unit; 1 pt = 4/3 CSS px at natural size).
# Bigger than a page's text: a drawing shown whole on a 1920×1080 screen is scaled down to fit,
# and its smallest text must still come out at 18 px (tests/browser/test_legible.py measures it;
# bench/bench_legible.py for the demo: 20 pt gave 18.0 px on a full-detail slide, 22 pt 18.7 px).
# Larger type helps only so far: the boxes grow with it and the drawing is scaled down again; what
# gained most was fewer lines (no "[holds a file]" on every box, no agency name repeated inside
# its own silo, barriers in boxes with cut corners rather than octagons).
TEXT_PT = "22"
HEADING_PT = "24"
FAMILY_PT = "26"
TITLE_PT = "26"

LEGEND_WIDTH = 3  # the key takes about three node columns in the row below the family


def _balance(silos: list[Silo], bands: int, key: int) -> tuple[list[list[Silo]], list[list[Silo]]]:
    """Split silos into `bands` rows above the family and as many below, of about equal width;
    the key (`key` node columns wide) takes room in the first row below."""
    rows: list[list[Silo]] = [[] for _ in range(2 * bands)]
    widths = [key if index == bands else 0 for index in range(2 * bands)]
    for silo in sorted(silos, key=lambda s: (-len(s.member_nodes), str(s.title))):
        narrowest = min(range(2 * bands), key=lambda index: (widths[index], index))
        rows[narrowest].append(silo)
        widths[narrowest] += silo.width
    return rows[:bands], rows[bands:]


SLIDE = 16 / 9
NODE_W, NODE_H, MIDDLE_H = 2.0, 1.0, 2.5  # rough inches per node column, node row, middle band
MAX_BANDS = 6  # rows of silos on each side of the family


def fit_to_slide(silos: list[Silo], key: bool = True,
                 shape: float = SLIDE) -> tuple[list[list[Silo]], list[list[Silo]]]:
    """Choose how many columns each silo gets, and in how many rows the silos stand above and
    below the family, so the whole drawing comes out near 16:9. A few agencies fit in one row
    each side; a hundred would make that row fifty silos long. `key`: whether the key is drawn;
    `shape`: width over height of where it is shown (a slide, or the presentation view's frame)."""
    key_width = LEGEND_WIDTH if key else 0
    best = None
    for bands in range(1, MAX_BANDS + 1):
        if bands > 1 and 2 * (bands - 1) >= len(silos):
            break
        for columns in (1, 2, 3, 4):
            _set_columns(silos, columns)
            top, bottom = _balance(silos, bands, key_width)
            rows = top + bottom
            width = max(sum(s.width * NODE_W + 0.5 for s in row) for row in rows)
            width = max(width, sum(s.width * NODE_W + 0.5 for s in bottom[0]) + key_width * NODE_W)
            height = sum(max((s.depth for s in row), default=0) * NODE_H + 0.6 for row in rows)
            score = abs(math.log((width / (height + MIDDLE_H)) / shape))
            if best is None or score < best[0] - 0.05:  # fewer bands and columns unless clearly better
                best = (score, bands, columns)
    _, bands, columns = best or (0, 1, 2)
    _set_columns(silos, columns)
    return _balance(silos, bands, key_width)


def _set_columns(silos: list[Silo], columns: int) -> None:
    for silo in silos:
        silo.columns = columns


def draw_cluster(graph, silo: Silo, above: bool) -> None:
    with graph.subgraph(name=f"cluster_silo_{silo.key}") as cluster:
        cluster.attr(
            label=label(f"{silo.title} ({silo.subtitle})" if silo.subtitle else silo.title,
                        width=22, max_lines=3),
            style="filled,rounded",
            fillcolor=SILO_FILL,
            color=SILO_BORDER,
            penwidth="2",
            fontsize=HEADING_PT,
            labelloc="t" if above else "b",
        )
        if not silo.member_nodes:
            cluster.node(f"empty_{silo.key}", label="", shape="point", style="invis")
        for node, attrs in silo.member_nodes:
            cluster.node(node, **attrs)
        # Stack members in a grid of silo.columns columns, growing away from the family.
        ids = [node for node, _ in silo.member_nodes]
        for i in range(len(ids) - silo.columns):
            near, far = ids[i], ids[i + silo.columns]
            if above:
                cluster.edge(far, near, style="invis")
            else:
                cluster.edge(near, far, style="invis")


def anchor_silos(graph, top_rows: list[list[Silo]], bottom_rows: list[list[Silo]],
                  anchored: set[str]) -> None:
    """Hold each silo's nearest row next to the family with invisible edges, so a silo whose
    people the family never met still sits in its row instead of floating across the drawing.
    A silo in a farther band is held beyond the deepest node of a silo in the band before it."""
    for rows, above in ((top_rows, True), (bottom_rows, False)):
        for band, row in enumerate(rows):
            previous = [s for s in rows[band - 1] if s.member_nodes] if band else []
            for i, silo in enumerate(row):
                for node, _attrs in silo.member_nodes[: silo.columns]:
                    if band == 0:
                        if node in anchored:
                            continue
                        tail, head = (node, "family") if above else ("family", node)
                    elif previous:
                        deepest = previous[i % len(previous)].member_nodes[-1][0]
                        tail, head = (node, deepest) if above else (deepest, node)
                    else:
                        continue
                    graph.edge(tail, head, style="invis")


def draw_legend(graph, options: SiloOptions) -> None:
    with graph.subgraph(name="cluster_legend") as legend:
        # Laid out as three columns of two.
        legend.attr(label=_("Key"), fontsize=HEADING_PT, style="rounded", color=LEGEND_BORDER, labelloc="t")
        legend.attr("node", fontsize=TEXT_PT)
        # One line each where it fits: the key's lines are as big as the drawing's (18 px at least
        # on a projected slide), and its height adds to the drawing's.
        legend.node("key_silo", label=_("Agency = a silo"), shape="box",
                    style="filled,rounded", fillcolor=SILO_FILL, color=SILO_BORDER, penwidth="2")
        if options.show_caseworkers:
            legend.node("key_cw", label=_("Caseworker"), shape="box", style="rounded")
            legend.node("key_left", label=_("Has left"), shape="box",
                        style="rounded,dashed")
        else:
            legend.node("key_cw", label=_("The agency: its caseworkers"), shape="box")
            legend.node("key_left", label=_("(counted, not one by one)"), shape="plain")
        legend.node("key_owned", label=_("Barrier with an owner"), shape="box",
                    style="filled,diagonals", fillcolor=OWNED_FILL, color=OWNED_BORDER)
        legend.node("key_unowned", label=_("NO OWNER barrier"), shape="box",
                    style="filled,bold,diagonals", fillcolor=UNOWNED_FILL, color=UNOWNED_BORDER,
                    penwidth="3")
        if options.focus_unowned:
            legend.node("key_line", label=_("Dashed line: where\\nthe family met it"), shape="plain")
        else:
            legend.node("key_line", label=_("Line: the family met\\nthem, 3× = three times"), shape="plain")
        chain = ["key_silo", "key_cw", "key_left", "key_owned", "key_unowned", "key_line"]
        for a, b in zip(chain[::2], chain[1::2], strict=True):
            legend.edge(a, b, style="invis")
    # The key sits in the row below the family, like a silo of its own.
    for node in ("key_silo", "key_left", "key_unowned"):
        graph.edge("family", node, style="invis")
