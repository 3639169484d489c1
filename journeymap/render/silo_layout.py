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


LEGEND_WIDTH = 3  # the key takes about three node columns in the row below the family


def _balance(silos: list[Silo], bands: int) -> tuple[list[list[Silo]], list[list[Silo]]]:
    """Split silos into `bands` rows above the family and as many below, of about equal width;
    the key takes room in the first row below."""
    rows: list[list[Silo]] = [[] for _ in range(2 * bands)]
    widths = [LEGEND_WIDTH if index == bands else 0 for index in range(2 * bands)]
    for silo in sorted(silos, key=lambda s: (-len(s.member_nodes), str(s.title))):
        narrowest = min(range(2 * bands), key=lambda index: (widths[index], index))
        rows[narrowest].append(silo)
        widths[narrowest] += silo.width
    return rows[:bands], rows[bands:]


SLIDE = 16 / 9
NODE_W, NODE_H, MIDDLE_H = 2.0, 1.0, 2.5  # rough inches per node column, node row, middle band
MAX_BANDS = 6  # rows of silos on each side of the family


def fit_to_slide(silos: list[Silo]) -> tuple[list[list[Silo]], list[list[Silo]]]:
    """Choose how many columns each silo gets, and in how many rows the silos stand above and
    below the family, so the whole drawing comes out near 16:9. A few agencies fit in one row
    each side; a hundred would make that row fifty silos long."""
    best = None
    for bands in range(1, MAX_BANDS + 1):
        if bands > 1 and 2 * (bands - 1) >= len(silos):
            break
        for columns in (1, 2, 3, 4):
            for silo in silos:
                silo.columns = columns
            top, bottom = _balance(silos, bands)
            rows = top + bottom
            width = max(sum(s.width * NODE_W + 0.5 for s in row) for row in rows)
            width = max(width, sum(s.width * NODE_W + 0.5 for s in bottom[0]) + LEGEND_WIDTH * NODE_W)
            height = sum(max((s.depth for s in row), default=0) * NODE_H + 0.6 for row in rows)
            score = abs(math.log((width / (height + MIDDLE_H)) / SLIDE))
            if best is None or score < best[0] - 0.05:  # fewer bands and columns unless clearly better
                best = (score, bands, columns)
    _, bands, columns = best or (0, 1, 2)
    for silo in silos:
        silo.columns = columns
    return _balance(silos, bands)


def draw_cluster(graph, silo: Silo, above: bool) -> None:
    with graph.subgraph(name=f"cluster_silo_{silo.key}") as cluster:
        cluster.attr(
            label=label(silo.title, f"({silo.subtitle})" if silo.subtitle else "", width=28),
            style="filled,rounded",
            fillcolor=SILO_FILL,
            color=SILO_BORDER,
            penwidth="2",
            fontsize="16",
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
                for node, _ in silo.member_nodes[: silo.columns]:
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
        legend.attr(label="Key", fontsize="16", style="rounded", color=LEGEND_BORDER, labelloc="t")
        legend.attr("node", fontsize="12")
        legend.node("key_silo", label="Agency = a silo\\n(shaded box)", shape="box",
                    style="filled,rounded", fillcolor=SILO_FILL, color=SILO_BORDER, penwidth="2")
        if options.show_caseworkers:
            legend.node("key_cw", label="Caseworker\\n[holds a file]", shape="box", style="rounded")
            legend.node("key_left", label="Caseworker\\nwho has left", shape="box",
                        style="rounded,dashed")
        else:
            legend.node("key_cw", label="The agency:\\nits caseworkers", shape="box")
            legend.node("key_left", label="(counted, not\\ndrawn one by one)", shape="plain")
        legend.node("key_owned", label="Barrier\\nwith an owner", shape="octagon",
                    style="filled", fillcolor=OWNED_FILL, color=OWNED_BORDER)
        legend.node("key_unowned", label="NO OWNER\\nbarrier", shape="octagon",
                    style="filled,bold", fillcolor=UNOWNED_FILL, color=UNOWNED_BORDER,
                    penwidth="2.5")
        if options.focus_unowned:
            legend.node("key_line", label="Dashed line: where\\nthe family met it", shape="plain")
        else:
            legend.node("key_line", label="Line: the family met them\\n3× = three times", shape="plain")
        chain = ["key_silo", "key_cw", "key_left", "key_owned", "key_unowned", "key_line"]
        for a, b in zip(chain[::2], chain[1::2], strict=True):
            legend.edge(a, b, style="invis")
    # The key sits in the row below the family, like a silo of its own.
    for node in ("key_silo", "key_left", "key_unowned"):
        graph.edge("family", node, style="invis")
