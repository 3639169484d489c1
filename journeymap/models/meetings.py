"""Steering meetings: the day a map's steering group met, and who came, by role and agency.

The brief compares the map now with the map at the last meeting (journeymap.readmodel.since_meeting),
so the meeting's day is what matters; who came is kept as lines of text (a role, and the agency
after a comma), because the people at a steering meeting are rarely the map's caseworkers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class Meeting(db.Model):
    __tablename__ = "meeting"
    # Ids are never reused, so a stale edit can never land on a newer meeting.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    attendees: Mapped[str] = mapped_column(Text, default="")  # one a line: "Housing officer, County Housing"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")
