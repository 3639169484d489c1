"""An owner's answer on the barrier; commitments and their progress entries

Only new tables and new nullable columns, so SQLite adds them
with ALTER TABLE and never copies the barrier table (its id counter and the history's triggers
are untouched). Existing barriers with an owner keep owner_answer NULL: the page reads that as
"waiting for the owner's answer" (they were recorded before owners were asked).

Revision ID: 5f76ef6a37ed
Revises: a0bb2d58e8aa
Create Date: 2026-12-07 03:08:01.435040

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '5f76ef6a37ed'
down_revision = 'a0bb2d58e8aa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('barrier_id', sa.Integer(), nullable=False),
    sa.Column('next_step', sa.String(length=500), nullable=False),
    sa.Column('who_caseworker_id', sa.Integer(), nullable=True),
    sa.Column('who_text', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('what_changed', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['barrier_id'], ['barrier.id'],
                            name=op.f('fk_commitment_barrier_id_barrier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_commitment_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['map_id'], ['journey_map.id'],
                            name=op.f('fk_commitment_map_id_journey_map'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['who_caseworker_id'], ['caseworker.id'],
                            name=op.f('fk_commitment_who_caseworker_id_caseworker'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_barrier_id'), ['barrier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_map_id'), ['map_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_who_caseworker_id'), ['who_caseworker_id'],
                              unique=False)

    op.create_table('progress_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('what_was_done', sa.Text(), nullable=False),
    sa.Column('what_is_blocking', sa.Text(), nullable=False),
    sa.Column('by_name', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'],
                            name=op.f('fk_progress_entry_commitment_id_commitment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_progress_entry_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['map_id'], ['journey_map.id'],
                            name=op.f('fk_progress_entry_map_id_journey_map'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_entry')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('progress_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_entry_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_entry_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_entry_map_id'), ['map_id'], unique=False)

    # Plain ALTER TABLE ... ADD COLUMN on both databases (no batch: nothing to copy).
    op.add_column('barrier', sa.Column('owner_answer', sa.String(length=10), nullable=True))
    op.add_column('barrier', sa.Column('owner_answered_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('barrier', sa.Column('owner_answered_by', sa.String(length=120), nullable=True))
    op.add_column('barrier', sa.Column('decline_reason', sa.Text(), nullable=True))


def downgrade():
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite since 3.35): a batch copy of the
    # barrier table would lose its AUTOINCREMENT, and with it the rule that ids are never reused.
    for column in ('decline_reason', 'owner_answered_by', 'owner_answered_at', 'owner_answer'):
        op.execute(f'ALTER TABLE barrier DROP COLUMN {column}')

    with op.batch_alter_table('progress_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_entry_map_id'))
        batch_op.drop_index(batch_op.f('ix_progress_entry_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_progress_entry_commitment_id'))

    op.drop_table('progress_entry')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_who_caseworker_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_map_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_barrier_id'))

    op.drop_table('commitment')
