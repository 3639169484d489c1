"""A kind of item is declared once (journeymap.kinds.items); these tests fail when anything made
from a declaration, or kept beside it, disagrees with it: the model's columns, the forms, the map
view, JSON, CSV, de-identification and the history's wording."""

from __future__ import annotations

import dataclasses
import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import Boolean, Integer, String, Text, text

import journeymap
from journeymap.exports.csv_out import barriers_csv, touchpoints_csv
from journeymap.exports.deidentify import REPLACEMENTS
from journeymap.exports.json_out import carried, json_key, map_to_json_dict
from journeymap.extensions import db
from journeymap.forms import handoffs as handoff_forms
from journeymap.forms import items as item_forms
from journeymap.forms.fields import Within
from journeymap.forms.introductions import IntroductionForm
from journeymap.kinds import wording
from journeymap.kinds.fields import MARKS, Privacy, Type
from journeymap.kinds.items import BARRIER, COMMITMENT, KINDS, MEETING, PROGRESS, TOUCHPOINT
from journeymap.readmodel.snapshot import ITEM_VIEW_OF, MapView
from journeymap.samples import demo
from tests.apps import make_app

kinds = pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
FORMS = {
    "family": item_forms.FamilyForm, "member": item_forms.MemberForm, "agency": item_forms.AgencyForm,
    "caseworker": item_forms.CaseworkerForm, "stage": item_forms.StageForm,
    "touchpoint": item_forms.TouchpointForm, "barrier": item_forms.BarrierForm,
    "introduction": IntroductionForm,
    "handoff": handoff_forms.HandoffForm,
}
COLUMN_TYPES = {Type.TEXT: String, Type.LONG_TEXT: Text, Type.FLAG: Boolean, Type.NUMBER: Integer,
                Type.REF: Integer, Type.ID: Integer, Type.COUNTER: Integer}


@kinds
def test_every_column_is_declared_and_every_declared_field_has_its_column(kind):
    columns = kind.model.__table__.columns
    declared = {f.name for f in kind.fields}
    assert set(columns.keys()) - {"map_id"} <= declared, "a column with no declaration"
    for field in kind.fields:
        if field.type in (Type.LINKS, Type.CHILDREN):
            assert field.name not in columns  # kept in a table of its own
            continue
        column = columns[field.name]
        if field.type in COLUMN_TYPES:
            assert isinstance(column.type, COLUMN_TYPES[field.type]), field.name
        if field.type is Type.TEXT:
            assert column.type.length == field.maximum, f"{kind.name}.{field.name}: the form's limit"
        if field.type is Type.CHOICE and isinstance(column.type, String):
            assert max(len(str(v)) for v, _ in field.vocabulary) <= column.type.length


@kinds
def test_the_form_has_every_field_a_person_types_with_its_label_and_limit(kind):
    form_class = FORMS[kind.name]
    unbound = {name: getattr(form_class, name) for name in dir(form_class)
               if hasattr(getattr(form_class, name), "field_class")}
    typed = [f for f in kind.content if f.name not in MARKS]
    assert {f.name for f in typed} <= set(unbound)
    for field in typed:
        made = unbound[field.name]
        assert made.args[0] == field.label
        limits = [v.maximum for v in made.kwargs.get("validators", []) if isinstance(v, Within)]
        if field.maximum is not None:
            assert limits == [field.maximum], field.name


@kinds
def test_the_map_view_has_every_declared_field(kind):
    view_class = MapView if kind.name == "family" else ITEM_VIEW_OF[kind.name]
    fields = {f.name: f for f in dataclasses.fields(view_class)}
    for field in kind.fields:
        assert field.name in fields, field.name
        assert fields[field.name].kw_only  # built by keyword: a new field cannot land in the wrong slot


@kinds
def test_every_field_has_a_privacy_class_and_every_replaced_one_its_generated_text(kind):
    for field in kind.fields:
        assert isinstance(field.privacy, Privacy)
        if field.privacy is Privacy.REPLACED:
            assert (kind.name, field.name) in REPLACEMENTS, f"{kind.name}.{field.name}"


@kinds
def test_every_field_a_person_types_has_words_in_the_history(kind):
    for field in kind.content:
        assert wording.label(kind.name, field.name) == field.label != field.name


def test_json_carries_exactly_the_declared_fields(app, view_of):
    document = map_to_json_dict(view_of(demo.load_demo().id))
    for kind in KINDS.values():
        keys = [json_key(f) for f in carried(kind)]  # since version 3, with the follow-up's dates
        nested = ["commitments"] if kind.name == "barrier" else []
        items = [document["family"]] if kind.name == "family" else document[kind.json_list]
        assert items
        for item in items:
            assert [k for k in item if k != "key"] == keys + nested, kind.name
    steps = [c for b in document["barriers"] for c in b["commitments"]]
    for kind, items, nested in ((COMMITMENT, steps, ["progress"]),
                                (PROGRESS, [p for c in steps for p in c["progress"]], []),
                                (MEETING, document["meetings"], [])):
        assert items, kind.name
        for item in items:
            assert list(item) == [json_key(f) for f in carried(kind)] + nested, kind.name


def test_csv_has_a_column_for_every_declared_field(app, view_of):
    view = view_of(demo.load_demo().id)
    for kind, made in ((TOUCHPOINT, touchpoints_csv(view)), (BARRIER, barriers_csv(view))):
        header = made.splitlines()[0].lstrip("\ufeff").split(",")
        for field in kind.content:
            assert all(h in header for h in field.csv_headers), f"{kind.name}.{field.name}"


def test_history_names_are_shown_in_words_and_old_labels_as_they_were():
    lines = wording.lines("barrier", "changed", {"severity": ["medium", "high"],
                                                 "owner_agency_id": [None, "Housing Office"]})
    assert [(line.label, line.before, line.value) for line in lines] == [
        ("Severity", "Medium", "High"), ("Owning agency", "No one", "Housing Office")]
    # Written before names were stored: the label was the key, and is shown as it was.
    (old,) = wording.lines("barrier", "changed", {"Owning agency": ["—", "Housing Office"]})
    assert (old.label, old.before, old.value) == ("Owning agency", "—", "Housing Office")
    assert wording.lines("map", "exported", {"detail": "deidentified"})[0].value == "De-identified"


# The migration that fills Barrier.owner_recorded_at from the history as it was written ----------

PREVIOUS = "263c8377661d"


def test_the_migration_fills_owner_recorded_at_from_the_old_history(tmp_path, logging_kept):
    database = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = make_app(tmp_path / "instance", {"TESTING": True, "SECRET_KEY": "test-secret",
                                           "SQLALCHEMY_DATABASE_URI": database})
    at = datetime(2025, 2, 11, 10, 0)
    with app.app_context():
        upgrade(revision=PREVIOUS)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO journey_map (id, pseudonym, situation, hopes, created_at, "
                              "updated_at, revision, version, from_family) "
                              "VALUES (1, 'F', '', '', :at, :at, 1, 1, 0)"), {"at": at})
            conn.execute(text("INSERT INTO agency (id, map_id, name, sector, version) "
                              "VALUES (1, 1, 'Housing Office', 'housing', 1)"))
            for barrier_id, owner in ((1, 1), (2, 1), (3, None)):
                conn.execute(text("INSERT INTO barrier (id, map_id, title, description, category, severity, "
                                  "owner_agency_id, version, from_family) "
                                  "VALUES (:id, 1, 'B', '', 'other', 'high', :owner, 1, 0)"),
                             {"id": barrier_id, "owner": owner})
            entries = [  # 1: given an owner by the one-step form; 2: owned from the start
                (1, "added", '{"Barrier": "B"}'), (1, "changed", '{"Owner": ["No one", "Housing Office"]}'),
                (2, "added", '{"Owning agency": "Housing Office"}'),
            ]
            for item_id, action, changes in entries:
                conn.execute(text("INSERT INTO history_entry (map_id, at, actor_name, actor_role, action, "
                                  "kind, item_id, summary, changes) "
                                  "VALUES (1, :at, 'Fran', 'facilitator', :action, 'barrier', :id, 'B', :c)"),
                             {"at": at, "action": action, "id": item_id, "c": changes})
        upgrade()
        recorded = dict(db.session.execute(text("SELECT id, owner_recorded_at FROM barrier")).all())
        db.session.remove()
        db.engine.dispose()
    assert recorded[2] is None and recorded[3] is None
    assert str(recorded[1]).startswith("2025-02-11 10:00")


def test_the_migration_reads_the_old_history_as_the_brief_did():
    path = Path(journeymap.__file__).parent / "migrations/versions/5b1e0c7d2a91_barrier_owner_recorded_at.py"
    spec = importlib.util.spec_from_file_location("m", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    t1, t2 = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC)
    facts = [(1, "added", t1, {}), (1, "changed", t2, {"Owning agency": ["—", "A"]}),
             (2, "added", t1, {"Owning agency": "A"})]
    assert module.owners_recorded(facts) == {1: t2}
