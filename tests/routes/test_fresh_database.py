"""The `app` fixture's promise, on SQLite and on the PostgreSQL pass alike: every test starts on an
empty database whose ids start at 1 again (tests/conftest.py empties it between tests)."""

from __future__ import annotations

from sqlalchemy import func, select

from journeymap.domain.journey import add_stage
from journeymap.extensions import db
from journeymap.models import HistoryEntry, JourneyMap
from tests.actors import SETUP
from tests.conftest import count_rows, empty_database
from tests.routes.conftest import build_small_map, make_user


def test_emptying_removes_every_row_history_too_and_ids_start_at_1_again(app):
    journey_map = db.session.get(JourneyMap, build_small_map().id)
    add_stage(journey_map, "One more", actor=SETUP)
    make_user("second@example.org", "Second")
    db.session.commit()
    assert count_rows(HistoryEntry) > 0  # the append-only history, which refuses a plain DELETE
    db.session.remove()

    empty_database()

    for table in db.metadata.sorted_tables:
        assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name
    journey_map = JourneyMap(pseudonym="Family A.", situation="", hopes="")
    db.session.add(journey_map)
    db.session.flush()
    stage = add_stage(journey_map, "First", actor=SETUP)
    user = make_user("first@example.org", "First")
    db.session.commit()
    assert (journey_map.id, stage.id, user.id) == (1, 1, 1)
    assert db.session.scalar(select(func.max(HistoryEntry.id))) == 1
