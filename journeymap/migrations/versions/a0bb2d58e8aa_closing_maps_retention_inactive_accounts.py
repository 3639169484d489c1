"""closing maps, retention, inactive accounts

A map can be closed (closed_at, closed_by_id) and, once the retention period has passed, reduced
to a de-identified copy (reduced_at marks the copy) or purged; retention_record keeps what the rule
did, without content. Accounts note when they were last seen, and when the rule disabled them.

Revision ID: a0bb2d58e8aa
Revises: 5b1e0c7d2a91
Create Date: 2026-12-07 02:32:52

"""
import sqlalchemy as sa
from alembic import op

revision = 'a0bb2d58e8aa'
down_revision = '5b1e0c7d2a91'
branch_labels = None
depends_on = None

# SQLite adds a foreign key by copying journey_map to a new table and renaming it. The rename
# checks every trigger, and the history's append-only trigger names journey_map, which for that
# moment does not exist ("error in trigger history_entry_no_delete: no such table"). So on SQLite
# the trigger is dropped for the copy and made again after, as it was (models/history.py, frozen
# here as the migration that made it wrote it).
_SQLITE_NO_DELETE = (
    "CREATE TRIGGER history_entry_no_delete BEFORE DELETE ON history_entry "
    "WHEN EXISTS (SELECT 1 FROM journey_map WHERE id = OLD.map_id) "
    "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
)


def _journey_map_columns(add: bool) -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS history_entry_no_delete")
        # The copy's counter starts from the largest id left, so the id of a map deleted last
        # would be handed out again; it is carried over instead.
        last_id = bind.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'journey_map'").scalar()
    # Ids are never reused (AUTOINCREMENT): the copy must keep that.
    with op.batch_alter_table('journey_map', table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        if add:
            batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('reduced_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.create_foreign_key(batch_op.f('fk_journey_map_closed_by_id_user_account'), 'user_account',
                                        ['closed_by_id'], ['id'], ondelete='SET NULL')
        else:
            batch_op.drop_constraint(batch_op.f('fk_journey_map_closed_by_id_user_account'), type_='foreignkey')
            batch_op.drop_column('reduced_at')
            batch_op.drop_column('closed_by_id')
            batch_op.drop_column('closed_at')
    if sqlite:
        op.execute(_SQLITE_NO_DELETE)
        if last_id is not None:
            bind.exec_driver_sql("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'journey_map'",
                                 (int(last_id),))


def upgrade():
    op.create_table('retention_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('map_id', sa.Integer(), nullable=True),
    sa.Column('copy_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_record'))
    )
    _journey_map_columns(add=True)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('last_seen_at')
    _journey_map_columns(add=False)
    op.drop_table('retention_record')
