"""The retention rule for closed maps: after RETENTION_DAYS, reduced to a de-identified copy
(the default) or purged, as the installation sets RETENTION_MODE.

Why de-identify by default: what a steering group learned about the system (which agencies, how
long the waits, which barriers no one owns) outlives one family's case; the family's details do not.

Why a copy, not the map changed in place: the history is append-only (a database trigger refuses
to change or delete its rows while their map exists) and its rows hold old values, so a map
de-identified in place would keep the family's words in its history. Instead the copy is made from
the de-identified export (journeymap.exports.deidentify, json_out) imported as a new map
(journeymap.domain.imports), given the original's members, kept closed; then the original is
deleted and its history goes with it (ON DELETE CASCADE). The copy's history starts with one
entry saying what it is. The pseudonym goes too: it is often the family's initials.

Each map is handled in its own transaction by the caller; a map reopened (or closed again) while
the run was deciding is left alone: the delete is conditional on the map still being due. What was
done is also kept without content in retention_record, since a purged map's own history is gone.
Functions never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from journeymap.domain import history
from journeymap.domain.history import Actor
from journeymap.domain.imports import import_map
from journeymap.exports.deidentify import deidentify
from journeymap.exports.json_out import map_to_json_dict
from journeymap.extensions import db
from journeymap.models import Caseworker, JourneyMap, Membership, RetentionRecord
from journeymap.readmodel.snapshot import load_map_view

RETENTION_ACTOR = Actor.command("the retention rule (flask retention run)")
MODES = ("deidentify", "purge")


@dataclass(frozen=True)
class Rule:
    """The installation's retention settings (journeymap.config)."""

    days: int  # a closed map is kept this long
    mode: str  # then "deidentify" or "purge"
    inactive_days: int  # an account unused this long is disabled

    def ends_at(self, closed_at: datetime) -> datetime:
        return closed_at + timedelta(days=self.days)


def retention_rule() -> Rule:
    config = current_app.config
    return Rule(days=config["RETENTION_DAYS"], mode=config["RETENTION_MODE"],
                inactive_days=config["INACTIVE_ACCOUNT_DAYS"])


@dataclass(frozen=True)
class DueMap:
    map_id: int
    closed_at: datetime


def maps_due(rule: Rule, now: datetime) -> list[DueMap]:
    """Closed maps past their time, oldest first; never a de-identified copy (it is what is kept)."""
    rows = db.session.execute(
        select(JourneyMap.id, JourneyMap.closed_at)
        .where(JourneyMap.closed_at <= now - timedelta(days=rule.days), JourneyMap.reduced_at.is_(None))
        .order_by(JourneyMap.closed_at, JourneyMap.id)
    ).all()
    return [DueMap(map_id, closed_at) for map_id, closed_at in rows]


def apply_rule(due: DueMap, rule: Rule, now: datetime) -> RetentionRecord | None:
    """Reduce or purge one due map, as the rule says. None when it is no longer due: the caller
    rolls back (a copy may have been begun)."""
    if rule.mode == "purge":
        return purge(due.map_id, rule, now)
    return reduce_to_copy(due.map_id, rule, now)


def reduce_to_copy(map_id: int, rule: Rule, now: datetime) -> RetentionRecord | None:
    """Make the de-identified copy with the original's members, then delete the original."""
    original = _still_due(map_id, rule, now)
    if original is None:
        return None
    view = load_map_view(db.session, map_id)
    document = map_to_json_dict(deidentify(view))
    document["family"]["pseudonym"] = f"De-identified copy (closed {_day(original.closed_at)})"
    copy = import_map(db.session, document)
    copy.closed_at, copy.closed_by_id, copy.reduced_at = original.closed_at, original.closed_by_id, now
    _give_members(original.id, copy.id, [c.id for c in view.caseworkers])
    removed = rows_of(map_id)
    history.record(
        copy.id, "reduced", "map", copy.id, actor=RETENTION_ACTOR,
        summary=f"the de-identified copy of a map closed on {_day(original.closed_at)}, "
                f"reduced on {_day(now)} by the retention rule",
        changes={"closed_at": original.closed_at.date(), "reduced_at": now.date(), "rule": "deidentify",
                 "history_entries": removed.get("history_entry", 0)},
    )
    closed_at = original.closed_at
    if not _delete_if_due(original, rule, now):
        return None
    record = RetentionRecord(at=now, action="deidentified", map_id=map_id, copy_id=copy.id,
                             closed_at=closed_at, counts=removed)
    db.session.add(record)
    return record


def purge(map_id: int, rule: Rule, now: datetime) -> RetentionRecord | None:
    """Delete the map and its history; only the record without content stays."""
    original = _still_due(map_id, rule, now)
    if original is None:
        return None
    removed = rows_of(map_id)
    closed_at = original.closed_at
    if not _delete_if_due(original, rule, now):
        return None
    record = RetentionRecord(at=now, action="purged", map_id=map_id, closed_at=closed_at, counts=removed)
    db.session.add(record)
    return record


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"  # "2 Nov 2025"


def rows_of(map_id: int) -> dict[str, int]:
    """Rows that belong to the map, per table: every table with a map_id (a new one counts too)."""
    counts = {}
    for table in db.metadata.sorted_tables:
        if "map_id" in table.c and table.name != RetentionRecord.__tablename__:
            found = db.session.scalar(select(func.count()).select_from(table).where(table.c.map_id == map_id))
            if found:
                counts[table.name] = found
    return counts


def _still_due(map_id: int, rule: Rule, now: datetime) -> JourneyMap | None:
    # Held (FOR UPDATE, on PostgreSQL) so a facilitator reopening it now waits for this run.
    journey_map = db.session.get(JourneyMap, map_id, with_for_update=True, populate_existing=True)
    if journey_map is None or journey_map.closed_at is None or journey_map.reduced_at is not None:
        return None
    return journey_map if journey_map.closed_at <= now - timedelta(days=rule.days) else None


def _delete_if_due(journey_map: JourneyMap, rule: Rule, now: datetime) -> bool:
    """Delete the map (its rows and history go by ON DELETE CASCADE) if it is still closed and due:
    on SQLite nothing is held, so the delete itself checks."""
    deleted = db.session.execute(
        delete(JourneyMap)
        .where(JourneyMap.id == journey_map.id, JourneyMap.reduced_at.is_(None),
               JourneyMap.closed_at <= now - timedelta(days=rule.days))
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if deleted:
        db.session.expunge(journey_map)
    return deleted


def _give_members(original_id: int, copy_id: int, caseworkers_in_view_order: list[int]) -> None:
    """The original's members, in the same roles, on the copy. A caseworker member stays linked to
    their caseworker: the import made the caseworkers in the view's order, ids ascending."""
    made = db.session.scalars(
        select(Caseworker.id).where(Caseworker.map_id == copy_id).order_by(Caseworker.id)
    )
    same_caseworker = dict(zip(caseworkers_in_view_order, made, strict=True))
    for member in db.session.scalars(select(Membership).where(Membership.map_id == original_id)).all():
        db.session.add(Membership(map_id=copy_id, user_id=member.user_id, role=member.role,
                                  caseworker_id=same_caseworker.get(member.caseworker_id),
                                  joined_at=member.joined_at))
