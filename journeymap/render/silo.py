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

from journeymap.readmodel.snapshot import AgencyView, BarrierView, MapView
from journeymap.render.labels import label

FONT = "DejaVu Sans"
# A palette for colour-blind readers, from Okabe and Ito's: blue for the silos, bluish green for a
# barrier with an owner, vermillion for one no one owns (never red against green), yellow for the
# family. Fills are light tints so black text keeps AA contrast; every colour also comes with a
# shape, a line style and a word ("NO OWNER"), so the drawing reads in greyscale too.
# tests/unit/test_palette.py checks contrast and that the pairs stay apart under colour blindness.
INK = "#1a1a1a"
SILO_FILL = "#eef5fb"  # Okabe-Ito blue #0072B2, tinted
SILO_BORDER = "#0072b2"
FAMILY_FILL = "#fbe9a6"  # Okabe-Ito yellow #F0E442, tinted
CASEWORKER_FILL = "#ffffff"
OWNED_FILL = "#b3e0cf"  # Okabe-Ito bluish green #009E73, tinted
OWNED_BORDER = "#00664a"
UNOWNED_FILL = "#f6c29b"  # Okabe-Ito vermillion #D55E00, tinted
UNOWNED_BORDER = "#a34700"
UNOWNED_COLUMNS = 2  # at least; more for many barriers, so the area stays about square

NO_AGENCY = "none"  # key for people and contacts whose agency was not recorded


@dataclass(frozen=True)
class SiloOptions:
    """What a silo map shows. The default is everything; each option is a question a meeting asks.

    focus_unowned: only the barriers no one owns and the agencies where the family met them.
    show_caseworkers: False draws one box per agency with its counts (also the simpler view
        for maps too big to draw person by person).
    stage_id: only one stage of the journey (the caller narrows the view with filters.only_stage;
        the id is here so it is part of the drawing's cache key and title).
    """

    focus_unowned: bool = False
    show_caseworkers: bool = True
    stage_id: int | None = None


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


EVERYTHING = SiloOptions()


def build_silo_graph(view: MapView, options: SiloOptions = EVERYTHING) -> graphviz.Digraph:
    title = "Silo map" + (": barriers no one owns" if options.focus_unowned else "")
    stage = view.stage(options.stage_id) if options.stage_id is not None else None
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
        label=label(f"{title}: {view.pseudonym}", f"Stage: {stage.name}" if stage else "", width=80,
                    max_lines=2),
    )
    graph.attr("node", fontname=FONT, fontsize="14", fontcolor=INK, color=INK, penwidth="1.2")
    graph.attr("edge", fontname=FONT, fontsize="13", fontcolor=INK, color="#4a4a4a")

    node_of = _contact_node if options.show_caseworkers else _agency_node(view)
    contacts = _contact_counts(view, node_of)
    if options.focus_unowned:
        silos = _focus_silos(view, node_of, options.show_caseworkers)
    else:
        silos = _silos(view, contacts, options.show_caseworkers)
    top_rows, bottom_rows = _fit_to_slide(silos)
    top = [silo for row in top_rows for silo in row]

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

    for rows, above in ((top_rows, True), (bottom_rows, False)):
        for silo in (silo for row in rows for silo in row):
            _draw_silo(graph, silo, above)

    if options.focus_unowned:
        anchored = _draw_where_hit(graph, view, node_of, top)
    else:
        anchored = _draw_contacts(graph, view, contacts, top)
    _anchor_silos(graph, top_rows, bottom_rows, anchored)
    _draw_unowned(graph, view)
    _draw_legend(graph, options)
    return graph


# Contacts -------------------------------------------------------------------------------------


def _contact_node(tp) -> str:
    """Whom the family met at a touchpoint: the caseworker, else the agency, else unknown."""
    if tp.caseworker_id is not None:
        return f"cw_{tp.caseworker_id}"
    if tp.agency_id is not None:
        return f"agency_{tp.agency_id}"
    return "unknown_contact"


def _agency_node(view: MapView):
    """Whom the family met, one box per agency: a caseworker counts for their agency."""

    def node_of(tp) -> str:
        agency_id = tp.agency_id
        if agency_id is None and (cw := view.caseworker(tp.caseworker_id)) is not None:
            agency_id = cw.agency_id
        if agency_id is not None:
            return f"agency_{agency_id}"
        return f"agency_{NO_AGENCY}" if tp.caseworker_id is not None else "unknown_contact"

    return node_of


def _contact_counts(view: MapView, node_of) -> Counter:
    """How often the family met each node: caseworker or agency, as node_of says."""
    return Counter(node_of(tp) for tp in view.touchpoints)


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


def _anchor_silos(graph, top_rows: list[list[_Silo]], bottom_rows: list[list[_Silo]],
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


# Silos ----------------------------------------------------------------------------------------


def _silos(view: MapView, contacts: Counter, show_caseworkers: bool = True) -> list[_Silo]:
    silos: list[_Silo] = []
    agencies: list[AgencyView | None] = list(view.agencies)
    if view.caseworkers_of(None) or view.barriers_owned_in(None):
        agencies.append(None)
    for agency in agencies:
        agency_id = agency.id if agency else None
        members: list[tuple[str, dict]] = []
        workers = view.caseworkers_of(agency_id)
        if not show_caseworkers:
            members.append(_agency_box(agency, workers))
            workers = []
        elif agency is not None and (not workers or contacts.get(f"agency_{agency.id}")):
            members.append(_agency_itself(agency))
        # Those the family met sit nearest the family; people they never met and barriers further out.
        workers = sorted(workers, key=lambda cw: not contacts.get(f"cw_{cw.id}"))
        members.extend(_caseworker_box(cw) for cw in workers)
        for barrier in view.barriers_owned_in(agency_id):
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


def _caseworker_box(cw) -> tuple[str, dict]:
    lines = [cw.display_name]
    if cw.holds_file:
        lines.append("[holds a file]")
    if cw.has_left:
        lines.append("(has left)")
    return (
        f"cw_{cw.id}",
        {
            "label": label(*lines),
            "shape": "box",
            "style": "filled,rounded" + (",dashed" if cw.has_left else ""),
            "fillcolor": CASEWORKER_FILL,
        },
    )


def _agency_itself(agency: AgencyView) -> tuple[str, dict]:
    """The agency as a contact of its own: the family met its front desk, its line, its letter."""
    return (
        f"agency_{agency.id}",
        {"label": label(agency.name, "(the agency)"), "shape": "box", "style": "filled",
         "fillcolor": CASEWORKER_FILL},
    )


def _agency_box(agency: AgencyView | None, workers) -> tuple[str, dict]:
    """One box standing for an agency and everyone in it: how many caseworkers, how many hold a
    file, how many have left."""
    counts = [f"{len(workers)} caseworker{'s' if len(workers) != 1 else ''}"] if workers else []
    if holding := sum(1 for cw in workers if cw.holds_file):
        counts.append(f"{holding} hold{'s' if holding == 1 else ''} a file")
    if gone := sum(1 for cw in workers if cw.has_left):
        counts.append(f"{gone} left")
    return (
        f"agency_{agency.id if agency else NO_AGENCY}",
        {
            # The silo's own title names the agency; the box says who is in it.
            "label": label(", ".join(counts) or "(the agency)"),
            "shape": "box",
            "style": "filled",
            "fillcolor": CASEWORKER_FILL,
        },
    )


def _focus_silos(view: MapView, node_of, one_by_one: bool) -> list[_Silo]:
    """Only the agencies where the family met a barrier no one owns. In each, whom they met
    there, one by one, or one box for the agency with its counts."""
    hit = {node_of(view.touchpoint(t)) for b in view.unowned_barriers for t in b.touchpoint_ids
           if view.touchpoint(t) is not None}
    silos = []
    for agency in [*view.agencies, None]:
        agency_id = agency.id if agency else None
        workers = view.caseworkers_of(agency_id)
        if one_by_one:
            members = [_caseworker_box(cw) for cw in workers if f"cw_{cw.id}" in hit]
            if agency is not None and f"agency_{agency.id}" in hit:
                members.insert(0, _agency_itself(agency))
        else:
            node, attrs = _agency_box(agency, workers)
            members = [(node, attrs)] if node in hit else []
        if members:
            silos.append(_Silo(
                key=agency_id if agency_id is not None else NO_AGENCY,
                title=agency.name if agency else "Agency not recorded",
                subtitle=agency.sector_label if agency else "",
                member_nodes=members,
            ))
    return silos


def _draw_where_hit(graph, view: MapView, node_of, top: list[_Silo]) -> set[str]:
    """A dashed line from each barrier no one owns to each agency where the family met it."""
    above = {node for silo in top for node, _ in silo.member_nodes}
    drawn: set[str] = set()
    for barrier in view.unowned_barriers:
        places = sorted({node_of(view.touchpoint(t)) for t in barrier.touchpoint_ids
                         if view.touchpoint(t) is not None} - {"unknown_contact"})
        for node in places:
            attrs = {"style": "dashed", "color": UNOWNED_BORDER, "penwidth": "1.6", "arrowhead": "none"}
            if node in above:
                graph.edge(node, f"barrier_{barrier.id}", **attrs)
            else:
                graph.edge(f"barrier_{barrier.id}", node, **attrs)
            drawn.add(node)
    return drawn


LEGEND_WIDTH = 3  # the key takes about three node columns in the row below the family


def _balance(silos: list[_Silo], bands: int) -> tuple[list[list[_Silo]], list[list[_Silo]]]:
    """Split silos into `bands` rows above the family and as many below, of about equal width;
    the key takes room in the first row below."""
    rows: list[list[_Silo]] = [[] for _ in range(2 * bands)]
    widths = [LEGEND_WIDTH if index == bands else 0 for index in range(2 * bands)]
    for silo in sorted(silos, key=lambda s: (-len(s.member_nodes), str(s.title))):
        narrowest = min(range(2 * bands), key=lambda index: (widths[index], index))
        rows[narrowest].append(silo)
        widths[narrowest] += silo.width
    return rows[:bands], rows[bands:]


SLIDE = 16 / 9
NODE_W, NODE_H, MIDDLE_H = 2.0, 1.0, 2.5  # rough inches per node column, node row, middle band
MAX_BANDS = 6  # rows of silos on each side of the family


def _fit_to_slide(silos: list[_Silo]) -> tuple[list[list[_Silo]], list[list[_Silo]]]:
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
        "color": OWNED_BORDER if owned else UNOWNED_BORDER,
        "penwidth": "1.2" if owned else "3",
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
        # Two columns of 84 barriers made the whole drawing ten times taller than wide.
        columns = max(UNOWNED_COLUMNS, round(math.sqrt(len(ids) / 2)))
        for i in range(len(ids) - columns):
            area.edge(ids[i], ids[i + columns], style="invis")
    # Beside the family: the first row of the area shares the family's rank.
    with graph.subgraph(name="middle_unowned") as middle:
        middle.attr(rank="same")
        middle.node("family")
        for node in ids[:columns]:
            middle.node(node)


def _draw_legend(graph, options: SiloOptions) -> None:
    with graph.subgraph(name="cluster_legend") as legend:
        # Laid out as three columns of two.
        legend.attr(label="Key", fontsize="16", style="rounded", color="#6b6b6b", labelloc="t")
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
