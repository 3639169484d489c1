"""The family's word, counted and put in words (pure functions of a map view).

"The family confirmed 12 of 16 steps; 2 disputed": the brief's line for each kind of item the
family gives their word on (journeymap.kinds.items.WORD_KINDS).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.kinds.items import KINDS, WORD_KINDS
from journeymap.readmodel.snapshot import MapView

# What the brief calls a kind's items (one, several), when not its noun and its JSON list's name.
COUNTED_AS = {"touchpoint": ("step", "steps")}


@dataclass(frozen=True)
class Tally:
    kind: str
    total: int
    confirmed: int
    disputed: int

    @property
    def words(self) -> str:
        """ "The family confirmed 12 of 16 steps; 2 disputed." """
        kind = KINDS[self.kind]
        one, several = COUNTED_AS.get(self.kind, (kind.noun, kind.json_list))
        noun = one if self.total == 1 else several
        return f"The family confirmed {self.confirmed} of {self.total} {noun}; {self.disputed} disputed."


def items_of(view: MapView, kind: str) -> list:
    """A kind's items in the map's order: the view's list of the kind's JSON name ("barriers")."""
    return list(getattr(view, KINDS[kind].json_list))


def tally(view: MapView, kind: str) -> Tally:
    words = [view.word_on(kind, item.id) for item in items_of(view, kind)]
    return Tally(kind, len(words), sum(1 for w in words if w is not None and w.is_confirmed),
                 sum(1 for w in words if w is not None and w.is_disputed))


def tallies(view: MapView) -> list[Tally]:
    """One per kind the family gives their word on, those with no items left out."""
    return [t for t in (tally(view, kind) for kind in WORD_KINDS) if t.total]


def disputed(view: MapView, kind: str) -> list[tuple]:
    """(item, word) for each disputed item of a kind, in the map's order."""
    return [(item, word) for item in items_of(view, kind)
            if (word := view.word_on(kind, item.id)) is not None and word.is_disputed]


def mark(view: MapView, kind: str, item_id: int) -> str:
    """The text mark of an item's word ("Disputed by the family"), or "" with none: for drawings,
    where the words stand in for any colour."""
    word = view.word_on(kind, item_id)
    return word.verdict_label if word is not None else ""
