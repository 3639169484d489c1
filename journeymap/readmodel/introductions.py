"""Introductions to make: pairs of caseworkers, and of agencies, holding a file on the family who
have never been in touch (pure functions of a map view).

People are keyed "c<id>" (a caseworker) and "a<id>" (an agency); a pair is a frozenset of two keys.
Two people have been in touch when
  (a) an introduction between them is recorded;
  (b) a handoff went from one to the other (handoff_pairs);
  (c) both are named on one step of the journey, or one owns a barrier that showed up at a step
      the other was named on (the owner answers for it to whoever met it);
  (d) for caseworkers: they work at the same agency (colleagues).
Agencies have been in touch when any of their people have. Two people who only met the family at
steps where the same barrier showed up have *not* been in touch, and that barrier is what makes
introducing them most useful ("sharing a barrier").

Cost: pairs are made in Python over ids, O(n²) for n caseworkers; no query. Measured at the xl
synthetic map (500 caseworkers, 124,750 pairs) in docs/performance.md.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from journeymap.readmodel.views import MapView

Pair = frozenset  # of two keys, "c12" / "a3"

# The list shows the most useful pairs first; past this many, it says how many more there are
# (500 caseworkers make 124,750 pairs: a list no one reads, and a page no one waits for).
SHOWN = 10


def handoff_pairs(view: MapView) -> set[Pair]:
    """Pairs a handoff went between. Empty for now: handoffs are being built on another branch,
    and whoever merges both fills this in from the map view's handoffs (sender and receiver, each
    a caseworker or an agency), so a referral counts as having been in touch."""
    return set()


def _cw(worker_id: int | None) -> str | None:
    return f"c{worker_id}" if worker_id is not None else None


def _ag(agency_id: int | None) -> str | None:
    return f"a{agency_id}" if agency_id is not None else None


def _pairs(keys: Iterable[str | None]) -> set[Pair]:
    known = sorted({k for k in keys if k is not None})
    return {frozenset(p) for p in combinations(known, 2)}


def _cross(left: Iterable[str | None], right: Iterable[str | None]) -> set[Pair]:
    return {frozenset((a, b)) for a in left for b in right if a is not None and b is not None and a != b}


@dataclass(frozen=True)
class _Facts:
    in_touch: set[Pair]  # caseworker pairs and agency pairs alike
    sharing: set[Pair]  # pairs both involved with the same barrier


def _agencies_of(view: MapView, keys: Iterable[str | None]) -> set[str]:
    """The agencies of these people (an agency key is its own agency)."""
    found = set()
    for key in keys:
        if key is None:
            continue
        if key[0] == "a":
            found.add(key)
        elif (worker := view.caseworker(int(key[1:]))) is not None and worker.agency_id is not None:
            found.add(_ag(worker.agency_id))
    return found


def _facts(view: MapView) -> _Facts:
    in_touch: set[Pair] = set()
    sharing: set[Pair] = set()
    for intro in view.introductions:
        in_touch.add(frozenset(intro.ends))
    in_touch |= handoff_pairs(view)
    for tp in view.touchpoints:  # (c) the step's caseworker and the step's agency
        in_touch |= _pairs(_agencies_of(view, (_ag(tp.agency_id), _cw(tp.caseworker_id))))
    for barrier in view.barriers:
        owners = (_cw(barrier.owner_caseworker_id), _ag(barrier.owner_agency_id))
        steps = [view.touchpoint(t) for t in barrier.touchpoint_ids]
        met = [k for tp in steps if tp is not None for k in (_cw(tp.caseworker_id), _ag(tp.agency_id))]
        in_touch |= _cross([o for o in owners if o and o[0] == "c"], [m for m in met if m and m[0] == "c"])
        in_touch |= _cross(_agencies_of(view, owners), _agencies_of(view, met))
        involved = [k for k in (*owners, *met) if k is not None]
        sharing |= _pairs(k for k in involved if k[0] == "c")
        sharing |= _pairs(_agencies_of(view, involved))
    # Agencies have been in touch when their people have.
    for pair in [p for p in in_touch if all(k[0] == "c" for k in p)]:
        agencies = _agencies_of(view, pair)
        if len(agencies) == 2:
            in_touch.add(frozenset(agencies))
    return _Facts(in_touch, sharing)


def agency_holds_file(view: MapView, agency_id: int) -> bool:
    """Anyone there holds a file on the family, or the family met the agency itself."""
    return any(w.holds_file for w in view.caseworkers_of(agency_id)) or bool(
        view.touchpoints_with(agency_id=agency_id)
    )


@dataclass(frozen=True)
class Suggestion:
    """Two caseworkers, or two agencies, never in touch: an introduction to make."""

    first: object  # CaseworkerView or AgencyView
    second: object
    both_active: bool
    both_hold_file: bool
    share_barrier: bool

    @property
    def between_caseworkers(self) -> bool:
        return hasattr(self.first, "holds_file")

    @property
    def reasons(self) -> list[str]:
        """Why this one is worth making, in words (never a colour alone)."""
        words = []
        if self.share_barrier:
            words.append("both involved with the same barrier")
        if self.both_hold_file:
            words.append("both hold a file")
        if not self.both_active:
            words.append("one of them has left")
        return words


@dataclass(frozen=True)
class Introductions:
    caseworker_pairs: list[Suggestion]  # the most useful first, at most SHOWN
    caseworker_total: int  # every caseworker pair never in touch
    agency_pairs: list[Suggestion]
    agency_total: int
    holders_in_touch: int  # pairs of caseworkers holding a file who have been in touch
    holder_pairs: int  # pairs of caseworkers holding a file

    @property
    def summary(self) -> str:
        """"3 of the 15 pairs of people holding a file have been in touch"."""
        if self.holder_pairs == 0:
            return "Fewer than two people hold a file on the family."
        pairs = "pair" if self.holder_pairs == 1 else "pairs"
        verb = "has" if self.holders_in_touch == 1 else "have"
        return (f"{self.holders_in_touch} of the {self.holder_pairs:,} {pairs} of people holding a file "
                f"{verb} been in touch.")


def _name(item) -> str:
    return (getattr(item, "display_name", None) or item.name).casefold()


def introductions(view: MapView, shown: int = SHOWN) -> Introductions:
    facts = _facts(view)
    workers = sorted(view.caseworkers, key=lambda w: (_name(w), w.id))
    agencies = sorted(view.agencies, key=lambda a: (_name(a), a.id))
    holds = {a.id: agency_holds_file(view, a.id) for a in agencies}

    def worker_pairs():
        for first, second in combinations(workers, 2):
            if first.agency_id is not None and first.agency_id == second.agency_id:
                continue  # (d) colleagues
            pair = frozenset((_cw(first.id), _cw(second.id)))
            if pair in facts.in_touch:
                continue
            yield Suggestion(first, second, not first.has_left and not second.has_left,
                             first.holds_file and second.holds_file, pair in facts.sharing)

    def agency_pairs():
        for first, second in combinations(agencies, 2):
            pair = frozenset((_ag(first.id), _ag(second.id)))
            if pair not in facts.in_touch:
                yield Suggestion(first, second, True, holds[first.id] and holds[second.id],
                                 pair in facts.sharing)

    def usefulness(s: Suggestion):
        return (not s.both_active, not s.both_hold_file, not s.share_barrier, _name(s.first), _name(s.second))

    cw_all, ag_all = list(worker_pairs()), list(agency_pairs())
    holders = [w for w in workers if w.holds_file]
    holder_pairs = len(holders) * (len(holders) - 1) // 2
    strangers = sum(1 for s in cw_all if s.both_hold_file)
    return Introductions(
        caseworker_pairs=heapq.nsmallest(shown, cw_all, key=usefulness),
        caseworker_total=len(cw_all),
        agency_pairs=heapq.nsmallest(shown, ag_all, key=usefulness),
        agency_total=len(ag_all),
        holders_in_touch=holder_pairs - strangers,
        holder_pairs=holder_pairs,
    )


def in_touch(view: MapView, first: str, second: str) -> bool:
    """Whether two people (keys "c12", "a3") have been in touch; colleagues always have."""
    if first[0] == second[0] == "c":
        a, b = view.caseworker(int(first[1:])), view.caseworker(int(second[1:]))
        if a is not None and b is not None and a.agency_id is not None and a.agency_id == b.agency_id:
            return True
    return frozenset((first, second)) in _facts(view).in_touch
