"""Caseworker turnover: the day someone left, who took over, and what was passed on

Revision ID: 4e956d56b93e
Revises: a7da32cc5bd0
Create Date: 2026-12-07 04:17:49.265626

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e956d56b93e'
down_revision = 'a7da32cc5bd0'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns only, added in place: no table is copied. successor_id has no foreign key on
    # purpose: adding one would make SQLite copy the whole table (batch mode); the write side keeps
    # it within the map and clears it when the successor is deleted (journeymap.domain.people).
    op.add_column('caseworker', sa.Column('left_on', sa.Date(), nullable=True))
    op.add_column('caseworker', sa.Column('successor_id', sa.Integer(), nullable=True))
    op.add_column('caseworker', sa.Column('handover', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('caseworker', schema=None) as batch_op:
        batch_op.drop_column('handover')
        batch_op.drop_column('successor_id')
        batch_op.drop_column('left_on')
