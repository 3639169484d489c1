"""Steering meetings; when a barrier was put on the map

A new table, and one new nullable column, so SQLite adds it with ALTER TABLE and never copies the
barrier table (its id counter and the history's triggers are untouched). Barriers from before
keep created_at NULL: the brief does not count them as new since a meeting.

Revision ID: 3d8f95dfb6f9
Revises: e6e0d18558e3
Create Date: 2026-12-07 03:25:38.116171

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '3d8f95dfb6f9'
down_revision = 'e6e0d18558e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_meeting_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['map_id'], ['journey_map.id'], name=op.f('fk_meeting_map_id_journey_map'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_map_id'), ['map_id'], unique=False)

    op.add_column('barrier', sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('barrier', schema=None) as batch_op:
        batch_op.drop_column('created_at')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_map_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_created_by_id'))
    op.drop_table('meeting')
