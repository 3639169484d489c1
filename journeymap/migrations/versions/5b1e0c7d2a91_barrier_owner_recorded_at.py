"""barrier.owner_recorded_at, filled from the history

The steering brief used to work out when a barrier no one owned was given an owner by parsing
the history's form labels ("Owning agency", "Owner"). The barrier now keeps that moment itself;
this fills it for existing maps, reading their history the way the brief did, one last time.

Revision ID: 5b1e0c7d2a91
Revises: 263c8377661d
Create Date: 2026-12-07 00:20:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '5b1e0c7d2a91'
down_revision = '263c8377661d'
branch_labels = None
depends_on = None

# The history as it was written before field names were stored: form labels as keys.
_NO_OWNER = {"", "—", "No one", "None"}
_OWNER_FIELDS = ("Owning agency", "Owning caseworker")


def upgrade():
    op.add_column('barrier', sa.Column('owner_recorded_at', sa.DateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    barrier = sa.table('barrier', sa.column('id', sa.Integer), sa.column('owner_agency_id', sa.Integer),
                       sa.column('owner_caseworker_id', sa.Integer),
                       sa.column('owner_recorded_at', sa.DateTime(timezone=True)))
    history = sa.table('history_entry', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                       sa.column('action', sa.String), sa.column('item_id', sa.Integer),
                       sa.column('at', sa.DateTime(timezone=True)), sa.column('changes', sa.JSON))
    facts = connection.execute(
        sa.select(history.c.item_id, history.c.action, history.c.at, history.c.changes)
        .where(history.c.kind == 'barrier', history.c.action.in_(('added', 'changed')),
               history.c.item_id.is_not(None))
        .order_by(history.c.id)
    ).all()
    owned = {
        row.id for row in connection.execute(
            sa.select(barrier.c.id).where(sa.or_(barrier.c.owner_agency_id.is_not(None),
                                                 barrier.c.owner_caseworker_id.is_not(None)))
        )
    }
    for barrier_id, at in owners_recorded(facts).items():
        if barrier_id in owned:
            connection.execute(
                barrier.update().where(barrier.c.id == barrier_id).values(owner_recorded_at=at)
            )


def downgrade():
    with op.batch_alter_table('barrier') as batch:
        batch.drop_column('owner_recorded_at')


def owners_recorded(facts) -> dict:
    """Barrier id -> when it last went from no owner to an owner, for the barriers whose history
    shows that. `facts`: (barrier id, action, at, changes) in the order they were written."""
    tracks: dict[int, _Track] = {}
    for barrier_id, action, at, changes in facts:
        track = tracks.setdefault(barrier_id, _Track())
        if action == "added":
            track.added(changes or {})
        elif action == "changed":
            track.changed(changes or {}, at)
    return {barrier_id: t.recorded_at for barrier_id, t in tracks.items() if t.recorded_at}


class _Track:
    """What the history says of one barrier's owner so far: for each owner field, set (True),
    empty (False) or not known (None); `hint` is whether it has an owner when the fields are
    not known (after the one-step form, which names the owner in one piece of text)."""

    def __init__(self) -> None:
        self.fields: dict[str, bool | None] = dict.fromkeys(_OWNER_FIELDS)
        self.hint: bool | None = None
        self.recorded_at = None

    def owned(self) -> bool | None:
        if any(value is True for value in self.fields.values()):
            return True
        if all(value is False for value in self.fields.values()):
            return False
        return self.hint

    def added(self, changes: dict) -> None:
        self.fields = {name: _named(changes.get(name)) for name in _OWNER_FIELDS}
        self.hint = None
        self.recorded_at = None

    def changed(self, changes: dict, at) -> None:
        if "Owner" in changes:
            before, after = _pair(changes["Owner"])
            was = _named(before)
            if _named(after):
                self.fields, self.hint = dict.fromkeys(_OWNER_FIELDS), True
            else:
                self.fields, self.hint = dict.fromkeys(_OWNER_FIELDS, False), None
            self._moved(was, self.owned(), at)
            return
        mentioned = [name for name in _OWNER_FIELDS if name in changes]
        if not mentioned:
            return
        for name in mentioned:  # what the change says they were before it
            self.fields[name] = _named(_pair(changes[name])[0])
        was = self.owned()
        for name in mentioned:
            self.fields[name] = _named(_pair(changes[name])[1])
        self.hint = None  # the one-step form's "has an owner" no longer says which field holds it
        self._moved(was, self.owned(), at)

    def _moved(self, was, now, at) -> None:
        if was is False and now is True:
            self.recorded_at = at
        elif now is not True:
            self.recorded_at = None


def _pair(value) -> tuple:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _named(value) -> bool:
    return isinstance(value, str) and value.strip() not in _NO_OWNER
