"""The silo map: map view -> graphviz.Digraph. Pure; tests read `graph.source` without dot.

Layout: the family in the middle row, with the barriers no one owns beside it in one marked area
outside every silo; the agencies as silos (clusters) in a row above and a row below, each holding
its caseworkers and the barriers it owns. Two rows of silos around a middle keep the drawing wide
rather than tall, so it fits a 16:9 slide. Node ids are opaque (`cw_12`), never user text, because
dot copies ids into SVG ids, titles and comments.

This module decides what is in the drawing (the silos and their members, the lines from the
family, the barriers no one owns); journeymap.render.silo_layout decides where it stands.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date

import graphviz
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from journeymap.readmodel.follow_up import is_overdue
from journeymap.readmodel.snapshot import AgencyView, BarrierView, MapView
from journeymap.render.labels import label, typed
from journeymap.render.palette import (
    CASEWORKER_FILL,
    EDGE,
    FAMILY_FILL,
    INK,
    OWNED_BORDER,
    OWNED_FILL,
    UNOWNED_BORDER,
    UNOWNED_FILL,
)
from journeymap.render.silo_handoffs import draw_dropped_handoffs
from journeymap.render.silo_introductions import draw_introductions
from journeymap.render.silo_layout import (
    FAMILY_PT,
    HEADING_PT,
    TEXT_PT,
    TITLE_PT,
    Silo,
    anchor_silos,
    draw_cluster,
    draw_legend,
    fit_to_slide,
)
from journeymap.render.silo_turnover import draw_successions

FONT = "DejaVu Sans"  # journeymap.render.text measures it; colours from journeymap.render.palette
UNOWNED_COLUMNS = 2  # at least; more for many barriers, so the area stays about square

# Width over height of the presentation view's frame at 1920×1080 (1888 × 930 px measured), and
# of a slide.
SCREEN, SLIDE = 16 / 9, 16 / 9

NO_AGENCY = "none"  # key for people and contacts whose agency was not recorded


@dataclass(frozen=True)
class SiloOptions:
    """What a silo map shows. The default is everything; each option is a question a meeting asks.

    focus_unowned: only the barriers no one owns and the agencies where the family met them.
    show_caseworkers: False draws one box per agency with its counts (also the simpler view
        for maps too big to draw person by person).
    stage_id: only one stage of the journey (the caller narrows the view with filters.only_stage;
        the id is here so it is part of the drawing's cache key and title).
    scope: "whole" (everything), "overview" (one box per agency with its counts, no one drawn one
        by one: journeymap.render.silo_overview), or "auto": the overview when the whole map is
        too big to read on a projected slide (silo_overview.too_big_to_read), else the whole.
    agency_id: one silo on its own (journeymap.render.silo_one narrows the view to it).
    key_in_page: the page around the drawing gives its title and key, so the picture leaves them
        out and its text can be bigger on screen (the presentation view).
    today: the day next steps are overdue from (None: not marked). Part of the cache key, as a
        next step becomes overdue on a day when nothing on the map changed.
    """

    focus_unowned: bool = False
    show_caseworkers: bool = True
    stage_id: int | None = None
    scope: str = "whole"
    agency_id: int | None = None
    key_in_page: bool = False
    today: date | None = None
    # Introductions made (journeymap.render.silo_introductions): off unless asked for.
    show_introductions: bool = False


EVERYTHING = SiloOptions()


def build_silo_graph(view: MapView, options: SiloOptions = EVERYTHING) -> graphviz.Digraph:
    # Imported here: both modules draw with this one's pieces.
    from journeymap.render.silo_one import only_agency
    from journeymap.render.silo_overview import build_overview_graph, shows_overview

    agency = None
    if options.agency_id is not None:
        agency = view.agency(options.agency_id)
        view = only_agency(view, options.agency_id)
    elif shows_overview(view, options):
        return build_overview_graph(view, options)
    if agency is not None:
        title = _("One silo, %(agency)s: %(name)s", agency=typed(agency.name), name=typed(view.pseudonym))
    elif options.focus_unowned:
        title = _("Silo map: barriers no one owns: %(name)s", name=typed(view.pseudonym))
    else:
        title = _("Silo map: %(name)s", name=typed(view.pseudonym))
    graph = start_graph(view, options, title)

    node_of = _contact_node if options.show_caseworkers else _agency_node(view)
    contacts = _contact_counts(view, node_of)
    if options.focus_unowned:
        silos = _focus_silos(view, node_of, options.show_caseworkers)
    else:
        silos = _silos(view, contacts, options.show_caseworkers, options.today)
    top_rows, bottom_rows = fit_to_slide(silos, key=not options.key_in_page,
                                          shape=SCREEN if options.key_in_page else SLIDE)
    top = [silo for row in top_rows for silo in row]

    graph.node(
        "family",
        label=label(view.pseudonym, _("the family"), width=24),
        shape="ellipse",
        style="filled,bold",
        fillcolor=FAMILY_FILL,
        fontsize=FAMILY_PT,
        penwidth="2.5",
        margin="0.05,0.05",
    )
    with graph.subgraph(name="middle") as middle:
        middle.attr(rank="same")
        middle.node("family")

    for rows, above in ((top_rows, True), (bottom_rows, False)):
        for silo in (silo for row in rows for silo in row):
            draw_cluster(graph, silo, above)

    if options.focus_unowned:
        anchored = _draw_where_hit(graph, view, node_of, top)
    else:
        anchored = _draw_contacts(graph, view, contacts, top)
    anchor_silos(graph, top_rows, bottom_rows, anchored)
    _draw_unowned(graph, view)
    if options.show_caseworkers and not options.focus_unowned:
        draw_successions(graph, view)
    if options.show_introductions and not options.focus_unowned:
        draw_introductions(graph, view, {node for silo in silos for node, _ in silo.member_nodes})
    if not options.focus_unowned:
        draw_dropped_handoffs(graph, view, silos, options.today)

    if not options.key_in_page:
        draw_legend(graph, options)
    return graph


def start_graph(view: MapView, options: SiloOptions, title: str) -> graphviz.Digraph:
    """A silo map's graph with its type sizes and, unless the page gives it, its title."""
    stage = view.stage(options.stage_id) if options.stage_id is not None else None
    graph = graphviz.Digraph("silo_map")
    graph.attr(
        rankdir="TB",
        newrank="true",
        nodesep="0.15",
        ranksep="0.2",
        fontname=FONT,
        fontcolor=INK,
        bgcolor="white",
        pad="0.15",
        labelloc="t",
    )
    if not options.key_in_page:
        graph.attr(fontsize=TITLE_PT, label=label(
            title, _("Stage: %(name)s", name=typed(stage.name)) if stage else "", width=80, max_lines=2))
    graph.attr("node", fontname=FONT, fontsize=TEXT_PT, fontcolor=INK, color=INK, penwidth="1.2")
    graph.attr("edge", fontname=FONT, fontsize=TEXT_PT, fontcolor=INK, color=EDGE)
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


def _draw_contacts(graph, view: MapView, contacts: Counter, top: list[Silo]) -> set[str]:
    above = {node for silo in top for node, _ in silo.member_nodes}
    if contacts.get("unknown_contact"):
        graph.node(
            "unknown_contact",
            label=label(_("Someone not recorded")),
            shape="box",
            style="dashed,rounded",
        )
        # Beside the family, in its row: the rows above and below are the silos' and were made
        # wider by it (the widest row sets how small a projected drawing is shown).
        with graph.subgraph(name="middle_unknown") as middle:
            middle.attr(rank="same")
            middle.node("family")
            middle.node("unknown_contact")
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


# Silos ----------------------------------------------------------------------------------------


def _silos(view: MapView, contacts: Counter, show_caseworkers: bool = True,
           today: date | None = None) -> list[Silo]:
    silos: list[Silo] = []
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
            overdue = has_overdue_step(view, barrier, today)
            members.append((f"barrier_{barrier.id}", _barrier_attrs(
                barrier, owned=True, overdue=overdue, disputed=_disputed(view, barrier))))
        silos.append(
            Silo(
                key=agency_id if agency_id is not None else NO_AGENCY,
                title=agency.name if agency else _("Agency not recorded"),
                subtitle=agency.sector_label if agency else "",
                member_nodes=members,
            )
        )
    return silos


def _caseworker_box(cw) -> tuple[str, dict]:
    # Most caseworkers hold a file: saying so on every box took a line each, and a line is what a
    # drawing must save to stay legible on a projector. The exceptions say so instead.
    lines = [cw.display_name]
    marks = [mark for mark, on in ((_("no file"), not cw.holds_file), (_("has left"), cw.has_left)) if on]
    if marks:
        lines.append(f"({', '.join(marks)})")
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
    """The agency as a contact of its own: the family met its front desk, its line, its letter.
    A square box where a person's is rounded; its name in two lines at most ("(the agency)" below
    a long name took four lines in a projected drawing)."""
    return (
        f"agency_{agency.id}",
        {"label": label(agency.name, width=20, max_lines=3), "shape": "box", "style": "filled",
         "fillcolor": CASEWORKER_FILL},
    )


def _agency_box(agency: AgencyView | None, workers) -> tuple[str, dict]:
    """One box standing for an agency and everyone in it: how many caseworkers, how many hold a
    file, how many have left."""
    counts = [ngettext("%(num)d caseworker", "%(num)d caseworkers", len(workers))] if workers else []
    if holding := sum(1 for cw in workers if cw.holds_file):
        counts.append(ngettext("%(num)d holds a file", "%(num)d hold a file", holding))
    if gone := sum(1 for cw in workers if cw.has_left):
        counts.append(ngettext("%(num)d left", "%(num)d left", gone))
    return (
        f"agency_{agency.id if agency else NO_AGENCY}",
        {
            # The silo's own title names the agency; the box says who is in it.
            "label": label(", ".join(counts) or _("(the agency)")),
            "shape": "box",
            "style": "filled",
            "fillcolor": CASEWORKER_FILL,
        },
    )


def _focus_silos(view: MapView, node_of, one_by_one: bool) -> list[Silo]:
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
            silos.append(Silo(
                key=agency_id if agency_id is not None else NO_AGENCY,
                title=agency.name if agency else _("Agency not recorded"),
                subtitle=agency.sector_label if agency else "",
                member_nodes=members,
            ))
    return silos


def _draw_where_hit(graph, view: MapView, node_of, top: list[Silo]) -> set[str]:
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


# Barriers -------------------------------------------------------------------------------------


DISPUTED_LINE = _l("Disputed by the family")


def _disputed(view: MapView, barrier: BarrierView) -> bool:
    word = view.word_on("barrier", barrier.id)
    return word is not None and word.is_disputed


def has_overdue_step(view: MapView, barrier: BarrierView, today: date | None) -> bool:
    """Whether the owner's open next step on this barrier is past its date."""
    step = view.commitment_of(barrier.id) if today is not None else None
    return step is not None and is_overdue(step, today)


def _barrier_attrs(barrier: BarrierView, *, owned: bool, overdue: bool = False,
                   disputed: bool = False) -> dict:
    heading = _("Barrier") if owned else _("NO OWNER")
    # Overdue is said in words on its own line (and by a heavier border): never by colour alone;
    # so is the family disputing it (journeymap.readmodel.family_word).
    lines = (barrier.title, *((_("OVERDUE next step"),) if overdue else ()),
             *((str(DISPUTED_LINE),) if disputed else ()))
    return {
        "label": label(f"{heading} · {barrier.severity_label}", *lines, width=26),
        "margin": "0.12,0.06",
        # A box with its corners cut: marked as a barrier by its shape, never by colour alone,
        # and as compact as a box (an octagon round the same text took twice the room).
        "shape": "box",
        "style": "filled,diagonals" if owned else "filled,bold,diagonals",
        "fillcolor": OWNED_FILL if owned else UNOWNED_FILL,
        "color": OWNED_BORDER if owned else UNOWNED_BORDER,
        "penwidth": "3" if overdue or not owned else "1.2",
    }


def _draw_unowned(graph, view: MapView) -> None:
    unowned = view.unowned_barriers
    if not unowned:
        return
    with graph.subgraph(name="cluster_unowned") as area:
        area.attr(
            label=label(
                _("No one owns these (%(count)d)", count=len(unowned)), _("Whose job is it to fix this?"),
                width=40,
            ),
            style="dashed,bold",
            color=UNOWNED_BORDER,
            penwidth="3",
            fontsize=HEADING_PT,
            fontcolor=UNOWNED_BORDER,
            labelloc="t",
        )
        ids = [f"barrier_{b.id}" for b in unowned]
        for barrier, node in zip(unowned, ids, strict=True):
            area.node(node, **_barrier_attrs(barrier, owned=False, disputed=_disputed(view, barrier)))
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


