"""Handoffs: someone sent the family on, from one agency or caseworker to another, and what became
of it (sent, received, accepted or declined, completed). A handoff still "sent" after the map's
number of days is dropped (journeymap.readmodel.handoffs): the finding this item exists for."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class Handoff(db.Model):
    __tablename__ = "handoff"
    # Ids are never reused, so a stale edit or step can never land on a newer item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    # Either end may be unknown; deleting an agency or caseworker makes that end unknown again.
    from_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"))
    from_caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("caseworker.id", ondelete="SET NULL"))
    to_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"))
    to_caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("caseworker.id", ondelete="SET NULL"))
    sent_on: Mapped[date | None]
    channel: Mapped[str | None] = mapped_column(String(16))
    expected: Mapped[str] = mapped_column(Text, default="")
    began_touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoint.id", ondelete="SET NULL"))
    ended_touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoint.id", ondelete="SET NULL"))
    # The steps, set by the step actions (journeymap.domain.handoffs), never by the edit form.
    status: Mapped[str] = mapped_column(String(10), default="sent", server_default="sent")
    received_on: Mapped[date | None]
    answered_on: Mapped[date | None]
    answered_by: Mapped[str] = mapped_column(String(120), default="")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None]
    # The barrier a dropped handoff was made into ("Make it a barrier"); cleared if it is deleted.
    barrier_id: Mapped[int | None] = mapped_column(ForeignKey("barrier.id", ondelete="SET NULL"))
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Who added it: a family member deletes only what they added.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    from_family: Mapped[bool] = mapped_column(default=False, server_default=false())
