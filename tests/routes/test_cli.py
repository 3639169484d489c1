"""The command line: load the demo, and export a map to a file in every format."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from journeymap.extensions import db
from tests.conftest import count_maps


def test_demo_loads_a_map(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo map as map 1." in result.output
    assert count_maps() == 1


def test_demo_twice_loads_two_maps(runner):
    runner.invoke(args=["demo"])
    runner.invoke(args=["demo"])
    assert count_maps() == 2


def test_demo_if_empty_loads_only_once(runner):
    first = runner.invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo map" in first.output
    second = runner.invoke(args=["demo", "--if-empty"])
    assert second.exit_code == 0, second.output
    assert "Maps already exist; demo not loaded." in second.output
    assert count_maps() == 1


def test_demo_if_empty_does_nothing_when_any_map_exists(runner, small):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "demo not loaded" in result.output
    assert count_maps() == 1


MAGIC = {
    "svg": lambda data: b"<svg" in data,
    "png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    "pdf": lambda data: data.startswith(b"%PDF"),
    "dot": lambda data: data.startswith(b"digraph silo_map {"),
    "json": lambda data: json.loads(data)["format_version"] == 4,
    "touchpoints-csv": lambda data: data.startswith("\ufeffStep,Stage,".encode()),
    "barriers-csv": lambda data: data.startswith("\ufeffBarrier,Title,".encode()),
    "handoffs-csv": lambda data: data.startswith("\ufeffHandoff,From agency,".encode()),
}


@pytest.mark.parametrize("fmt", list(MAGIC))
def test_export_writes_the_file(runner, small, tmp_path, fmt):
    out = tmp_path / f"map.{fmt}"
    result = runner.invoke(args=["export", str(small.id), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    assert MAGIC[fmt](out.read_bytes())
    assert "de-identified" in result.output


def test_export_is_de_identified_unless_full_detail_is_asked_for(runner, small, tmp_path):
    from journeymap.models import HistoryEntry

    plain, full = tmp_path / "plain.json", tmp_path / "full.json"
    runner.invoke(args=["export", str(small.id), "--format", "json", "-o", str(plain)])
    result = runner.invoke(
        args=["export", str(small.id), "--format", "json", "--full-detail", "-o", str(full)]
    )
    assert result.exit_code == 0, result.output
    assert "full detail" in result.output
    caseworker_names = lambda path: [c["name"] for c in json.loads(path.read_bytes())["caseworkers"]]  # noqa: E731
    assert caseworker_names(plain) == [""]
    assert caseworker_names(full) != [""]
    entries = db.session.scalars(select(HistoryEntry).where(HistoryEntry.action == "exported")
                                 .order_by(HistoryEntry.id)).all()
    assert [(e.actor_name, e.changes["detail"]) for e in entries] == [
        ("flask export (command line)", "deidentified"), ("flask export (command line)", "full"),
    ]


def test_export_of_an_unknown_map_fails_clearly(runner, tmp_path):
    out = tmp_path / "map.svg"
    result = runner.invoke(args=["export", "999999", "--format", "svg", "-o", str(out)])
    assert result.exit_code != 0
    assert "There is no map 999999." in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["export", "1", "--format", "gif", "-o", "x.gif"],
        ["export", "abc", "--format", "svg", "-o", "x.svg"],
        ["export", "1", "--format", "svg"],
        ["export", "1", "-o", "x.svg"],
    ],
    ids=["bad format", "bad id", "no output", "no format"],
)
def test_export_usage_errors(runner, small, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    assert "Error" in result.output
    assert list(tmp_path.iterdir()) == []


def test_export_when_dot_fails(runner, small, tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOT_BINARY", "/nonexistent/dot")
    out = tmp_path / "map.svg"
    result = runner.invoke(args=["export", str(small.id), "--format", "svg", "-o", str(out)])
    assert result.exit_code == 1
    assert "not installed" in result.output
    assert not out.exists()
