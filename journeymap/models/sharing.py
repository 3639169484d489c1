"""A facilitator's choice about one text before it leaves the room ("Check before sharing").

One row per checked text of a map: which text (kind, item, field), the fingerprint of the text as
the facilitator saw it (journeymap.exports.names_check.fingerprint: the text itself is not copied),
and whether to share it, share a rewording, or withhold it. An edit to the text makes its
fingerprint differ, so it counts as not checked until someone checks it again. A row whose item is
deleted is never read again, and goes with its map (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class SharingChoice(db.Model):
    __tablename__ = "sharing_choice"
    __table_args__ = (UniqueConstraint("map_id", "kind", "item_id", "field", name="uq_sharing_choice_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a kind's name: "barrier"
    item_id: Mapped[int]  # no foreign key: items of several kinds
    field: Mapped[str] = mapped_column(String(40))  # a CHECKED field's name: "title"
    fingerprint: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(10))  # share, reword, withhold (exports/sharing.py)
    shared_text: Mapped[str] = mapped_column(Text, default="")  # the rewording
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
