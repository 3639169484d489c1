"""Closing a map, and reopening it: a closed map is read-only for everyone (journeymap.auth.access)
until a facilitator reopens it or the retention rule (journeymap.domain.retention) takes it.

Both are one conditional UPDATE, so two facilitators pressing at once close (or reopen) it once,
and record it once. Each bumps the map's revision, so every open page of the map refreshes and
shows the banner (or loses it) within a second. Functions never commit.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from journeymap.domain import history
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.models import JourneyMap
from journeymap.models.utctime import utcnow


def close_map(journey_map: JourneyMap, *, actor: Actor) -> bool:
    """Close the map; False (nothing recorded) when it was closed already."""
    now = utcnow()
    closed = db.session.execute(
        update(JourneyMap)
        .where(JourneyMap.id == journey_map.id, JourneyMap.closed_at.is_(None))
        .values(closed_at=now, closed_by_id=actor.user_id, revision=JourneyMap.revision + 1, updated_at=now)
    ).rowcount == 1
    if closed:
        config = current_app.config
        # The rule as it stood when the map was closed; an installation may change it later.
        history.record(journey_map.id, "closed", "map", journey_map.id, actor=actor, changes={
            "kept_until": (now + timedelta(days=config["RETENTION_DAYS"])).date(),
            "then": config["RETENTION_MODE"],
        })
    db.session.refresh(journey_map)
    return closed


def reopen_map(journey_map: JourneyMap, *, actor: Actor) -> bool:
    """Open a closed map again; False (nothing recorded) when it was open already, or is the
    retention rule's de-identified copy, which stays closed (see `may_reopen`)."""
    reopened = db.session.execute(
        update(JourneyMap)
        .where(JourneyMap.id == journey_map.id, JourneyMap.closed_at.is_not(None),
               JourneyMap.reduced_at.is_(None))
        .values(closed_at=None, closed_by_id=None, revision=JourneyMap.revision + 1, updated_at=utcnow())
    ).rowcount == 1
    if reopened:
        history.record(journey_map.id, "reopened", "map", journey_map.id, actor=actor)
    db.session.refresh(journey_map)
    return reopened


def may_reopen(journey_map: JourneyMap) -> bool:
    """A de-identified copy is what the retention rule keeps after the family's details went:
    reopened, it could take them again where no rule would ever remove them."""
    return journey_map.closed_at is not None and journey_map.reduced_at is None
