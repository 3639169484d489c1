"""Figures from the family's side, computed from a map view (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.readmodel import turnover
from journeymap.readmodel.snapshot import MapView


@dataclass(frozen=True)
class Figure:
    value: int
    label: str


def family_figures(view: MapView) -> list[Figure]:
    touchpoints = view.touchpoints
    places = {tp.place.strip().casefold() for tp in touchpoints if tp.place.strip()}
    return [
        Figure(len(touchpoints), "things the family had to do"),
        Figure(len(places), "places they had to go"),
        Figure(len(view.agencies), "agencies involved"),
        Figure(sum(1 for c in view.caseworkers if c.holds_file), "caseworkers holding a file"),
        Figure(sum(1 for c in view.caseworkers if c.has_left), "caseworkers who left"),
        Figure(turnover.nothing_passed(view), "handovers with nothing passed on"),
        Figure(sum(1 for tp in touchpoints if tp.retold_story), "times they told their story again"),
        Figure(sum(len(tp.document_list) for tp in touchpoints), "documents asked for"),
        Figure(sum(tp.days_waited or 0 for tp in touchpoints), "days spent waiting"),
        Figure(len(view.barriers), "barriers"),
        Figure(len(view.unowned_barriers), "barriers no one owns"),
    ]
