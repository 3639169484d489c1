"""Turnover: who left, who took over, and what was passed on (pure functions of a map view).

"The partnership resets to zero" when a caseworker leaves and the family meets whoever took over
without a handover: nothing was passed on, or nobody knows whether anything was. A handover never
recorded counts as not known, since a file that was passed on is the thing worth recording.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.readmodel.snapshot import MapView
from journeymap.readmodel.views import CaseworkerView

NO_HANDOVER = ("nothing", "unknown", None)


@dataclass(frozen=True)
class Succession:
    left: CaseworkerView
    successor: CaseworkerView | None  # None: nobody is recorded as having taken over

    @property
    def handover(self) -> str | None:
        return self.left.handover

    @property
    def resets_to_zero(self) -> bool:
        """The family meets the successor with nothing known to have been passed on."""
        return self.successor is not None and self.handover in NO_HANDOVER

    @property
    def words(self) -> str:
        """Why it resets to zero, naming the successor ("" when it does not)."""
        if not self.resets_to_zero:
            return ""
        name = self.successor.display_name or "the caseworker who took over"
        if self.handover == "nothing":
            return f"Resets to zero: nothing was passed on to {name}."
        return f"Resets to zero: nothing is known to have been passed on to {name}."


def succession_of(view: MapView, worker: CaseworkerView) -> Succession | None:
    """The succession of a caseworker who has left; None for someone still in post."""
    if not worker.has_left:
        return None
    successor = view.caseworker(worker.successor_id) if worker.successor_id is not None else None
    return Succession(worker, successor)


def successions(view: MapView) -> list[Succession]:
    """Everyone who has left, in the order the people page lists caseworkers."""
    return [succession_of(view, worker) for worker in view.caseworkers if worker.has_left]


def resets(view: MapView) -> list[Succession]:
    return [s for s in successions(view) if s.resets_to_zero]


def left_without_successor(view: MapView) -> list[CaseworkerView]:
    """Who a newcomer may be taking over from ("Which of these is you?")."""
    return [s.left for s in successions(view) if s.successor is None]


def nothing_passed(view: MapView) -> int:
    """Handovers where nothing was passed on (said so, not merely unknown)."""
    return sum(1 for s in successions(view) if s.handover == "nothing")


def handed_over_at(view: MapView, touchpoint) -> list[Succession]:
    """The successions whose successor the family first met at `touchpoint` (in journey order):
    where the journey page marks the change of caseworker, between the two people's steps."""
    worker_id = touchpoint.caseworker_id
    if worker_id is None:
        return []
    arriving = [s for s in successions(view) if s.successor is not None and s.successor.id == worker_id]
    if not arriving:
        return []
    first = next(tp for tp in view.touchpoints if tp.caseworker_id == worker_id)
    return arriving if first.id == touchpoint.id else []
