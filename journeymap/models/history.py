"""The map's history: append-only, one row per thing someone did.

Rows are never updated or deleted by the application; database triggers (see the migration)
refuse UPDATE and DELETE, except the cascade when a whole map is deleted, because a family's
data must be erasable. Actor details are copied into the row so the history stays readable
whatever happens to the account later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class HistoryEntry(db.Model):
    __tablename__ = "history_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("journey_map.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None]  # no foreign key: the row must never change after it is written
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    actor_role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(20))  # added, changed, deleted, moved, exported, ...
    kind: Mapped[str] = mapped_column(String(20))  # touchpoint, barrier, member, invitation, map, ...
    item_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(300), default="")
    # {"field": [before, after]} for changes; {"field": value} for adds and deletes.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)


# The same rule in each database's words: no UPDATE ever; DELETE only once the map itself is gone
# (the ON DELETE CASCADE of a deleted map). Created with the table here, and by the migration.
APPEND_ONLY_SQL = {
    "sqlite": [
        "CREATE TRIGGER history_entry_no_update BEFORE UPDATE ON history_entry "
        "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END",
        "CREATE TRIGGER history_entry_no_delete BEFORE DELETE ON history_entry "
        "WHEN EXISTS (SELECT 1 FROM journey_map WHERE id = OLD.map_id) "
        "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION history_entry_append_only() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM journey_map WHERE id = OLD.map_id) "
        "THEN RETURN OLD; END IF; "
        "RAISE EXCEPTION 'history is append-only'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER history_entry_append_only BEFORE UPDATE OR DELETE ON history_entry "
        "FOR EACH ROW EXECUTE FUNCTION history_entry_append_only()",
    ],
}


@event.listens_for(HistoryEntry.__table__, "after_create")
def _make_append_only(table, connection, **_kw) -> None:
    for statement in APPEND_ONLY_SQL.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)
