"""The journey: stages the group names and orders, and the touchpoints within them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db


class Stage(db.Model):
    __tablename__ = "stage"
    # Ids are never reused, so a stale edit or link can never land on a newer item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    # Bumped by every edit of this item's content; an edit form carries the version its author saw.
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class Touchpoint(db.Model):
    """One thing the family had to do, somewhere, with someone (either may be unknown)."""

    __tablename__ = "touchpoint"
    # Ids are never reused, so a stale edit or link can never land on a newer item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    # Deleting a stage keeps its touchpoints, as "not in a stage yet".
    stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stage.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    action: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(300), default="")
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="SET NULL"), index=True
    )
    caseworker_id: Mapped[int | None] = mapped_column(
        ForeignKey("caseworker.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str | None] = mapped_column(String(20))
    days_waited: Mapped[int | None]
    documents: Mapped[str] = mapped_column(Text, default="")
    retold_story: Mapped[bool] = mapped_column(default=False)
    feeling: Mapped[int | None]
    reported_by: Mapped[str] = mapped_column(String(20), default="facilitator")
    # Bumped by every edit of this item's content; an edit form carries the version its author saw.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Who added it: a caseworker may change only the touchpoints they added themselves.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The family entered or last corrected it themselves.
    from_family: Mapped[bool] = mapped_column(default=False, server_default=false())
