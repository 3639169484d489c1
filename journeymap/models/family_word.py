"""The family's word on their map: for each touchpoint or barrier, whether the family says it
happened so (confirmed) or not (disputed), with a comment in their own words.

One current word per item: changing it replaces the row, withdrawing deletes it; the history keeps
every word given (journeymap.domain.family_word). Which kinds of item take a word is declared once,
in journeymap.kinds.family_word.WORD_KINDS.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class FamilyWord(db.Model):
    __tablename__ = "family_word"
    # One word per item; ids never reused, so a stale form can never land on a newer word.
    __table_args__ = (
        UniqueConstraint("map_id", "item_kind", "item_id", name="uq_family_word_item"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    # The item, by kind name and id. No foreign key, since it points into one of several tables:
    # deleting an item deletes its word (journeymap.domain.family_word.forget).
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    verdict: Mapped[str] = mapped_column(String(10))  # confirmed | disputed
    comment: Mapped[str] = mapped_column(Text, default="")
    by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True, default=None
    )
    # Given by a facilitator sitting with the family, rather than by the family themselves.
    on_behalf: Mapped[bool] = mapped_column(default=False, server_default=false())
    at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
