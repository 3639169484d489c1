"""The data commands: synth makes a map of a given size, import reads a JSON export as a new map."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from journeymap import demo
from journeymap.cli_data import commands
from journeymap.extensions import db
from journeymap.interchange import map_to_json_dict
from journeymap.models import JourneyMap
from journeymap.render.exports import map_to_dict


@pytest.fixture
def runner(app):
    # The app registers these itself once they are wired in; until then, here.
    for command in commands:
        if command.name not in app.cli.commands:
            app.cli.add_command(command)
    return app.test_cli_runner()


def count_maps() -> int:
    return db.session.scalar(select(func.count()).select_from(JourneyMap))


def test_synth_makes_a_map_and_says_its_id(runner, view_of):
    result = runner.invoke(
        args=["synth", "--agencies", "4", "--caseworkers-per-agency", "2", "--touchpoints", "12",
              "--barriers", "5", "--seed", "9"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created synthetic map 1.\n"
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


@pytest.mark.parametrize("export", [map_to_json_dict, map_to_dict], ids=["version 2", "version 1"])
def test_import_makes_a_new_map(runner, demo_view, view_of, tmp_path, export):
    path = tmp_path / "map.json"
    path.write_text(json.dumps(export(demo_view), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Imported {path} as map 2.\n"
    assert map_to_json_dict(view_of(2)) == map_to_json_dict(demo_view)


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
    ],
    ids=["truncated", "empty", "not text", "deep", "a list", "future version", "bad reference"],
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
