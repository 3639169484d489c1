"""Figures from the family's side, computed from a map view (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.i18n import N_, translated
from journeymap.readmodel import turnover
from journeymap.readmodel.snapshot import MapView


@dataclass(frozen=True)
class Figure:
    value: int
    label: str  # English, as declared here: what a page or the brief compares and keys by

    @property
    def shown_label(self) -> str:
        """The label in the reader's language."""
        return translated(self.label)


def family_figures(view: MapView) -> list[Figure]:
    touchpoints = view.touchpoints
    places = {tp.place.strip().casefold() for tp in touchpoints if tp.place.strip()}
    return [
        Figure(len(touchpoints), N_("things the family had to do")),
        Figure(len(places), N_("places they had to go")),
        Figure(len(view.agencies), N_("agencies involved")),
        Figure(sum(1 for c in view.caseworkers if c.holds_file), N_("caseworkers holding a file")),
        Figure(sum(1 for c in view.caseworkers if c.has_left), N_("caseworkers who left")),
        Figure(turnover.nothing_passed(view), N_("handovers with nothing passed on")),
        Figure(sum(1 for tp in touchpoints if tp.retold_story), N_("times they told their story again")),
        Figure(sum(len(tp.document_list) for tp in touchpoints), N_("documents asked for")),
        Figure(sum(tp.days_waited or 0 for tp in touchpoints), N_("days spent waiting")),
        Figure(len(view.barriers), N_("barriers")),
        Figure(len(view.unowned_barriers), N_("barriers no one owns")),
    ]
