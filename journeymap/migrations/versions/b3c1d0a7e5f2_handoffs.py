"""Handoffs: someone sent the family on, and what became of it; the map's days before one is dropped

Revision ID: b3c1d0a7e5f2
Revises: c0a1e5b7d3f2
Create Date: 2026-12-07 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c1d0a7e5f2'
down_revision = 'c0a1e5b7d3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'handoff',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('map_id', sa.Integer(), nullable=False),
        sa.Column('from_agency_id', sa.Integer(), nullable=True),
        sa.Column('from_caseworker_id', sa.Integer(), nullable=True),
        sa.Column('to_agency_id', sa.Integer(), nullable=True),
        sa.Column('to_caseworker_id', sa.Integer(), nullable=True),
        sa.Column('sent_on', sa.Date(), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=True),
        sa.Column('expected', sa.Text(), nullable=False),
        sa.Column('began_touchpoint_id', sa.Integer(), nullable=True),
        sa.Column('ended_touchpoint_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), server_default='sent', nullable=False),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('answered_on', sa.Date(), nullable=True),
        sa.Column('answered_by', sa.String(length=120), nullable=False),
        sa.Column('decline_reason', sa.Text(), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=True),
        sa.Column('barrier_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('from_family', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['map_id'], ['journey_map.id'], name=op.f('fk_handoff_map_id_journey_map'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['from_agency_id'], ['agency.id'], name=op.f('fk_handoff_from_agency_id_agency'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['from_caseworker_id'], ['caseworker.id'], name=op.f('fk_handoff_from_caseworker_id_caseworker'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['to_agency_id'], ['agency.id'], name=op.f('fk_handoff_to_agency_id_agency'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['to_caseworker_id'], ['caseworker.id'], name=op.f('fk_handoff_to_caseworker_id_caseworker'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['began_touchpoint_id'], ['touchpoint.id'], name=op.f('fk_handoff_began_touchpoint_id_touchpoint'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['ended_touchpoint_id'], ['touchpoint.id'], name=op.f('fk_handoff_ended_touchpoint_id_touchpoint'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['barrier_id'], ['barrier.id'], name=op.f('fk_handoff_barrier_id_barrier'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_handoff_created_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_map_id'), ['map_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_created_by_id'), ['created_by_id'], unique=False)
    # Nullable, added in place (no table copied): None reads as the default, 14 days.
    op.add_column('journey_map', sa.Column('handoff_days', sa.Integer(), nullable=True))


def downgrade():
    # Not in batch mode: copying journey_map would break the history's triggers that name it
    # (SQLite 3.35 and later drop a column in place).
    op.drop_column('journey_map', 'handoff_days')
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_handoff_map_id'))
    op.drop_table('handoff')
