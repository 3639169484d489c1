"""The silo map: map view -> graphviz.Digraph. Pure; tests read `graph.source` without dot.

Layout: the family in the middle row, with the barriers no one owns beside it in one marked area
outside every silo; the agencies as silos (clusters) in a row above and a row below, each holding
its caseworkers and the barriers it owns. Two rows of silos around a middle keep the drawing wide
rather than tall, so it fits a 16:9 slide. Node ids are opaque (`cw_12`), never user text, because
dot copies ids into SVG ids, titles and comments.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import graphviz

from journeymap.render.labels import label
from journeymap.snapshot import AgencyView, BarrierView, MapView

FONT = "DejaVu Sans"
# Okabe-Ito inspired, light enough that black text keeps AA contrast; shape and text carry meaning too.
INK = "#1a1a1a"
SILO_FILL = "#eef3f8"
SILO_BORDER = "#0b4f8a"
FAMILY_FILL = "#fde8b0"
CASEWORKER_FILL = "#ffffff"
OWNED_FILL = "#d8ecd9"
UNOWNED_FILL = "#fbd3c9"
UNOWNED_BORDER = "#a4161a"
UNOWNED_COLUMNS = 2

NO_AGENCY = "none"  # key for people and contacts whose agency was not recorded


@dataclass
class _Silo:
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


def build_silo_graph(view: MapView) -> graphviz.Digraph:
    graph = graphviz.Digraph("silo_map")
    graph.attr(
        rankdir="TB",
        newrank="true",
        nodesep="0.25",
        ranksep="0.4",
        fontname=FONT,
        fontcolor=INK,
        bgcolor="white",
        pad="0.3",
        labelloc="t",
        fontsize="28",
        label=label(f"Silo map: {view.pseudonym}", width=80, max_lines=1),
    )
    graph.attr("node", fontname=FONT, fontsize="14", fontcolor=INK, color=INK, penwidth="1.2")
    graph.attr("edge", fontname=FONT, fontsize="13", fontcolor=INK, color="#4a4a4a")

    contacts = _contact_counts(view)
    silos = _silos(view, contacts)
    top, bottom = _fit_to_slide(silos)

    graph.node(
        "family",
        label=label(view.pseudonym, "the family", width=20),
        shape="ellipse",
        style="filled,bold",
        fillcolor=FAMILY_FILL,
        fontsize="20",
        penwidth="2.5",
        margin="0.25,0.12",
    )
    with graph.subgraph(name="middle") as middle:
        middle.attr(rank="same")
        middle.node("family")

    for row, above in ((top, True), (bottom, False)):
        for silo in row:
            _draw_silo(graph, silo, above)

    anchored = _draw_contacts(graph, view, contacts, top)
    _anchor_silos(graph, top, bottom, anchored)
    _draw_unowned(graph, view)
    _draw_legend(graph)
    return graph


# Contacts -------------------------------------------------------------------------------------


def _contact_counts(view: MapView) -> Counter:
    """How often the family met each caseworker, or an agency with no caseworker named."""
    counts: Counter = Counter()
    for tp in view.touchpoints:
        if tp.caseworker_id is not None:
            counts[f"cw_{tp.caseworker_id}"] += 1
        elif tp.agency_id is not None:
            counts[f"agency_{tp.agency_id}"] += 1
        else:
            counts["unknown_contact"] += 1
    return counts


def _draw_contacts(graph, view: MapView, contacts: Counter, top: list[_Silo]) -> set[str]:
    above = {node for silo in top for node, _ in silo.member_nodes}
    if contacts.get("unknown_contact"):
        graph.node(
            "unknown_contact",
            label=label("Someone not recorded"),
            shape="box",
            style="dashed,rounded",
        )
    for node, count in sorted(contacts.items()):
        weight = f"{1.2 + 1.6 * math.log2(count):.1f}"
        attrs = {"label": f" {count}×" if count > 1 else "", "penwidth": weight}
        if node in above:
            # Drawn from the caseworker down to the family so dot ranks the silo above; the arrow
            # still points from the family to whoever they met.
            graph.edge(node, "family", dir="back", **attrs)
        else:
            graph.edge("family", node, **attrs)
    return set(contacts)


def _anchor_silos(graph, top: list[_Silo], bottom: list[_Silo], anchored: set[str]) -> None:
    """Hold each silo's nearest row next to the family with invisible edges, so a silo whose
    people the family never met still sits in its row instead of floating across the drawing."""
    for row, above in ((top, True), (bottom, False)):
        for silo in row:
            for node, _ in silo.member_nodes[: silo.columns]:
                if node in anchored:
                    continue
                if above:
                    graph.edge(node, "family", style="invis")
                else:
                    graph.edge("family", node, style="invis")


# Silos ----------------------------------------------------------------------------------------


def _silos(view: MapView, contacts: Counter) -> list[_Silo]:
    silos: list[_Silo] = []
    agencies: list[AgencyView | None] = list(view.agencies)
    if view.caseworkers_of(None) or _owned_barriers_in(view, None):
        agencies.append(None)
    for agency in agencies:
        agency_id = agency.id if agency else None
        members: list[tuple[str, dict]] = []
        workers = view.caseworkers_of(agency_id)
        if agency is not None and (not workers or contacts.get(f"agency_{agency.id}")):
            members.append(
                (
                    f"agency_{agency.id}",
                    {
                        "label": label(agency.name, "(the agency)"),
                        "shape": "box",
                        "style": "filled",
                        "fillcolor": CASEWORKER_FILL,
                    },
                )
            )
        # Those the family met sit nearest the family; people they never met and barriers further out.
        workers = sorted(workers, key=lambda cw: not contacts.get(f"cw_{cw.id}"))
        for cw in workers:
            lines = [cw.display_name]
            if cw.holds_file:
                lines.append("[holds a file]")
            if cw.has_left:
                lines.append("(has left)")
            members.append(
                (
                    f"cw_{cw.id}",
                    {
                        "label": label(*lines),
                        "shape": "box",
                        "style": "filled,rounded" + (",dashed" if cw.has_left else ""),
                        "fillcolor": CASEWORKER_FILL,
                    },
                )
            )
        for barrier in _owned_barriers_in(view, agency_id):
            members.append((f"barrier_{barrier.id}", _barrier_attrs(barrier, owned=True)))
        silos.append(
            _Silo(
                key=agency_id if agency_id is not None else NO_AGENCY,
                title=agency.name if agency else "Agency not recorded",
                subtitle=agency.sector_label if agency else "",
                member_nodes=members,
            )
        )
    return silos


def _owned_barriers_in(view: MapView, agency_id: int | None) -> list[BarrierView]:
    return [
        b
        for b in view.barriers
        if not b.is_unowned and view.barrier_owner_agency_id(b) == agency_id
    ]


LEGEND_WIDTH = 3  # the key takes about three node columns in the row below the family


def _balance(silos: list[_Silo]) -> tuple[list[_Silo], list[_Silo]]:
    """Split silos into a row above and a row below the family, of about equal width."""
    top: list[_Silo] = []
    bottom: list[_Silo] = []
    for silo in sorted(silos, key=lambda s: (-len(s.member_nodes), str(s.title))):
        top_width = sum(s.width for s in top)
        bottom_width = sum(s.width for s in bottom) + LEGEND_WIDTH
        (top if top_width <= bottom_width else bottom).append(silo)
    return top, bottom


SLIDE = 16 / 9
NODE_W, NODE_H, MIDDLE_H = 2.0, 1.0, 2.5  # rough inches per node column, node row, middle band


def _fit_to_slide(silos: list[_Silo]) -> tuple[list[_Silo], list[_Silo]]:
    """Choose how many columns each silo gets so the whole drawing comes out near 16:9."""
    best = None
    for columns in (1, 2, 3, 4):
        for silo in silos:
            silo.columns = columns
        top, bottom = _balance(silos)
        width = max(
            sum(s.width * NODE_W + 0.5 for s in top),
            sum(s.width * NODE_W + 0.5 for s in bottom) + LEGEND_WIDTH * NODE_W,
        )
        height = sum(max((s.depth for s in row), default=0) * NODE_H + 0.6 for row in (top, bottom))
        score = abs(math.log((width / (height + MIDDLE_H)) / SLIDE))
        if best is None or score < best[0]:
            best = (score, columns)
    for silo in silos:
        silo.columns = best[1] if best else 2
    return _balance(silos)


def _draw_silo(graph, silo: _Silo, above: bool) -> None:
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


# Barriers -------------------------------------------------------------------------------------


def _barrier_attrs(barrier: BarrierView, *, owned: bool) -> dict:
    heading = "Barrier" if owned else "NO OWNER"
    return {
        "label": label(f"{heading} · {barrier.severity_label}", barrier.title, width=20),
        "margin": "0.05,0.03",
        "shape": "octagon",
        "style": "filled" if owned else "filled,bold",
        "fillcolor": OWNED_FILL if owned else UNOWNED_FILL,
        "color": INK if owned else UNOWNED_BORDER,
        "penwidth": "1.2" if owned else "2.5",
    }


def _draw_unowned(graph, view: MapView) -> None:
    unowned = view.unowned_barriers
    if not unowned:
        return
    with graph.subgraph(name="cluster_unowned") as area:
        area.attr(
            label=label(
                f"No one owns these ({len(unowned)})", "Whose job is it to fix this?", width=40
            ),
            style="dashed,bold",
            color=UNOWNED_BORDER,
            penwidth="3",
            fontsize="18",
            fontcolor=UNOWNED_BORDER,
            labelloc="t",
        )
        ids = [f"barrier_{b.id}" for b in unowned]
        for barrier, node in zip(unowned, ids, strict=True):
            area.node(node, **_barrier_attrs(barrier, owned=False))
        for i in range(len(ids) - UNOWNED_COLUMNS):
            area.edge(ids[i], ids[i + UNOWNED_COLUMNS], style="invis")
    # Beside the family: the first row of the area shares the family's rank.
    with graph.subgraph(name="middle_unowned") as middle:
        middle.attr(rank="same")
        middle.node("family")
        for node in ids[:UNOWNED_COLUMNS]:
            middle.node(node)


def _draw_legend(graph) -> None:
    with graph.subgraph(name="cluster_legend") as legend:
        # Laid out as three columns of two.
        legend.attr(label="Key", fontsize="16", style="rounded", color="#6b6b6b", labelloc="t")
        legend.attr("node", fontsize="12")
        legend.node("key_silo", label="Agency = a silo\\n(shaded box)", shape="box",
                    style="filled,rounded", fillcolor=SILO_FILL, color=SILO_BORDER, penwidth="2")
        legend.node("key_cw", label="Caseworker\\n[holds a file]", shape="box", style="rounded")
        legend.node("key_left", label="Caseworker\\nwho has left", shape="box",
                    style="rounded,dashed")
        legend.node("key_owned", label="Barrier\\nwith an owner", shape="octagon",
                    style="filled", fillcolor=OWNED_FILL)
        legend.node("key_unowned", label="NO OWNER\\nbarrier", shape="octagon",
                    style="filled,bold", fillcolor=UNOWNED_FILL, color=UNOWNED_BORDER,
                    penwidth="2.5")
        legend.node("key_line", label="Line: the family met them\\n3× = three times", shape="plain")
        chain = ["key_silo", "key_cw", "key_left", "key_owned", "key_unowned", "key_line"]
        for a, b in zip(chain[::2], chain[1::2], strict=True):
            legend.edge(a, b, style="invis")
    # The key sits in the row below the family, like a silo of its own.
    for node in ("key_silo", "key_left", "key_unowned"):
        graph.edge("family", node, style="invis")
