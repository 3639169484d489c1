"""The data commands: synth makes a map of a given size, import reads a JSON export as a new map;
--owner makes an existing account the new map's facilitator."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from journeymap.auth.passwords import hash_password
from journeymap.exports.json_out import map_to_json_dict
from journeymap.extensions import db
from journeymap.models import HistoryEntry, Membership, User
from journeymap.samples import demo
from tests.conftest import count_maps, count_rows
from tests.unit.test_interchange import as_version_2, before_turnover
from tests.version1 import map_to_dict

NO_MEMBERS = "has no members, so no one can open it in the browser"


def history_of(map_id: int) -> list[HistoryEntry]:
    return db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.map_id == map_id).order_by(HistoryEntry.id)
    ).all()


@pytest.fixture
def owner(app) -> User:
    user = User(email="owner@example.org", display_name="Olu", password_hash="not used here")
    db.session.add(user)
    db.session.commit()
    return user


def test_synth_makes_a_map_and_says_its_id(runner, view_of):
    result = runner.invoke(
        args=["synth", "--agencies", "4", "--caseworkers-per-agency", "2", "--touchpoints", "12",
              "--barriers", "5", "--seed", "9"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Created synthetic map 1.\n")
    view = view_of(1)
    assert (len(view.agencies), len(view.caseworkers), len(view.touchpoints), len(view.barriers)) == (
        4, 8, 12, 5
    )
    assert len(view.named_stages) == 6
    assert view.pseudonym == "Synthetic family 9"


REST = ["--caseworkers-per-agency", "1", "--touchpoints", "1", "--barriers", "1"]


@pytest.mark.parametrize(
    "args",
    [
        ["synth", "--agencies", "-1", *REST],
        ["synth", "--agencies", "x", *REST],
        ["synth", *REST],
    ],
    ids=["negative", "not a number", "missing option"],
)
def test_synth_usage_errors(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    assert "Error" in result.output
    assert count_maps() == 0


@pytest.fixture
def demo_view(app, view_of):
    journey_map = demo.load_demo()
    db.session.commit()
    return view_of(journey_map.id)


@pytest.mark.parametrize("export", [map_to_json_dict, map_to_dict], ids=["version 3", "version 1"])
def test_import_makes_a_new_map(runner, demo_view, view_of, tmp_path, export):
    path = tmp_path / "map.json"
    path.write_text(json.dumps(export(demo_view), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Imported {path} as map 2.\n")
    if export is map_to_json_dict:
        assert map_to_json_dict(view_of(2)) == map_to_json_dict(demo_view)
    else:  # version 1 has no next steps, answers, meetings or turnover
        imported = as_version_2(map_to_json_dict(view_of(2)))
        assert imported == before_turnover(as_version_2(map_to_json_dict(demo_view)))


def test_import_reads_stdin_and_a_byte_order_mark(runner, demo_view):
    data = "\ufeff" + json.dumps(map_to_json_dict(demo_view))
    result = runner.invoke(args=["import", "-"], input=data.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "as map 2." in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "journeymap",', "is not valid JSON: Expecting property name enclosed in double quotes"),
        (b"", "is not valid JSON: Expecting value at line 1, column 1."),
        (b'{"format": "journeymap", "x": "caf\xe9"}', "is not UTF-8 text"),
        (b"[" * 100_000, "nested too deeply"),
        (b"[1, 2]", "cannot be imported: This is not a journeymap file"),
        (b'{"format": "journeymap", "format_version": 9}', "cannot be imported: format_version: version 9"),
        (
            json.dumps({
                "format": "journeymap", "format_version": 2, "family": {"pseudonym": "F."},
                "household": [], "agencies": [], "caseworkers": [], "stages": [],
                "touchpoints": [{"key": "t1", "action": "Call", "agency": "a9"}], "barriers": [],
            }).encode(),
            "cannot be imported: touchpoints[0].agency: no agency 'a9' in this file",
        ),
        (b'{"format": "journeymap", "format_version": 2' + b"0" * 5000 + b"}", "a number far too long"),
    ],
    ids=["truncated", "empty", "not text", "deep", "a list", "future version", "bad reference",
         "a 5,000-digit number"],
)
def test_import_of_a_bad_file_fails_cleanly(runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {path} ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert count_maps() == 0


def test_import_of_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["import", str(tmp_path / "nowhere.json")])
    assert result.exit_code == 2
    assert "No such file" in result.output


SYNTH = ["synth", "--agencies", "2", "--caseworkers-per-agency", "1", "--touchpoints", "3", "--barriers", "1"]


@pytest.fixture
def json_file(tmp_path, demo_view):
    path = tmp_path / "family-name.json"
    path.write_text(json.dumps(map_to_json_dict(demo_view)), encoding="utf-8")
    return path


def test_synth_without_owner_says_the_map_has_no_members_and_how_to_add_one(runner):
    result = runner.invoke(args=SYNTH)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Created synthetic map 1."
    assert NO_MEMBERS in lines[1] and "--owner EMAIL" in lines[1]
    assert count_rows(Membership) == 0
    [entry] = history_of(1)
    assert (entry.action, entry.kind, entry.item_id) == ("added", "map", 1)
    assert entry.actor_name == "flask synth (command line)"
    assert entry.user_id is None
    assert entry.changes["via"] == "synth" and entry.changes["size"].startswith("2 agencies")


@pytest.mark.parametrize(
    "typed", ["owner@example.org", "  Owner@Example.ORG "], ids=["as stored", "any case"]
)
def test_synth_with_owner_makes_them_facilitator(runner, owner, typed):
    result = runner.invoke(args=[*SYNTH, "--owner", typed])
    assert result.exit_code == 0, result.output
    assert result.output == "Created synthetic map 1.\nowner@example.org is its facilitator.\n"
    [membership] = db.session.scalars(select(Membership)).all()
    assert (membership.map_id, membership.user_id, membership.role) == (1, owner.id, "facilitator")
    added_map, added_member = history_of(1)
    assert (added_map.kind, added_member.kind) == ("map", "membership")
    assert added_member.item_id == membership.id
    assert added_member.summary == "Olu"
    assert added_member.changes["role"] == "facilitator"
    assert {added_map.actor_name, added_member.actor_name} == {"flask synth (command line)"}


def test_synth_with_an_unknown_owner_creates_nothing(runner, owner):
    result = runner.invoke(args=[*SYNTH, "--owner", "nobody@example.org"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: There is no account with the email 'nobody@example.org'")
    assert "nothing was created" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert (count_maps(), count_rows(Membership), count_rows(HistoryEntry)) == (0, 0, 0)


def test_import_without_owner_says_the_map_has_no_members(runner, json_file):
    result = runner.invoke(args=["import", str(json_file)])
    assert result.exit_code == 0, result.output
    assert NO_MEMBERS in result.output and "--owner EMAIL" in result.output
    [entry] = history_of(2)
    assert (entry.action, entry.kind, entry.item_id) == ("added", "map", 2)
    assert entry.actor_name == "flask import (command line)"
    assert entry.changes == {"via": "import"}
    # The file's name is often the family's: it stays out of the history.
    assert "family-name" not in json.dumps(entry.changes) + entry.summary


def test_import_with_owner_makes_them_facilitator(runner, owner, json_file):
    result = runner.invoke(args=["import", str(json_file), "--owner", "owner@example.org"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "owner@example.org is its facilitator."
    [membership] = db.session.scalars(select(Membership).where(Membership.map_id == 2)).all()
    assert (membership.user_id, membership.role) == (owner.id, "facilitator")
    assert [(e.action, e.kind, e.actor_name) for e in history_of(2)] == [
        ("added", "map", "flask import (command line)"),
        ("added", "membership", "flask import (command line)"),
    ]


def test_import_with_an_unknown_owner_creates_nothing(runner, owner, json_file):
    demo_history = count_rows(HistoryEntry)  # the demo map the file was made from, as it was loaded
    result = runner.invoke(args=["import", str(json_file), "--owner", "nobody@example.org"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: There is no account with the email 'nobody@example.org'")
    assert count_maps() == 1  # the demo map the file was made from
    assert (count_rows(Membership), count_rows(HistoryEntry)) == (0, demo_history)


def test_a_bad_file_with_an_owner_creates_nothing(runner, owner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"[1, 2]")
    result = runner.invoke(args=["import", str(path), "--owner", "owner@example.org"])
    assert result.exit_code == 1, result.output
    assert (count_maps(), count_rows(Membership), count_rows(HistoryEntry)) == (0, 0, 0)


def test_a_map_made_with_owner_opens_for_them(app, runner, owner):
    """The point of --owner: the facilitator can open the map in the browser."""
    password = "a long enough password"
    owner.password_hash = hash_password(password)
    db.session.commit()
    assert runner.invoke(args=[*SYNTH, "--owner", "owner@example.org"]).exit_code == 0
    client = app.test_client()
    signed_in = client.post("/sign-in", data={"email": "owner@example.org", "password": password})
    assert signed_in.status_code == 303
    assert client.get("/maps/1").status_code == 200
