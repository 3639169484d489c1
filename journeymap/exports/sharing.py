"""What a facilitator decided about the texts that leave the room ("Check before sharing"), and
which texts those are (pure: journeymap.domain.sharing loads and stores the choices).

A CHECKED field (journeymap.kinds.fields.Privacy) is the group's own words about the services: a
barrier's title, a step's "what the family had to do", a stage's name. In a de-identified output
it shows:
- its words, after the names check (journeymap.exports.names_check: suspects become "[name]"...),
  once a facilitator has checked this very text and chose to share it;
- the facilitator's rewording, also after the names check, when they chose to reword it;
- the generated text of the other privacy classes ("Barrier 2: Waiting", "Touchpoint 3", "Stage 1")
  when they withheld it, and for every text no facilitator has checked yet, or that was edited
  since (the choice is tied to the text's fingerprint). So nothing the group typed leaves the room
  before someone who runs the map has read it, and the room still sees the map's shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import lazy_gettext as _l

from journeymap.exports.names_check import Names, fingerprint, normalised, pieces, scrubbed
from journeymap.kinds.fields import Privacy
from journeymap.kinds.items import FOLLOW_UP_KINDS, KINDS

SHARE, REWORD, WITHHOLD = "share", "reword", "withhold"
DECISIONS = {  # in the reader's language when shown
    SHARE: _l("Share as shown"),
    REWORD: _l("Share my wording instead"),
    WITHHOLD: _l("Withhold (the room sees the generated label)"),
}

# Where a map view holds the items of each kind that has CHECKED fields, in the order the check
# page lists them. A new kind with a CHECKED field needs a line here (tests/unit/test_sharing.py).
ITEMS_OF: dict[str, Callable] = {
    "stage": lambda view: view.named_stages,
    "touchpoint": lambda view: view.touchpoints,
    "barrier": lambda view: view.barriers,
    "introduction": lambda view: view.introductions,
    "handoff": lambda view: view.handoffs,
    "commitment": lambda view: view.commitments,
    "progress": lambda view: tuple(p for c in view.commitments for p in c.progress),
}

Key = tuple[str, int, str]  # (kind, item id, field)


@dataclass(frozen=True)
class Choice:
    fingerprint: str  # of the text the facilitator saw
    decision: str  # SHARE, REWORD or WITHHOLD
    shared_text: str = ""  # the rewording, for REWORD


@dataclass(frozen=True)
class SharingCheck:
    """The map's names and its facilitators' choices: all deidentify needs for CHECKED fields."""

    names: Names = field(default_factory=Names)
    choices: Mapping[Key, Choice] = field(default_factory=dict)

    def choice_for(self, key: Key, text: str) -> Choice | None:
        """The choice made about this text as it is now; None if never checked or edited since."""
        choice = self.choices.get(key)
        return choice if choice is not None and choice.fingerprint == fingerprint(text) else None

    def words_for(self, kind: str, item, name: str) -> str | None:
        """What the field shows in a de-identified output, or None for its generated text."""
        text = getattr(item, name)
        if not text.strip():
            return text
        choice = self.choice_for((kind, item.id, name), text)
        if choice is None or choice.decision == WITHHOLD:
            return None
        return scrubbed(choice.shared_text if choice.decision == REWORD else text, self.names)


def checked_fields(kind_name: str) -> tuple:
    kind = KINDS.get(kind_name) or FOLLOW_UP_KINDS[kind_name]
    return tuple(f for f in kind.fields if f.privacy is Privacy.CHECKED)


@dataclass(frozen=True)
class SharedText:
    """One text that will leave the room, as the check page shows it."""

    kind: str
    item_id: int
    field: str
    label: str  # the field's label ("Barrier")
    generated: str  # what the room sees when it is withheld or unchecked ("Barrier 2: Waiting")
    text: str
    maximum: int | None
    choice: Choice | None  # the choice about this text as it is now, if any
    names: Names

    @property
    def key(self) -> Key:
        return (self.kind, self.item_id, self.field)

    @property
    def form_key(self) -> str:
        return f"{self.kind}-{self.item_id}-{self.field}"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.text)

    @cached_property  # read three times per text by the check page
    def pieces(self):
        return pieces(self.text, self.names)

    @property
    def suspect_count(self) -> int:
        return sum(1 for p in self.pieces if p.kind)

    @property
    def shared_as(self) -> str:
        """What the room sees with the current choice (share, when there is none yet)."""
        if self.choice is not None and self.choice.decision == WITHHOLD:
            return self.generated
        if self.choice is not None and self.choice.decision == REWORD:
            return scrubbed(self.choice.shared_text, self.names)
        return scrubbed(self.text, self.names)


def texts_to_check(view, plain_view, check: SharingCheck) -> list[SharedText]:
    """Every CHECKED text of the map, in ITEMS_OF order. `plain_view` is the view de-identified
    without any choices, which holds the generated texts at the same ids."""
    out = []
    for kind_name, items_of in ITEMS_OF.items():
        generated = {item.id: item for item in items_of(plain_view)}
        for item in items_of(view):
            for f in checked_fields(kind_name):
                text = normalised(getattr(item, f.name))
                if not text.strip():
                    continue
                key = (kind_name, item.id, f.name)
                out.append(SharedText(
                    kind=kind_name, item_id=item.id, field=f.name, label=f.label,
                    generated=getattr(generated[item.id], f.name), text=text, maximum=f.maximum,
                    choice=check.choice_for(key, text), names=check.names,
                ))
    return out
