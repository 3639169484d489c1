"""Every agency and caseworker who holds a file on the family."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db


class Agency(db.Model):
    __tablename__ = "agency"
    # Ids are never reused, so a stale edit or link can never land on a newer item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(20), default="other")
    # Bumped by every edit of this item's content; an edit form carries the version its author saw.
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class Caseworker(db.Model):
    """A person at an agency, known by name, by role, or both (a name is never required)."""

    __tablename__ = "caseworker"
    # Ids are never reused, so a stale edit or link can never land on a newer item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    # Deleting an agency keeps its people on the map, with their agency unknown.
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    holds_file: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # Turnover (journeymap.readmodel.turnover): when they left, who took over, and what was passed on.
    left_on: Mapped[date | None] = mapped_column(default=None)
    # Another caseworker of the map. No foreign key, so adding it copied no table on SQLite:
    # journeymap.domain.people clears it when the successor is deleted.
    successor_id: Mapped[int | None] = mapped_column(default=None)
    handover: Mapped[str | None] = mapped_column(String(16), default=None)
    # Bumped by every edit of this item's content; an edit form carries the version its author saw.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
