"""Introductions made, on the silo map: a dotted, labelled line between the two (caseworkers, or
agencies), drawn only when asked for (SiloOptions.show_introductions), so the picture stays
readable. In words as well as dots ("introduced: phone"), never colour alone; drawn without
moving the layout (constraint=false), like the successions (silo_turnover)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from journeymap.readmodel.snapshot import MapView

# Short, to sit on a line on a projected slide.
HOW = {"meeting": _l("met at a meeting"), "phone": _l("phone"), "email": _l("e-mail"),
       "family": _l("by the family"), "other": _l("other")}


def draw_introductions(graph, view: MapView, drawn: set[str]) -> None:
    """Between nodes already drawn in a silo (`drawn`): a caseworker's box, or for an agency the box
    standing for it (or, when its people are drawn one by one, its first one). A pair with either
    end not drawn (another silo on its own, a stage without them) is left out."""

    def agency_node(agency_id: int | None) -> str | None:
        if f"agency_{agency_id}" in drawn:
            return f"agency_{agency_id}"
        return next((f"cw_{w.id}" for w in view.caseworkers_of(agency_id) if f"cw_{w.id}" in drawn), None)

    def caseworker_node(worker_id: int | None) -> str | None:
        if f"cw_{worker_id}" in drawn:
            return f"cw_{worker_id}"
        worker = view.caseworker(worker_id)
        return agency_node(worker.agency_id) if worker is not None else None  # counted per agency

    for intro in view.introductions:
        if intro.between_caseworkers:
            ends = caseworker_node(intro.caseworker_a_id), caseworker_node(intro.caseworker_b_id)
        else:
            ends = agency_node(intro.agency_a_id), agency_node(intro.agency_b_id)
        if None in ends or ends[0] == ends[1]:
            continue
        graph.edge(ends[0], ends[1], xlabel=_("introduced: %(how)s", how=HOW.get(intro.how, intro.how)),
                   style="dotted", dir="none", constraint="false", penwidth="2")
