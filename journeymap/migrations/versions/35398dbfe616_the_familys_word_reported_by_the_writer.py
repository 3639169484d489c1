"""The family's word on their map; touchpoints reported by whoever wrote them

A new table, family_word: one current word (confirmed or disputed, with a comment in the family's
words) per touchpoint or barrier. Its item is named by kind and id, without a foreign key, since it
may be one of several tables; deleting the item deletes its word (journeymap.domain.family_word).

And a correction. "Reported by" is now set by the server from who is writing (the family, a
caseworker, a facilitator, or a contributor, which is new in the vocabulary). The journey page's
old form defaulted to the facilitator, so a step someone else wrote and left so was saved as
reported by the facilitator. a7da32cc5bd0 corrected the steps the family wrote (marked from_family);
this corrects the rest whose history shows who last wrote them: a step still reported by the
facilitator whose latest added or changed entry is by a family member, a caseworker or a
contributor becomes reported by that role. Steps whose history says nothing (imported, made by a
command) are left as they are. Each correction is added to the map's history, like a7da32cc5bd0's.

Revision ID: 35398dbfe616
Revises: 4e956d56b93e
Create Date: 2026-12-07 14:45:00

"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '35398dbfe616'
down_revision = '4e956d56b93e'
branch_labels = None
depends_on = None

CORRECTED_BY = "journeymap (correcting who reported it)"
WRITERS = ('family', 'caseworker', 'contributor')  # roles whose steps the old default mislabelled


def upgrade():
    op.create_table('family_word',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['user_account.id'],
                            name=op.f('fk_family_word_by_user_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['map_id'], ['journey_map.id'], name=op.f('fk_family_word_map_id_journey_map'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_word')),
    sa.UniqueConstraint('map_id', 'item_kind', 'item_id', name='uq_family_word_item'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('family_word', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_word_by_user_id'), ['by_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_word_map_id'), ['map_id'], unique=False)
    _relabel_reporters()


def _relabel_reporters():
    connection = op.get_bind()
    touchpoint = sa.table('touchpoint', sa.column('id', sa.Integer), sa.column('map_id', sa.Integer),
                          sa.column('action', sa.String), sa.column('reported_by', sa.String))
    history = sa.table('history_entry', sa.column('id', sa.Integer), sa.column('map_id', sa.Integer),
                       sa.column('at', sa.DateTime), sa.column('user_id', sa.Integer),
                       sa.column('actor_name', sa.String), sa.column('actor_role', sa.String),
                       sa.column('action', sa.String), sa.column('kind', sa.String),
                       sa.column('item_id', sa.Integer), sa.column('summary', sa.String),
                       sa.column('changes', sa.JSON))
    # Who last wrote each step, by role: the latest added or changed entry made by a person.
    last_writer = {}
    for map_id, item_id, role in connection.execute(
        sa.select(history.c.map_id, history.c.item_id, history.c.actor_role)
        .where(history.c.kind == 'touchpoint', history.c.action.in_(('added', 'changed')),
               history.c.actor_role != '', history.c.item_id.is_not(None))
        .order_by(history.c.id)
    ):
        last_writer[(map_id, item_id)] = role
    mislabelled = connection.execute(
        sa.select(touchpoint.c.id, touchpoint.c.map_id, touchpoint.c.action)
        .where(touchpoint.c.reported_by == 'facilitator').order_by(touchpoint.c.id)
    ).all()
    now = datetime.now(UTC)
    # Stored as the app stores times (journeymap.extensions.UTCDateTime): naive UTC on SQLite.
    at = now.replace(tzinfo=None) if connection.dialect.name == 'sqlite' else now
    for row in mislabelled:
        role = last_writer.get((row.map_id, row.id))
        if role not in WRITERS:
            continue
        connection.execute(touchpoint.update().where(touchpoint.c.id == row.id).values(reported_by=role))
        connection.execute(history.insert().values(
            map_id=row.map_id, at=at, user_id=None, actor_name=CORRECTED_BY, actor_role='', action='changed',
            kind='touchpoint', item_id=row.id, summary=row.action[:300],
            changes={'reported_by': ['facilitator', role]},
        ))


def downgrade():
    # The corrections stay: the old value was wrong, and the history says what was changed.
    with op.batch_alter_table('family_word', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_word_map_id'))
        batch_op.drop_index(batch_op.f('ix_family_word_by_user_id'))
    op.drop_table('family_word')
