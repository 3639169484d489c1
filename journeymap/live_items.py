"""The items a live page can take one by one (issue 14, point 1: a change costs what changed).

When someone saves a touchpoint, the other people on the journey page need that one card, not
the journey again. The stream names the items a change touched ("touchpoint-12"; journeymap/hub.py);
a page whose kinds are all listed here for it fetches just those cards
(GET /maps/<id>/live/items, journeymap/routes/live.py) and puts each where the page's own order
says, after the item before it in its list.

An item of another kind that the page's cards show (a barrier, listed on the touchpoints where
it happened; a touchpoint, named on the barriers it is linked to) brings the cards that show it:
those linked to it now, which the server knows, and those that showed it before, which the page
knows (its links to "#barrier-7"). Any other change (a stage renamed, an agency's name) still
refetches the page's regions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from journeymap.readmodel.snapshot import MapView


@dataclass(frozen=True)
class LiveList:
    """One kind of item on one page: its card's template, and the page's lists of them in order
    (the list element's id, the items), exactly as the page's own template lays them out."""

    template: str
    lists: Callable[[MapView], Iterable[tuple[str, Iterable[Any]]]]
    # Another kind these cards show -> (view, its id) -> the ids of the cards that show it now.
    related: dict[str, Callable[[MapView, int], Iterable[int]]] = field(default_factory=dict)


def _journey(view: MapView):
    return ((f"stage-{stage.id or 'none'}-touchpoints", stage.touchpoints) for stage in view.stages)


def _barriers(view: MapView):
    # As templates/barriers/page.html sorts them: those no one owns first, a stable sort.
    return (("barriers", sorted(view.barriers, key=lambda b: b.is_unowned, reverse=True)),)


def _steps_of_barrier(view: MapView, barrier_id: int) -> Iterable[int]:
    barrier = view.barrier(barrier_id)
    return barrier.touchpoint_ids if barrier else ()


def _barriers_at_step(view: MapView, touchpoint_id: int) -> Iterable[int]:
    return (b.id for b in view.barriers if touchpoint_id in b.touchpoint_ids)


# By the page's name in its live element (journeymap.routes.live.PAGE_OF_ENDPOINT).
LIVE_LISTS: dict[str, dict[str, LiveList]] = {
    "journey": {"touchpoint": LiveList("partials/touchpoint.html", _journey,
                                       related={"barrier": _steps_of_barrier})},
    "barriers": {"barrier": LiveList("partials/barrier.html", _barriers,
                                     related={"touchpoint": _barriers_at_step})},
}


@dataclass(frozen=True)
class Placed:
    """Where an item is on the page now: its list, and the item just before it (None: first);
    or nowhere (deleted, or no longer on this page)."""

    dom_id: str
    item: Any = None
    template: str = ""
    list_id: str = ""
    after: str | None = None


def placed(view: MapView, page: str, dom_ids: Iterable[str]) -> list[Placed]:
    """Each asked-for item of the kinds this page takes, where the page shows it now."""
    kinds = LIVE_LISTS.get(page, {})
    wanted: set[str] = set()
    for dom_id in dom_ids:
        kind, _, number = dom_id.rpartition("-")
        if kind in kinds:
            wanted.add(dom_id)
        elif number.isdigit():  # another kind: the cards that show it now
            for own, live_list in kinds.items():
                if kind in live_list.related:
                    showing = live_list.related[kind](view, int(number))
                    wanted.update(f"{own}-{item_id}" for item_id in showing)
    found: dict[str, Placed] = {}
    for kind, live_list in kinds.items():
        for list_id, items in live_list.lists(view):
            before = None
            for item in items:
                dom_id = f"{kind}-{item.id}"
                if dom_id in wanted:
                    found[dom_id] = Placed(dom_id, item, live_list.template, list_id, before)
                before = dom_id
    # In the page's order, so each one's predecessor is in place before it; then those gone.
    return list(found.values()) + [Placed(dom_id) for dom_id in sorted(wanted - found.keys())]


def kinds_on(page: str) -> str:
    """The kinds a page takes one by one, for its live element (space-separated)."""
    return " ".join(sorted(LIVE_LISTS.get(page, {})))


def related_kinds_on(page: str) -> str:
    """The other kinds its cards show, which bring those cards (space-separated)."""
    return " ".join(sorted({kind for live_list in LIVE_LISTS.get(page, {}).values()
                            for kind in live_list.related}))
