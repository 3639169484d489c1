"""What an owner said they would do about a barrier, and the dated record of doing it.

A barrier can have several commitments over time (one is handed on, the next owner makes their
own), so they live in a table of their own rather than as columns of the barrier; at most one is
open at a time (journeymap.domain.commitments keeps it so).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class Commitment(db.Model):
    __tablename__ = "commitment"
    # Ids are never reused, so a stale edit or link can never land on a newer commitment.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The map's id as well as the barrier's: the map view loads a map's commitments in one query.
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    barrier_id: Mapped[int] = mapped_column(ForeignKey("barrier.id", ondelete="CASCADE"), index=True)
    next_step: Mapped[str] = mapped_column(String(500))
    # Who does it: one of the map's caseworkers, or words ("the housing team"), or both unknown.
    who_caseworker_id: Mapped[int | None] = mapped_column(
        ForeignKey("caseworker.id", ondelete="SET NULL"), index=True
    )
    who_text: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, done, handed_on
    what_changed: Mapped[str] = mapped_column(Text, default="")  # for the family, when done
    closed_at: Mapped[datetime | None]  # when it was marked done or handed on
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class ProgressEntry(db.Model):
    """One dated line of follow-up: what was done, what is in the way. Appended, never edited."""

    __tablename__ = "progress_entry"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date]
    what_was_done: Mapped[str] = mapped_column(Text, default="")
    what_is_blocking: Mapped[str] = mapped_column(Text, default="")
    by_name: Mapped[str] = mapped_column(String(120), default="")  # as the history keeps an actor
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
