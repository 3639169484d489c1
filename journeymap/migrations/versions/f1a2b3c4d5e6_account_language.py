"""user_account.language: the language a person reads journeymap in

Revision ID: f1a2b3c4d5e6
Revises: b3c1d0a7e5f2
Create Date: 2026-12-07 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'b3c1d0a7e5f2'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable, no default: accounts made before there was a choice follow their browser.
    op.add_column('user_account', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('language')
