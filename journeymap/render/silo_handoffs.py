"""Dropped handoffs on the silo map: a dashed line from whoever sent the family on to a small point
standing OUTSIDE the receiving agency's silo, saying "Referral dropped: 23 days": the family was
sent, and nobody inside picked them up. In words and a line's dashes and its flat end (never colour
alone). Received handoffs are not drawn: the line from the family to whom they met says it already,
and every extra line costs a projected drawing its legibility (tests/unit/test_silo_legible.py).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from journeymap.readmodel import handoffs
from journeymap.readmodel.snapshot import MapView
from journeymap.render.palette import UNOWNED_BORDER
from journeymap.render.silo_layout import Silo


def dropped_label(days: int) -> str:
    return ngettext("Referral dropped: %(num)d day", "Referral dropped: %(num)d days", days)


def draw_dropped_handoffs(graph, view: MapView, silos: list[Silo], today: date | None) -> None:
    """Each dropped handoff (still flagged or made a barrier since: it was dropped all the same)."""
    if today is None:
        return
    drawn = {name for silo in silos for name, _ in silo.member_nodes}
    in_silo = {silo.key: [name for name, _ in silo.member_nodes] for silo in silos}
    for handoff in handoffs.dropped(view, today):
        sender = _end_node(view, drawn, in_silo, handoff.from_caseworker_id,
                           handoffs.sending_agency_id(view, handoff)) or "family"
        point = f"dropped_{handoff.id}"
        # At the top level, in no cluster: outside the receiving silo (and every other).
        graph.node(point, label="", shape="point", width="0.12", color=UNOWNED_BORDER,
                   tooltip=_("Nobody picked this up"))
        graph.edge(
            sender, point,
            # An xlabel, placed after the layout, so the words do not widen the drawing.
            xlabel=dropped_label(handoffs.days_waiting(handoff, today) or 0),
            style="dashed", penwidth="2.5", arrowhead="tee", color=UNOWNED_BORDER, constraint="false",
        )
        receiver = _end_node(view, drawn, in_silo, handoff.to_caseworker_id,
                             handoffs.receiving_agency_id(view, handoff))
        if receiver is not None:
            # Unseen and not ranking anything: it only pulls the point towards the silo it missed.
            graph.edge(point, receiver, style="invis", weight="4")


def _end_node(view: MapView, drawn: set[str], in_silo: dict, caseworker_id: int | None,
              agency_id: int | None) -> str | None:
    """The node standing for one end of a handoff: its caseworker, else its agency's own box,
    else the first one drawn in its agency's silo; None when none is drawn."""
    for name in (f"cw_{caseworker_id}" if caseworker_id is not None else None,
                 f"agency_{agency_id}" if agency_id is not None else None):
        if name in drawn:
            return name
    if agency_id is not None and in_silo.get(agency_id):
        return in_silo[agency_id][0]
    return None
