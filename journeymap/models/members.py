"""Who belongs to a map and in which role, the invitations that let people join, and who is here now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("map_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # see journeymap.auth.access.ROLES
    # A caseworker member is one of the map's caseworkers: "their" touchpoints and the barriers
    # they may own are theirs through this link.
    caseworker_id: Mapped[int | None] = mapped_column(
        ForeignKey("caseworker.id", ondelete="SET NULL"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invitation(db.Model):
    """A link and a short code for one role on one map, shown on the projector."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # Kept readable: the facilitator shows it again on the projector. It is never written to history.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    max_uses: Mapped[int | None]  # None: any number of people may join with it
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None]


class Presence(db.Model):
    """Who has a page of the map open: refreshed by every open page's live check."""

    __tablename__ = "presence"

    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    page: Mapped[str] = mapped_column(String(20), default="")
