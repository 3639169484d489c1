"""A journey map starts from one family: who they are (by pseudonym), their situation and hopes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class JourneyMap(db.Model):
    __tablename__ = "journey_map"
    # Ids are never reused, so a stale edit or link can never land on a newer item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(120))
    situation: Mapped[str] = mapped_column(Text, default="")
    hopes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped by every change to anything on the map: a cheap key for "has this map changed?".
    revision: Mapped[int] = mapped_column(default=1)
    # The version of the family's details (pseudonym, situation, hopes) alone, for edit conflicts.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The family entered or last corrected these details themselves.
    from_family: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Closed by a facilitator: read-only from then on, and removed or reduced to its de-identified
    # copy once the installation's retention period has passed (journeymap.domain.retention).
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Set on the de-identified copy the retention rule made of a closed map: the copy stays closed,
    # is never reduced again and cannot be reopened.
    reduced_at: Mapped[datetime | None]
    # Days a handoff may stay "sent" before it counts as dropped; None: the default, 14
    # (journeymap.readmodel.handoffs). Nullable so that adding it copies no table.
    handoff_days: Mapped[int | None]

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def touch(self) -> None:
        # Incremented by the database, not from the value read: two saves at the same moment
        # must give two revisions, or a page could miss one of the changes.
        self.revision = JourneyMap.revision + 1
        self.updated_at = utcnow()


class HouseholdMember(db.Model):
    """A member of the household, by role and age band only: the tool never needs a real name."""

    __tablename__ = "household_member"
    # Ids are never reused, so a stale edit or link can never land on a newer item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(80))
    age_band: Mapped[str] = mapped_column(String(16), default="unsaid")
    position: Mapped[int] = mapped_column(default=0)
    # Bumped by every edit of this item's content; an edit form carries the version its author saw.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    from_family: Mapped[bool] = mapped_column(default=False, server_default=false())
