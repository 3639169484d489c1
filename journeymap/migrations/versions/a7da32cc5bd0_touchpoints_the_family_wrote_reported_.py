"""touchpoints the family wrote, reported by the family

The journey page's touchpoint form defaulted "Reported by" to the facilitator, and a family member
who left it so saved their own step as reported by the facilitator (their phone page was right).
The server now sets it from who is writing. This corrects the rows it mislabelled: a touchpoint
marked as the family's (from_family) yet reported by the facilitator, whose history shows the
family wrote it. Each correction is added to the map's history, which is append-only: what was
wrong stays readable, and so does when and why it was put right.

Revision ID: a7da32cc5bd0
Revises: 3d8f95dfb6f9
Create Date: 2026-12-07 04:20:00

"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = 'a7da32cc5bd0'
down_revision = '3d8f95dfb6f9'
branch_labels = None
depends_on = None

CORRECTED_BY = "journeymap (correcting who reported it)"


def upgrade():
    connection = op.get_bind()
    touchpoint = sa.table('touchpoint', sa.column('id', sa.Integer), sa.column('map_id', sa.Integer),
                          sa.column('action', sa.String), sa.column('reported_by', sa.String),
                          sa.column('from_family', sa.Boolean))
    history = sa.table('history_entry', sa.column('map_id', sa.Integer), sa.column('at', sa.DateTime),
                       sa.column('user_id', sa.Integer), sa.column('actor_name', sa.String),
                       sa.column('actor_role', sa.String), sa.column('action', sa.String),
                       sa.column('kind', sa.String), sa.column('item_id', sa.Integer),
                       sa.column('summary', sa.String), sa.column('changes', sa.JSON))
    written_by_family = (
        sa.select(history.c.item_id)
        .where(history.c.kind == 'touchpoint', history.c.actor_role == 'family',
               history.c.action.in_(('added', 'changed')))
    )
    mislabelled = connection.execute(
        sa.select(touchpoint.c.id, touchpoint.c.map_id, touchpoint.c.action)
        .where(touchpoint.c.from_family.is_(True), touchpoint.c.reported_by == 'facilitator',
               touchpoint.c.id.in_(written_by_family))
        .order_by(touchpoint.c.id)
    ).all()
    now = datetime.now(UTC)
    # Stored as the app stores times (journeymap.extensions.UTCDateTime): naive UTC on SQLite.
    at = now.replace(tzinfo=None) if connection.dialect.name == 'sqlite' else now
    for row in mislabelled:
        connection.execute(touchpoint.update().where(touchpoint.c.id == row.id).values(reported_by='family'))
        connection.execute(history.insert().values(
            map_id=row.map_id, at=at, user_id=None, actor_name=CORRECTED_BY, actor_role='', action='changed',
            kind='touchpoint', item_id=row.id, summary=row.action[:300],
            changes={'reported_by': ['facilitator', 'family']},
        ))


def downgrade():
    # The corrections stay: the old value was wrong, and the history says what was changed.
    pass
