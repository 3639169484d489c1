"""Barriers the family hit, where they showed up, and whose job it is to fix them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow

barrier_touchpoint = Table(
    "barrier_touchpoint",
    db.metadata,
    Column("barrier_id", ForeignKey("barrier.id", ondelete="CASCADE"), primary_key=True),
    Column("touchpoint_id", ForeignKey("touchpoint.id", ondelete="CASCADE"), primary_key=True),
)


class Barrier(db.Model):
    __tablename__ = "barrier"
    # Ids are never reused, so a stale edit or link can never land on a newer item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20), default="other")
    severity: Mapped[str] = mapped_column(String(10), default="medium")
    # The owner is an agency, a caseworker, both, or nobody. Nobody is the finding this tool exists
    # to surface, so deleting an owner makes the barrier unowned again rather than deleting it.
    owner_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="SET NULL"), index=True
    )
    owner_caseworker_id: Mapped[int | None] = mapped_column(
        ForeignKey("caseworker.id", ondelete="SET NULL"), index=True
    )
    # When it last went from no one's to someone's: what the brief lists as "newly owned" since the
    # last meeting. None while no one owns it, and for a barrier that had an owner from the start.
    owner_recorded_at: Mapped[datetime | None]
    # The owner's answer to being asked: None while no one owns it (or for an owner recorded before
    # owners were asked, shown as waiting), then pending, accepted or declined. A declined barrier
    # has no owner again, and keeps who declined and why until the next owner is recorded.
    owner_answer: Mapped[str | None] = mapped_column(String(10))
    owner_answered_at: Mapped[datetime | None]
    # Nullable so that adding them copies no table (rows from before read as None: not asked).
    owner_answered_by: Mapped[str | None] = mapped_column(String(120), default="")
    decline_reason: Mapped[str | None] = mapped_column(Text, default="")
    # When it was put on the map: a steering brief lists the barriers new since the last meeting.
    # None for barriers from before this was kept (they are not new).
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # Bumped by every edit of this item's content; an edit form carries the version its author saw.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Who added it: a caseworker may change only the barriers they added themselves.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The family entered or last corrected it themselves.
    from_family: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def is_unowned(self) -> bool:
        return self.owner_agency_id is None and self.owner_caseworker_id is None
