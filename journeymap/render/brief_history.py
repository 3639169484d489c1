"""Which barriers once had no owner and have had one recorded since, read from the history.

This reads the history as people read it (words, not ids) and goes when the owner's change is
kept in a column of its own; until then it lives here, apart from the brief, so it can be
deleted in one piece. Moved unchanged from journeymap.render.brief.

"Once unowned" is read from the history of each barrier (`owners_recorded`): the barrier had no
owner at some point that the history shows, and its owner was recorded after that point. The
history keeps the owner as people read it (words, not ids):
- "added" entries list the fields that had a value, so an added barrier with neither
  "Owning agency" nor "Owning caseworker" was added with no owner;
- the one-step form ("Whose job is it to fix this?", routes/barriers.record_owner) writes
  {"Owner": [before, after]}, with "No one" for no owner;
- the edit form writes {"Owning agency": [before, after], "Owning caseworker": [...]}, only the
  fields that changed, "—" for none.
Fields a change does not mention keep their value from the barrier's earlier entries. Where the
history cannot tell (a barrier imported or loaded without an "added" entry and then edited one
field at a time), the barrier is not listed: the brief claims a change only when the history
shows it. The time shown ("owner recorded since ...") is that of the last entry that took the
barrier from no owner to an owner (a later change from one owner to another keeps it), and only
in full detail: dates are not part of a de-identified brief. The route reads every barrier's
entries of a map in one query (routes/brief._owner_facts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

_NO_OWNER = {"", "—", "No one", "None"}
_OWNER_FIELDS = ("Owning agency", "Owning caseworker")


@dataclass(frozen=True)
class HistoryFact:
    """One "added" or "changed" entry of a barrier, as much as the brief needs of it."""

    barrier_id: int
    action: str
    at: datetime
    changes: dict


def owners_recorded(facts: Iterable[HistoryFact]) -> dict[int, datetime]:
    """Barrier id -> when it last went from no owner to an owner, for the barriers whose history
    shows that (see the module docstring). `facts` in the order they were written."""
    tracks: dict[int, _Track] = {}
    for fact in facts:
        track = tracks.setdefault(fact.barrier_id, _Track())
        if fact.action == "added":
            track.added(fact.changes)
        elif fact.action == "changed":
            track.changed(fact.changes, fact.at)
    return {barrier_id: t.recorded_at for barrier_id, t in tracks.items() if t.recorded_at}


class _Track:
    """What the history says of one barrier's owner so far: for each owner field, set (True),
    empty (False) or not known (None); `hint` is whether it has an owner when the fields are
    not known (after the one-step form, which names the owner in one piece of text)."""

    def __init__(self) -> None:
        self.fields: dict[str, bool | None] = dict.fromkeys(_OWNER_FIELDS)
        self.hint: bool | None = None
        self.recorded_at: datetime | None = None

    def owned(self) -> bool | None:
        if any(value is True for value in self.fields.values()):
            return True
        if all(value is False for value in self.fields.values()):
            return False
        return self.hint

    def added(self, changes: dict) -> None:
        self.fields = {name: _named(changes.get(name)) for name in _OWNER_FIELDS}
        self.hint = None
        self.recorded_at = None

    def changed(self, changes: dict, at: datetime) -> None:
        if "Owner" in changes:
            before, after = _pair(changes["Owner"])
            was = _named(before)
            if _named(after):
                self.fields, self.hint = dict.fromkeys(_OWNER_FIELDS), True
            else:
                self.fields, self.hint = dict.fromkeys(_OWNER_FIELDS, False), None
            self._moved(was, self.owned(), at)
            return
        mentioned = [name for name in _OWNER_FIELDS if name in changes]
        if not mentioned:
            return
        for name in mentioned:  # what the change says they were before it
            self.fields[name] = _named(_pair(changes[name])[0])
        was = self.owned()
        for name in mentioned:
            self.fields[name] = _named(_pair(changes[name])[1])
        self.hint = None  # the one-step form's "has an owner" no longer says which field holds it
        self._moved(was, self.owned(), at)

    def _moved(self, was: bool | None, now: bool | None, at: datetime) -> None:
        if was is False and now is True:
            self.recorded_at = at
        elif now is not True:
            self.recorded_at = None


def _pair(value) -> tuple:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _named(value) -> bool:
    return isinstance(value, str) and value.strip() not in _NO_OWNER
