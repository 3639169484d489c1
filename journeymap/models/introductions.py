"""Introductions made: two caseworkers, or two agencies, holding a file on the family who have
now been in touch (journeymap.readmodel.introductions lists the pairs who have not)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class Introduction(db.Model):
    """Either both caseworker ids or both agency ids are set (journeymap.domain.introductions keeps
    it so). Deleting either side deletes the introduction: it was about the two of them."""

    __tablename__ = "introduction"
    # Ids are never reused, so a stale delete can never land on a newer introduction.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    caseworker_a_id: Mapped[int | None] = mapped_column(
        ForeignKey("caseworker.id", ondelete="CASCADE"), index=True, default=None
    )
    caseworker_b_id: Mapped[int | None] = mapped_column(
        ForeignKey("caseworker.id", ondelete="CASCADE"), index=True, default=None
    )
    agency_a_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), index=True, default=None
    )
    agency_b_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), index=True, default=None
    )
    made_on: Mapped[date]
    how: Mapped[str] = mapped_column(String(16), default="meeting")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def introduced(self) -> str:
        """Its summary in the history: the two it was between, by name, as they were then."""
        from journeymap.domain.common import ref_name  # the write side's naming, read when recorded

        kind = "caseworker" if self.caseworker_a_id is not None else "agency"
        ends = (self.caseworker_a_id, self.caseworker_b_id) if kind == "caseworker" else (
            self.agency_a_id, self.agency_b_id)
        return " and ".join(ref_name(kind, end) or f"a {kind} since deleted" for end in ends)
