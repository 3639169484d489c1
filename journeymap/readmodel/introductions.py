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

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from flask import has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext

from journeymap.readmodel.views import MapView

Pair = frozenset  # of two keys, "c12" / "a3"

# The list shows the most useful pairs first; past this many, it says how many more there are
# (500 caseworkers make 124,750 pairs: a list no one reads, and a page no one waits for).
SHOWN = 10


def handoff_pairs(view: MapView) -> set[Pair]:
    """Pairs a handoff went between: the two caseworkers when both are known, and the two agencies
    (a caseworker's own when only they are named). Only handoffs someone received: a referral
    still "sent" (dropped or not yet) put no one in touch with anyone — that is what it shows."""
    pairs: set[Pair] = set()
    for handoff in view.handoffs:
        if handoff.status == "sent":
            continue
        sender, receiver = _cw(handoff.from_caseworker_id), _cw(handoff.to_caseworker_id)
        if sender and receiver and sender != receiver:
            pairs.add(Pair((sender, receiver)))
        from_agency = _ag(handoff.from_agency_id or _agency_of(view, handoff.from_caseworker_id))
        to_agency = _ag(handoff.to_agency_id or _agency_of(view, handoff.to_caseworker_id))
        if from_agency and to_agency and from_agency != to_agency:
            pairs.add(Pair((from_agency, to_agency)))
    return pairs


def _agency_of(view: MapView, worker_id: int | None) -> int | None:
    worker = view.caseworker(worker_id) if worker_id is not None else None
    return worker.agency_id if worker is not None else None


def _cw(worker_id: int | None) -> str | None:
    return f"c{worker_id}" if worker_id is not None else None


def _ag(agency_id: int | None) -> str | None:
    return f"a{agency_id}" if agency_id is not None else None


def _pairs(keys: Iterable[str | None]) -> set[Pair]:
    known = sorted({k for k in keys if k is not None})
    return {frozenset(p) for p in combinations(known, 2)}


def _cross(left: Iterable[str | None], right: Iterable[str | None]) -> set[Pair]:
    return {frozenset((a, b)) for a in left for b in right if a is not None and b is not None and a != b}


def number(value: int) -> str:
    """1,250 as the reader's language writes it; as English without an app (the pure tests)."""
    from journeymap.i18n import number as in_language

    return in_language(value) if has_app_context() else f"{value:,}"


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
            words.append(_("both involved with the same barrier"))
        if self.both_hold_file:
            words.append(_("both hold a file"))
        if not self.both_active:
            words.append(_("one of them has left"))
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
            return _("Fewer than two people hold a file on the family.")
        if self.holder_pairs == 1:
            return ngettext("%(num)d of the 1 pair of people holding a file has been in touch.",
                            "%(num)d of the 1 pair of people holding a file have been in touch.",
                            self.holders_in_touch)
        # The verb agrees with the pairs in touch: "1 of the 15 pairs … has", "3 of the 15 … have".
        return ngettext("%(num)d of the %(pairs)s pairs of people holding a file has been in touch.",
                        "%(num)d of the %(pairs)s pairs of people holding a file have been in touch.",
                        self.holders_in_touch, pairs=number(self.holder_pairs))


def _name(item) -> str:
    return (getattr(item, "display_name", None) or item.name).casefold()


def _by_index(pairs: set[Pair], letter: str, index: dict[int, int]) -> set[tuple[int, int]]:
    """Pairs of one kind as (i, j), i < j, positions in the name-sorted list: cheap to look up."""
    found = set()
    for pair in pairs:
        first, second = tuple(pair)
        if first[0] != letter or second[0] != letter:
            continue
        i, j = index.get(int(first[1:])), index.get(int(second[1:]))
        if i is not None and j is not None:
            found.add((min(i, j), max(i, j)))
    return found


def _colleagues(i: int, j: int, group: list) -> bool:
    return group[i] is not None and group[i] == group[j]


def _counts(holds: list[bool], group: list, touch: set) -> tuple[int, int]:
    """How many pairs were never in touch, and how many of those both hold a file: counted, not
    walked (pairs minus colleagues minus the few pairs in touch), so it costs O(n + touch)."""
    n, h = len(holds), sum(holds)
    by_group: dict = {}
    for i, g in enumerate(group):
        if g is not None:
            size, holding = by_group.get(g, (0, 0))
            by_group[g] = (size + 1, holding + holds[i])
    colleagues = sum(k * (k - 1) // 2 for k, _ in by_group.values())
    holding_colleagues = sum(k * (k - 1) // 2 for _, k in by_group.values())
    touched = [(i, j) for i, j in touch if not _colleagues(i, j, group)]
    total = n * (n - 1) // 2 - colleagues - len(touched)
    holders = h * (h - 1) // 2 - holding_colleagues - sum(1 for i, j in touched if holds[i] and holds[j])
    return total, holders


def _best(items: list, active: list[bool], holds: list[bool], group: list, touch: set, sharing: set,
          shown: int) -> tuple[list[Suggestion], int, int]:
    """The `shown` most useful pairs never in touch, their number, and how many of them both hold
    a file. Usefulness is a class (both active, both holding a file, sharing a barrier: 8 classes,
    best first), then the names: items are sorted by name, so within a class the pairs (i, j) come
    in the list's order. A class sharing a barrier is read off the (few) sharing pairs; any other
    is walked in order only until the list is full, over the items that can be in it. At xl (500
    caseworkers, 124,750 pairs) this is milliseconds where walking every pair took 0.35 s."""
    total, holders = _counts(holds, group, touch)
    classes: dict[tuple[bool, bool], list[int]] = {}
    for i in range(len(items)):
        classes.setdefault((active[i], holds[i]), []).append(i)
    chosen: list[tuple[int, int, bool]] = []

    def usable(i: int, j: int) -> bool:
        return not _colleagues(i, j, group) and (i, j) not in touch

    for rank in range(8):
        both_active, both_file, share = rank < 4, rank % 4 < 2, rank % 2 == 0

        def fits(i: int, j: int, both_active=both_active, both_file=both_file) -> bool:
            return (active[i] and active[j]) == both_active and (holds[i] and holds[j]) == both_file

        if share:
            found = sorted(p for p in sharing if fits(*p) and usable(*p))
        else:
            found = []
            for i in range(len(items)):
                # The partners i may have in this class, from the lists of the classes that fit.
                partners = [c for (a, h), members in classes.items()
                            if ((active[i] and a) == both_active) and ((holds[i] and h) == both_file)
                            for c in members[bisect.bisect_right(members, i):]]
                for j in sorted(partners):
                    if (i, j) not in sharing and usable(i, j):
                        found.append((i, j))
                        if len(chosen) + len(found) >= shown:
                            break
                if len(chosen) + len(found) >= shown:
                    break
        chosen.extend((i, j, share) for i, j in found[:shown - len(chosen)])
        if len(chosen) >= shown:
            break
    return [Suggestion(items[i], items[j], active[i] and active[j], holds[i] and holds[j], share)
            for i, j, share in chosen], total, holders


def introductions(view: MapView, shown: int = SHOWN) -> Introductions:
    facts = _facts(view)
    workers = sorted(view.caseworkers, key=lambda w: (_name(w), w.id))
    agencies = sorted(view.agencies, key=lambda a: (_name(a), a.id))
    w_index = {w.id: n for n, w in enumerate(workers)}
    a_index = {a.id: n for n, a in enumerate(agencies)}
    cw_pairs, cw_total, cw_strangers = _best(
        workers, [not w.has_left for w in workers], [w.holds_file for w in workers],
        [w.agency_id for w in workers], _by_index(facts.in_touch, "c", w_index),
        _by_index(facts.sharing, "c", w_index), shown)
    ag_pairs, ag_total, _holders = _best(
        agencies, [True] * len(agencies), [agency_holds_file(view, a.id) for a in agencies],
        [None] * len(agencies), _by_index(facts.in_touch, "a", a_index),
        _by_index(facts.sharing, "a", a_index), shown)
    holders = sum(1 for w in workers if w.holds_file)
    holder_pairs = holders * (holders - 1) // 2
    return Introductions(
        caseworker_pairs=cw_pairs, caseworker_total=cw_total,
        agency_pairs=ag_pairs, agency_total=ag_total,
        holders_in_touch=holder_pairs - cw_strangers, holder_pairs=holder_pairs,
    )


def in_touch(view: MapView, first: str, second: str) -> bool:
    """Whether two people (keys "c12", "a3") have been in touch; colleagues always have."""
    if first[0] == second[0] == "c":
        a, b = view.caseworker(int(first[1:])), view.caseworker(int(second[1:]))
        if a is not None and b is not None and a.agency_id is not None and a.agency_id == b.agency_id:
            return True
    return frozenset((first, second)) in _facts(view).in_touch
