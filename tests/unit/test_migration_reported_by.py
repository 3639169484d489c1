"""The migration a7da32cc5bd0 corrects touchpoints the family wrote that the journey page's old
form default saved as reported by the facilitator, and says so in the history."""

from __future__ import annotations

from types import SimpleNamespace

from flask_migrate import upgrade
from sqlalchemy import select, text

from journeymap.extensions import db
from journeymap.models import HistoryEntry, Stage, Touchpoint
from journeymap.models.utctime import utcnow
from tests.apps import make_app

BEFORE = "3d8f95dfb6f9"


def test_the_familys_own_steps_become_reported_by_the_family_and_the_history_says_so(tmp_path, logging_kept):
    app = make_app(tmp_path / "instance", {"TESTING": True, "SECRET_KEY": "x",
                                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    with app.app_context():
        upgrade(revision=BEFORE)
        # The map row as the schema of that revision has it: the model has columns added since.
        db.session.execute(text(
            "INSERT INTO journey_map (id, pseudonym, situation, hopes, created_at, updated_at, revision)"
            " VALUES (1, 'Family T.', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"))
        journey_map = SimpleNamespace(id=1)
        stage = Stage(map_id=journey_map.id, name="Crisis", position=0)
        db.session.add(stage)
        db.session.flush()
        steps = {}
        for position, (action, from_family) in enumerate(
            [("Family wrote it", True), ("Imported as the family's", True), ("Facilitator wrote it", False)]
        ):
            step = Touchpoint(map_id=journey_map.id, stage_id=stage.id, position=position, action=action,
                              reported_by="facilitator", from_family=from_family)
            db.session.add(step)
            db.session.flush()
            steps[action] = step.id
        db.session.add(HistoryEntry(map_id=journey_map.id, at=utcnow(), actor_name="Rosa",
                                    actor_role="family", action="added", kind="touchpoint",
                                    item_id=steps["Family wrote it"], summary="Family wrote it", changes={}))
        db.session.commit()

        upgrade()
        db.session.expire_all()
        reported = {action: db.session.get(Touchpoint, step).reported_by for action, step in steps.items()}
        assert reported == {"Family wrote it": "family", "Imported as the family's": "facilitator",
                            "Facilitator wrote it": "facilitator"}
        corrections = db.session.scalars(
            select(HistoryEntry).where(HistoryEntry.actor_name.startswith("journeymap"))).all()
        assert [(c.item_id, c.action, c.changes) for c in corrections] == [
            (steps["Family wrote it"], "changed", {"reported_by": ["facilitator", "family"]})]
        assert corrections[0].at.tzinfo is not None and corrections[0].summary == "Family wrote it"
        db.engine.dispose()
