"""Handoffs and the ones that were dropped (pure functions of a map view and a day).

A handoff still "sent" (nobody recorded receiving it) more than the map's number of days after it
was sent is dropped: the family was sent on and nobody picked them up. Like a barrier no one owns,
it is counted in the map's header, listed first with "Who should have picked this up?", and may be
made into a barrier. A handoff with no day it was sent is never dropped (there is nothing to count
from), and one already made into a barrier is no longer flagged: the barrier carries the finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from journeymap.readmodel.snapshot import MapView
from journeymap.readmodel.views import HandoffView

DEFAULT_DAYS = 14  # the default: two weeks without anyone picking up the family
STILL_WAITING = ("sent",)
RECEIVED = ("received", "accepted", "declined", "completed")


def days_allowed(view: MapView) -> int:
    return view.handoff_days or DEFAULT_DAYS


def days_waiting(handoff: HandoffView, today: date) -> int | None:
    """Days since it was sent, for one nobody has received; None when received or not dated. A
    de-identified view has no days, only the count it kept (so the room still sees it dropped)."""
    if handoff.status not in STILL_WAITING:
        return None
    if handoff.sent_on is None:
        return handoff.kept_waiting
    return max((today - handoff.sent_on).days, 0)


def is_dropped(handoff: HandoffView, view: MapView, today: date) -> bool:
    waited = days_waiting(handoff, today)
    return waited is not None and waited > days_allowed(view)


def is_flagged(handoff: HandoffView, view: MapView, today: date) -> bool:
    """Dropped and not yet made into a barrier: what the header counts."""
    return handoff.barrier_id is None and is_dropped(handoff, view, today)


def dropped(view: MapView, today: date) -> list[HandoffView]:
    return [h for h in view.handoffs if is_dropped(h, view, today)]


def flagged(view: MapView, today: date) -> list[HandoffView]:
    return [h for h in view.handoffs if is_flagged(h, view, today)]


def listed(view: MapView, today: date) -> list[HandoffView]:
    """The Handoffs page's order: flagged dropped ones first (longest waiting first), then the rest
    in the order they were sent."""
    first = sorted(flagged(view, today), key=lambda h: -(days_waiting(h, today) or 0))
    return first + [h for h in view.handoffs if h not in first]


def days_lost(handoff: HandoffView, today: date) -> int:
    """Days between being sent and being received, or until today for one still waiting; 0 when
    either day is not known."""
    if handoff.sent_on is None:
        return 0
    if handoff.status in STILL_WAITING:
        return max((today - handoff.sent_on).days, 0)
    if handoff.received_on is None:
        return 0
    return max((handoff.received_on - handoff.sent_on).days, 0)


@dataclass(frozen=True)
class Figures:
    """The brief's handoff figures."""

    sent: int
    received: int
    dropped: int
    days_lost: int


def figures(view: MapView, today: date) -> Figures:
    return Figures(
        sent=len(view.handoffs),
        received=sum(h.status in RECEIVED for h in view.handoffs),
        dropped=len(dropped(view, today)),
        days_lost=sum(days_lost(h, today) for h in view.handoffs),
    )


def end_text(view: MapView, handoff: HandoffView, end: str, each=str) -> str:
    """Who sent ("from") or was to receive ("to"), in words: "Dana, social worker at Lincoln
    School", "County Human Services", or "not known". `each` wraps each name (bidi isolation)."""
    worker = view.caseworker(getattr(handoff, f"{end}_caseworker_id"))
    agency = view.agency(getattr(handoff, f"{end}_agency_id"))
    if agency is None and worker is not None:
        agency = view.agency(worker.agency_id)
    parts = [each(p) for p in (worker.display_name if worker else "", agency.name if agency else "") if p]
    return " at ".join(parts) or "not known"


def receiving_agency_id(view: MapView, handoff: HandoffView) -> int | None:
    """The silo a handoff was sent to: its agency, or its caseworker's."""
    if handoff.to_agency_id is not None:
        return handoff.to_agency_id
    worker = view.caseworker(handoff.to_caseworker_id)
    return worker.agency_id if worker else None


def sending_agency_id(view: MapView, handoff: HandoffView) -> int | None:
    if handoff.from_agency_id is not None:
        return handoff.from_agency_id
    worker = view.caseworker(handoff.from_caseworker_id)
    return worker.agency_id if worker else None
