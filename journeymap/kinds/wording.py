"""The words for what the history stores: it keeps field names and stored values ("severity":
["medium", "high"]); these are made into "Severity: Medium → High" only when it is shown, so
renaming (or translating) a label never changes what was recorded.

Entries written before names were stored have form labels as keys ("Owning agency"); a key that
names nothing known is shown as it was stored, so those read as they always did.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeymap.i18n import translated
from journeymap.kinds.items import FOLLOW_UP_KINDS, KINDS, MEETING_KINDS

# Names the history stores that are not fields of a kind: how an item came, what an export was.
LABELS = {
    "moved": "Moved",
    "via": "How",
    "format": "Format",
    "detail": "Detail",
    "file": "File",
    "size": "Size",
    "role": "Role",
    "account": "Account",
    "expires_at": "Expires",
    "max_uses": "Uses allowed",
    "caseworker_id": "Is caseworker",
    # Closing and retention (journeymap.domain.closing, .retention).
    "kept_until": "Can be reopened until",
    "then": "After that",
    "closed_at": "Closed",
    "reduced_at": "Reduced",
    "rule": "By the retention rule",
    "history_entries": "History entries removed with the original",
    # An owner's answer and a commitment's end (journeymap.domain.commitments).
    "owner": "Owner",
    "barrier": "Barrier",
    # Check before sharing (journeymap.domain.sharing): how many texts got each choice.
    "shared": "Texts shared as written (names replaced)",
    "reworded": "Texts shared in other words",
    "withheld": "Texts withheld",
    # The family's word on an item (journeymap.domain.family_word), recorded under the item's kind.
    "comment": "In their own words",
    "on_behalf": "Given by",
}

# Stored values of those names, as words.
VALUES = {
    "via": {
        "touchpoint_form": "added from the touchpoint form",
        "new_account": "an account made by the facilitator",
        "--owner": "flask synth or import --owner",
        "identity": "a caseworker saying who they are",
        "taking_over": "a caseworker taking over from someone who left",
        "my_touchpoints": "My touchpoints",
        "demo": "loaded as the demo",
        "import": "imported from a JSON file",
        "synth": "made up by flask synth",
        "invitation": "an invitation",
        "owner_option": "--owner",
        "themselves": "by themselves",
    },
    "detail": {
        "deidentified": "De-identified",
        "full": "Full detail (names, the family's story, dates)",
    },
    "max_uses": {None: "any"},
    "on_behalf": {True: "a facilitator, on the family's behalf", False: "the family"},
    "then": {
        "deidentify": "reduced to a de-identified copy (the family's story, names and dates removed)",
        "purge": "deleted, with its history",
    },
    "rule": {
        "deidentify": "the family's story, every name, date and typed word about the family removed; "
                      "agencies, caseworker roles, the journey's shape and the barriers kept",
    },
}

# History kinds that are not kinds of item, and the kind whose fields their names are.
ALIASES = {"map": "family"}
# History kinds shown in other words ("added member: Olu" for a membership).
KIND_WORDS = {"membership": "member", "sharing": "texts for sharing"}


def kind_word(kind: str) -> str:
    """The kind in the reader's language ("touchpoint", "contacto")."""
    return translated(KIND_WORDS.get(kind, kind))


# What the history says was done, as stored (journeymap.domain.history.record), each a word to show.
ACTIONS = (
    "added", "changed", "deleted", "moved", "exported", "imported", "closed", "reopened", "checked",
    "deidentified", "purged", "disabled", "enabled",
)
# The kinds the history names that are not kinds of item.
OTHER_KINDS = ("map", "invitation", "sharing", "account", "family_word", "commitment", "progress", "meeting")


def action_word(action: str) -> str:
    """What was done, in the reader's language ("added", "añadió")."""
    return translated(action)


@dataclass(frozen=True)
class Line:
    """One line of a history entry's details, in words."""

    label: str
    value: str = ""
    before: str | None = None  # set for a change: before -> value
    changed: bool = False


def label(kind: str, name: str) -> str:
    found = _field(kind, name)
    if found is not None and found.label:
        return translated(found.label)
    # Entries from before names were stored keep their form labels: shown as stored (translated
    # when the catalogue happens to know the label).
    return translated(LABELS.get(name, name))


def shown(kind: str, name: str, value) -> str:
    found = _field(kind, name)
    if found is not None:
        return found.shown(value)
    words = VALUES.get(name, {})
    if isinstance(value, str | int | type(None)) and value in words:
        return translated(words[value])
    return "—" if value in (None, "") else str(value)


def lines(kind: str, action: str, changes: dict) -> list[Line]:
    """A history entry's `changes` as lines of words (a change: before and after)."""
    out = []
    for name, value in (changes or {}).items():
        if action == "changed" and isinstance(value, list) and len(value) == 2:
            before, after = (shown(kind, name, v) for v in value)
            out.append(Line(label(kind, name), after, before, changed=True))
        else:
            out.append(Line(label(kind, name), shown(kind, name, value)))
    return out


def _field(kind: str, name: str):
    kind = ALIASES.get(kind, kind)
    found = KINDS.get(kind) or FOLLOW_UP_KINDS.get(kind) or MEETING_KINDS.get(kind)
    return found.field(name) if found is not None and found.has(name) else None
