"""Introductions made: two caseworkers, or two agencies, holding a file who have been in touch

A new table only; nothing else is copied or changed.

Revision ID: c0a1e5b7d3f2
Revises: 35398dbfe616
Create Date: 2026-12-07 14:45:00.000000

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c0a1e5b7d3f2'
down_revision = '35398dbfe616'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('introduction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('caseworker_a_id', sa.Integer(), nullable=True),
    sa.Column('caseworker_b_id', sa.Integer(), nullable=True),
    sa.Column('agency_a_id', sa.Integer(), nullable=True),
    sa.Column('agency_b_id', sa.Integer(), nullable=True),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('how', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['agency_a_id'], ['agency.id'], name=op.f('fk_introduction_agency_a_id_agency'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['agency_b_id'], ['agency.id'], name=op.f('fk_introduction_agency_b_id_agency'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['caseworker_a_id'], ['caseworker.id'],
                            name=op.f('fk_introduction_caseworker_a_id_caseworker'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['caseworker_b_id'], ['caseworker.id'],
                            name=op.f('fk_introduction_caseworker_b_id_caseworker'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_introduction_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['map_id'], ['journey_map.id'], name=op.f('fk_introduction_map_id_journey_map'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introduction')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        for column in ('map_id', 'caseworker_a_id', 'caseworker_b_id', 'agency_a_id', 'agency_b_id',
                       'created_by_id'):
            batch_op.create_index(batch_op.f(f'ix_introduction_{column}'), [column], unique=False)


def downgrade():
    op.drop_table('introduction')
