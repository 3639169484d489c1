"""What the retention rule did, kept by the installation rather than by any map.

A purged map takes its own history with it, and a reduced map's history goes with the original;
so each thing the rule does is written here too: when, what, which ids, and how many rows went.
Never any content: no pseudonym, no text, no name, so keeping this forever keeps nothing of a family.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class RetentionRecord(db.Model):
    __tablename__ = "retention_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # "deidentified" (a map reduced to its copy), "purged" (a map deleted), "disabled" or "enabled"
    # (an account).
    action: Mapped[str] = mapped_column(String(20))
    # Plain ids, no foreign keys: what they named is gone, or may go later, and the record stays.
    map_id: Mapped[int | None]
    copy_id: Mapped[int | None]  # the de-identified copy made in the map's place
    user_id: Mapped[int | None]
    closed_at: Mapped[datetime | None]  # when the map was closed
    # Rows removed, by table ("touchpoint": 12, "history_entry": 40), or an account's days unused.
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
