"""sharing choices: a facilitator's check before the group's words leave the room

One row per checked text (kind, item, field): its fingerprint as checked, and share, reword or
withhold (journeymap.models.sharing). A new table, so no existing one changes.

Revision ID: e6e0d18558e3
Revises: 5f76ef6a37ed
Create Date: 2026-12-07 03:08:35.427008

"""
import sqlalchemy as sa
from alembic import op

revision = 'e6e0d18558e3'
down_revision = '5f76ef6a37ed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sharing_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('shared_text', sa.Text(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user_account.id'], name=op.f('fk_sharing_choice_checked_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['map_id'], ['journey_map.id'], name=op.f('fk_sharing_choice_map_id_journey_map'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_choice')),
    sa.UniqueConstraint('map_id', 'kind', 'item_id', 'field', name='uq_sharing_choice_text')
    )
    with op.batch_alter_table('sharing_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_choice_map_id'), ['map_id'], unique=False)



def downgrade():
    with op.batch_alter_table('sharing_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_choice_map_id'))

    op.drop_table('sharing_choice')
