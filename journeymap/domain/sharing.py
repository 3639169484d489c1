"""Check before sharing: loading a map's names and its facilitators' choices, and recording them.

`deidentified(view)` is what every de-identified output shows (downloads, the brief, the
presentation, the pictures they ask for): journeymap.exports.deidentify given the map's
SharingCheck. `record_check` stores a facilitator's choices about the texts they saw, marks the
map changed (so drawings cached for the last revision are not served again) and records it in the
history, with counts rather than the texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from journeymap.domain import history
from journeymap.domain.history import Actor
from journeymap.exports.deidentify import HOUSEHOLD_ROLES, deidentify
from journeymap.exports.names_check import Names
from journeymap.exports.sharing import REWORD, Choice, SharedText, SharingCheck, texts_to_check
from journeymap.extensions import db
from journeymap.models import JourneyMap, Membership, SharingChoice, User
from journeymap.models.utctime import utcnow
from journeymap.readmodel.snapshot import MapView


def map_names(view: MapView, accounts: list[tuple[str, str]]) -> Names:
    """The map's own names: the pseudonym, household members' names (in their typed roles),
    caseworkers' names, and the display names of the map's members (`accounts`: (name, email))."""
    return Names.of(
        [view.pseudonym, *(c.name for c in view.caseworkers), *(name for name, _ in accounts)],
        capitalised_only=[m.role for m in view.members], role_words=HOUSEHOLD_ROLES,
    )


def load_check(view: MapView) -> SharingCheck:
    """The map's SharingCheck, in two queries."""
    accounts = db.session.execute(
        select(User.display_name, User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.map_id == view.id)
    ).all()
    rows = db.session.scalars(select(SharingChoice).where(SharingChoice.map_id == view.id))
    choices = {(r.kind, r.item_id, r.field): Choice(r.fingerprint, r.decision, r.shared_text) for r in rows}
    return SharingCheck(names=map_names(view, [tuple(a) for a in accounts]), choices=choices)


def deidentified(view: MapView) -> MapView:
    """The view as a de-identified output shows it, with the map's check applied."""
    return deidentify(view, load_check(view))


@dataclass(frozen=True)
class CheckState:
    """The check page's texts and what to say about them."""

    texts: list[SharedText]
    ever_checked: bool  # a facilitator has checked some text of this map before

    @property
    def unchecked(self) -> list[SharedText]:
        return [t for t in self.texts if t.choice is None]

    @property
    def suspects(self) -> int:
        return sum(t.suspect_count for t in self.texts)


def check_state(view: MapView) -> CheckState:
    check = load_check(view)
    return CheckState(texts_to_check(view, deidentify(view), check), ever_checked=bool(check.choices))


@dataclass(frozen=True)
class Decision:
    """A facilitator's choice about one text, as the form gave it."""

    kind: str
    item_id: int
    field: str
    fingerprint: str  # of the text they saw
    decision: str
    shared_text: str = ""


def record_check(journey_map: JourneyMap, decisions: list[Decision], *, actor: Actor) -> None:
    """Store the choices (one row per text, replaced if checked before), in the caller's transaction."""
    existing = {
        (r.kind, r.item_id, r.field): r
        for r in db.session.scalars(select(SharingChoice).where(SharingChoice.map_id == journey_map.id))
    }
    counts = {"share": 0, "reword": 0, "withhold": 0}
    for d in decisions:
        row = existing.get((d.kind, d.item_id, d.field))
        if row is None:
            row = SharingChoice(map_id=journey_map.id, kind=d.kind, item_id=d.item_id, field=d.field)
            db.session.add(row)
        row.fingerprint, row.decision = d.fingerprint, d.decision
        row.shared_text = d.shared_text if d.decision == REWORD else ""
        row.checked_by_id, row.checked_at = actor.user_id, utcnow()
        counts[d.decision] += 1
    journey_map.touch()
    history.record(journey_map.id, "checked", "sharing", actor=actor, summary="Check before sharing",
                   changes={"shared": counts["share"], "reworded": counts["reword"],
                            "withheld": counts["withhold"]})
