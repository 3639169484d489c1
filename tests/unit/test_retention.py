"""The retention rule on dated maps: a closed map past its time is reduced to a de-identified copy
(nothing of the family's text left in any table) or purged (nothing of the map left); recent,
open and reopened maps are left alone; a run is idempotent and `--dry-run` writes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, Text, func, select, update

from journeymap.config import load_config
from journeymap.domain import barriers, closing, family, journey, members, people, retention
from journeymap.domain.history import Actor
from journeymap.exports.json_in import ImportProblem
from journeymap.extensions import db
from journeymap.models import (
    Caseworker,
    HistoryEntry,
    JourneyMap,
    Membership,
    Presence,
    RetentionRecord,
    Touchpoint,
    User,
)
from journeymap.models.utctime import utcnow
from tests.routes.conftest import make_user

# Words that exist only in the family's story and names: none may survive a reduction.
FAMILY_WORDS = ("Okonkwo", "Adaeze", "Ifeoma", "Larkspur", "Quince", "Tobenna")
FACILITATOR, CASEWORKER = "fran@example.org", "casey@example.org"


def family_map() -> int:
    """A map built as people build one, so its history holds the family's words too (old values
    of changed fields among them), closed by its facilitator."""
    fran = make_user(FACILITATOR, "Fran Facilitator")
    casey = make_user(CASEWORKER, "Casey Worker")
    actor = Actor.person(fran)
    started = members.start_map("Okonkwo family", "Adaeze lost her job; the flat on Larkspur Lane went cold.",
                                "Tobenna back at school.", actor=actor)
    journey_map = db.session.get(JourneyMap, started.map_id)
    family.add_member(journey_map, "Grandma Ifeoma", "65+", actor=actor)
    family.add_member(journey_map, "Tobenna (son, asthma)", "5-11", actor=actor)
    housing = people.add_agency(journey_map, "County Housing Authority", "housing", actor=actor)
    people.add_agency(journey_map, "Northside Clinic", "health", actor=actor)
    quince = people.add_caseworker(journey_map, name="Bartholomew Quince", role="Intake worker",
                                   agency_id=housing.id, actor=actor)
    stage = journey.add_stage(journey_map, "After the Larkspur eviction", actor=actor)
    visit = journey.add_touchpoint(
        journey_map, actor=actor, action="Adaeze phoned the landlord", place="14 Larkspur Lane",
        documents="Ifeoma's birth certificate\nTobenna's school letter", stage_id=stage.id,
        agency_id=housing.id, caseworker_id=quince.id, days_waited=12, feeling=-2, retold_story=True)
    barriers.add_barrier(journey_map, [visit.id], actor=actor, title="Adaeze's benefits stopped",
                         description="Quince said the Okonkwo file was lost.", severity="high")
    family.update_family(journey_map, actor=actor, situation="Adaeze and Tobenna moved in with Ifeoma.")
    journey.rename_stage(journey_map, stage, "Waiting, Larkspur", actor=actor)
    members.add_member(journey_map, casey, "caseworker", actor=actor, via="invitation",
                       caseworker_id=quince.id)
    db.session.add(Presence(map_id=journey_map.id, user_id=fran.id, page="journey"))
    db.session.commit()
    assert closing.close_map(journey_map, actor=actor)
    db.session.commit()
    return journey_map.id


def closed_days_ago(map_id: int, days: int) -> None:
    db.session.execute(update(JourneyMap).where(JourneyMap.id == map_id)
                       .values(closed_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def every_text() -> str:
    """Every text and JSON value of every row of every table, as one string."""
    db.session.expire_all()
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.c if isinstance(c.type, String | Text | JSON)]
        for row in db.session.execute(select(*columns)) if columns else []:
            found += [v if isinstance(v, str) else json.dumps(v) for v in row if v is not None]
    return "\n".join(found)


def family_words_in(text: str) -> list[str]:
    return [word for word in FAMILY_WORDS if word.casefold() in text.casefold()]


def everything() -> dict:
    """Every row of every table: what a run that writes nothing leaves as it was."""
    db.session.expire_all()
    return {t.name: sorted(map(repr, db.session.execute(select(t)).all())) for t in db.metadata.sorted_tables}


def run(runner, *args: str):
    result = runner.invoke(args=["retention", "run", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    db.session.expire_all()
    return result.output


# De-identify (the default) -------------------------------------------------------------------------
def test_a_closed_map_past_its_time_becomes_a_copy_without_a_word_of_the_family(app, runner):
    original = family_map()
    closed_days_ago(original, 366)
    closed_at = db.session.get(JourneyMap, original).closed_at
    assert family_words_in(every_text()) == list(FAMILY_WORDS)  # the search finds them while they exist
    output = run(runner)
    assert db.session.get(JourneyMap, original) is None
    copy = db.session.scalars(select(JourneyMap)).one()
    said = f"Map {original} (closed {closed_at:%Y-%m-%d}) reduced to its de-identified copy, map {copy.id}"
    assert said in output
    assert family_words_in(every_text()) == []
    assert family_words_in(output) == []
    assert copy.closed_at == closed_at and copy.reduced_at is not None
    assert copy.pseudonym == f"De-identified copy (closed {closed_at.day} {closed_at:%b %Y})"
    assert copy.situation == copy.hopes == ""


def test_the_copy_keeps_what_the_steering_group_learned_and_the_members(app, runner):
    original = family_map()
    closed_days_ago(original, 400)
    run(runner)
    copy = db.session.scalars(select(JourneyMap)).one()
    touchpoint = db.session.scalars(select(Touchpoint).where(Touchpoint.map_id == copy.id)).one()
    assert (touchpoint.days_waited, touchpoint.feeling, touchpoint.retold_story) == (12, -2, True)
    assert touchpoint.action == "Touchpoint 1 (County Housing Authority)"
    worker = db.session.get(Caseworker, touchpoint.caseworker_id)
    assert (worker.name, worker.role) == ("", "Intake worker")
    roles = db.session.execute(select(User.email, Membership.role, Membership.caseworker_id)
                               .join(User, User.id == Membership.user_id).where(Membership.map_id == copy.id)
                               .order_by(User.email)).all()
    assert roles == [(CASEWORKER, "caseworker", worker.id), (FACILITATOR, "facilitator", None)]


def test_the_copys_history_is_one_entry_saying_what_it_is(app, runner):
    original = family_map()
    closed_days_ago(original, 400)
    entries_before = db.session.scalar(select(func.count()).select_from(HistoryEntry))
    run(runner)
    (entry,) = db.session.scalars(select(HistoryEntry)).all()
    copy = db.session.scalars(select(JourneyMap)).one()
    assert (entry.map_id, entry.action, entry.kind) == (copy.id, "reduced", "map")
    assert entry.actor_name == "the retention rule (flask retention run)" and entry.user_id is None
    assert entry.summary.startswith("the de-identified copy of a map closed on ")
    assert entry.summary.endswith("by the retention rule")
    assert entry.changes["rule"] == "deidentify" and entry.changes["history_entries"] == entries_before


def test_what_the_rule_did_is_kept_without_content(app, runner):
    original = family_map()
    closed_days_ago(original, 400)
    run(runner)
    record = db.session.scalars(select(RetentionRecord)).one()
    copy = db.session.scalars(select(JourneyMap)).one()
    assert (record.action, record.map_id, record.copy_id) == ("deidentified", original, copy.id)
    assert record.counts["touchpoint"] == 1 and record.counts["household_member"] == 2
    assert record.counts["history_entry"] > 10
    log = runner.invoke(args=["retention", "log"]).output
    assert f"Map {original} (closed" in log and family_words_in(log) == []


# Purge ------------------------------------------------------------------------------------------------
@pytest.fixture
def purging(app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_MODE", "purge")


def test_purge_leaves_nothing_of_the_map(app, runner, purging):
    original = family_map()
    closed_days_ago(original, 366)
    output = run(runner)
    assert f"Map {original} (closed" in output and "purged" in output
    assert db.session.scalar(select(func.count()).select_from(JourneyMap)) == 0
    for table in db.metadata.sorted_tables:
        if "map_id" in table.c and table.name != "retention_record":
            assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name
    assert family_words_in(every_text()) == []
    record = db.session.scalars(select(RetentionRecord)).one()
    assert (record.action, record.map_id, record.copy_id) == ("purged", original, None)
    assert record.counts["history_entry"] > 10


# What is not due, idempotence, the dry run ---------------------------------------------------------------
def test_only_maps_closed_longer_than_the_period_are_touched(app, runner):
    due = family_map()
    closed_days_ago(due, 365)
    actor = Actor.command("test")
    recent = members.start_map("Recent", actor=Actor.person(make_user("r@example.org"))).map_id
    db.session.commit()
    closing.close_map(db.session.get(JourneyMap, recent), actor=actor)
    db.session.commit()
    closed_days_ago(recent, 364)
    still_open = members.start_map("Open", actor=Actor.person(make_user("o@example.org"))).map_id
    reopened = members.start_map("Reopened", actor=Actor.person(make_user("x@example.org"))).map_id
    db.session.commit()
    closing.close_map(db.session.get(JourneyMap, reopened), actor=actor)
    closed_days_ago(reopened, 500)
    closing.reopen_map(db.session.get(JourneyMap, reopened), actor=actor)
    db.session.commit()
    run(runner)
    assert db.session.get(JourneyMap, due) is None
    for kept in (recent, still_open, reopened):
        assert db.session.get(JourneyMap, kept).reduced_at is None


def test_a_second_run_finds_nothing_to_do(app, runner):
    closed_days_ago(family_map(), 400)
    run(runner)
    after_first = everything()
    output = run(runner)
    assert "Nothing is due." in output
    assert everything() == after_first


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(app, runner):
    original = family_map()
    closed_days_ago(original, 400)
    db.session.execute(update(User).values(created_at=utcnow() - timedelta(days=400), last_seen_at=None))
    db.session.commit()
    before = everything()
    output = run(runner, "--dry-run")
    assert f"Would reduce it to a de-identified copy: map {original}" in output
    assert "Would disable account" in output
    assert everything() == before


# PostgreSQL: the history's trigger and the cascades there -------------------------------------------------
@pytest.mark.parametrize("mode", ["deidentify", "purge"])
def test_retention_on_postgresql(postgres_app, monkeypatch, mode):
    monkeypatch.setitem(postgres_app.config, "RETENTION_MODE", mode)
    original = family_map()
    closed_days_ago(original, 400)
    run(postgres_app.test_cli_runner())
    assert db.session.get(JourneyMap, original) is None
    assert family_words_in(every_text()) == []
    maps_left = db.session.scalar(select(func.count()).select_from(JourneyMap))
    assert maps_left == (1 if mode == "deidentify" else 0)
    done = {"deidentify": "deidentified", "purge": "purged"}[mode]
    assert db.session.scalars(select(RetentionRecord.action)).all() == [done]


def test_a_map_whose_copy_cannot_be_made_is_kept_and_the_run_goes_on(app, runner, monkeypatch):
    first = family_map()
    second = members.start_map("S.", actor=Actor.person(make_user("s@example.org"))).map_id
    db.session.commit()
    closing.close_map(db.session.get(JourneyMap, second), actor=Actor.command("test"))
    db.session.commit()
    closed_days_ago(first, 401)
    closed_days_ago(second, 400)
    real = retention.import_map
    calls = []

    def fails_once(session, document):
        calls.append(1)
        if len(calls) == 1:
            raise ImportProblem("touchpoints[0].action: too long")
        return real(session, document)

    monkeypatch.setattr(retention, "import_map", fails_once)
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 1 and "1 closed map(s) could not be reduced" in result.output
    assert f"Map {first} was left as it is" in result.output
    db.session.expire_all()
    assert db.session.get(JourneyMap, first).reduced_at is None  # kept whole, to be tried again
    assert db.session.get(JourneyMap, second) is None


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("JOURNEYMAP_RETENTION_DAYS", "a year", "JOURNEYMAP_RETENTION_DAYS must be a whole number of days"),
    ("JOURNEYMAP_RETENTION_DAYS", "0", "JOURNEYMAP_RETENTION_DAYS must be a whole number of days"),
    ("JOURNEYMAP_INACTIVE_ACCOUNT_DAYS", "-5", "JOURNEYMAP_INACTIVE_ACCOUNT_DAYS must be a whole number"),
    ("JOURNEYMAP_RETENTION_MODE", "shred", "JOURNEYMAP_RETENTION_MODE must be one of deidentify, purge"),
])
def test_a_wrong_retention_setting_is_named_at_start(tmp_path, monkeypatch, name, value, problem):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=problem):
        load_config(tmp_path, {"SECRET_KEY": "x"})


def test_the_settings_and_their_defaults(tmp_path, monkeypatch):
    for name in ("RETENTION_DAYS", "RETENTION_MODE", "INACTIVE_ACCOUNT_DAYS"):
        monkeypatch.delenv(f"JOURNEYMAP_{name}", raising=False)
    defaults = load_config(tmp_path, {"SECRET_KEY": "x"})
    assert (defaults["RETENTION_DAYS"], defaults["RETENTION_MODE"], defaults["INACTIVE_ACCOUNT_DAYS"]) == (
        365, "deidentify", 180)
    monkeypatch.setenv("JOURNEYMAP_RETENTION_MODE", "Purge")
    monkeypatch.setenv("JOURNEYMAP_RETENTION_DAYS", "30")
    chosen = load_config(tmp_path, {"SECRET_KEY": "x"})
    assert (chosen["RETENTION_DAYS"], chosen["RETENTION_MODE"]) == (30, "purge")
