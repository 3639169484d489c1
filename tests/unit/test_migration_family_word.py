"""The migration 35398dbfe616 makes the family_word table and relabels the steps still reported by
the facilitator (the old form default) whose history shows another role wrote them last."""

from __future__ import annotations

from types import SimpleNamespace

from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from journeymap.extensions import db
from journeymap.models import HistoryEntry, Stage, Touchpoint
from journeymap.models.utctime import utcnow
from tests.apps import make_app

BEFORE = "4e956d56b93e"


def test_steps_are_relabelled_by_who_last_wrote_them_and_the_history_says_so(tmp_path, logging_kept):
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
        # action -> (reported_by, the roles of its history's writers, oldest first)
        cases = {
            "Caseworker wrote it": ("facilitator", ["caseworker"]),
            "Contributor wrote it": ("facilitator", ["contributor"]),
            "Facilitator wrote it": ("facilitator", ["facilitator"]),
            "Contributor wrote, facilitator corrected": ("facilitator", ["contributor", "facilitator"]),
            "Contributor chose caseworker": ("caseworker", ["contributor"]),
            "Imported, no history": ("facilitator", []),
        }
        steps = {}
        for position, (action, (reported_by, writers)) in enumerate(cases.items()):
            step = Touchpoint(map_id=journey_map.id, stage_id=stage.id, position=position, action=action,
                              reported_by=reported_by)
            db.session.add(step)
            db.session.flush()
            steps[action] = step.id
            for n, role in enumerate(writers):
                db.session.add(HistoryEntry(map_id=journey_map.id, at=utcnow(), actor_name="Someone",
                                            actor_role=role, action="added" if n == 0 else "changed",
                                            kind="touchpoint", item_id=step.id, summary=action, changes={}))
        db.session.commit()

        upgrade()
        db.session.expire_all()
        assert "family_word" in inspect(db.engine).get_table_names()
        reported = {action: db.session.get(Touchpoint, step).reported_by for action, step in steps.items()}
        assert reported == {
            "Caseworker wrote it": "caseworker", "Contributor wrote it": "contributor",
            "Facilitator wrote it": "facilitator", "Contributor wrote, facilitator corrected": "facilitator",
            "Contributor chose caseworker": "caseworker", "Imported, no history": "facilitator",
        }
        corrections = db.session.scalars(
            select(HistoryEntry).where(HistoryEntry.actor_name.startswith("journeymap")).order_by(HistoryEntry.id)
        ).all()
        assert [(c.item_id, c.changes) for c in corrections] == [
            (steps["Caseworker wrote it"], {"reported_by": ["facilitator", "caseworker"]}),
            (steps["Contributor wrote it"], {"reported_by": ["facilitator", "contributor"]}),
        ]
        db.engine.dispose()
