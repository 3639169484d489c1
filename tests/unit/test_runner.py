"""runner.render: DOT in, bytes out, always bounded by a timeout; every failure is a RenderError."""

from __future__ import annotations

import time

import pytest

from journeymap.render import runner
from journeymap.render.runner import RenderError, render

TINY = 'digraph g { a [label="Family"]; b [label="Clinic"]; a -> b }'


def fake_dot(tmp_path, body: str):
    script = tmp_path / "fake-dot"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_svg_is_rendered():
    out = render(TINY, "svg", timeout=20)
    assert isinstance(out, bytes)
    text = out.decode("utf-8")
    assert "<svg" in text and "</svg>" in text
    assert ">Family</text>" in text and ">Clinic</text>" in text


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_raster_and_pdf_are_rendered(fmt, magic):
    assert render(TINY, fmt, timeout=20).startswith(magic)
    assert fmt in runner.FORMATS


def test_utf8_text_survives():
    out = render('digraph { a [label="Café — naïve ×3"] }', "svg", timeout=20).decode("utf-8")
    assert "Café — naïve ×3" in out


@pytest.mark.parametrize("fmt", ["gif", "dot", "json", "svg -o /tmp/x", "", "SVG"])
def test_unknown_format_is_refused_before_running_anything(fmt, tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(ValueError):
        render(TINY, fmt, dot=fake_dot(tmp_path, f"touch {marker}"))
    assert not marker.exists()


def test_a_stuck_dot_is_stopped_at_the_timeout(tmp_path):
    slow = fake_dot(tmp_path, "exec sleep 5")
    started = time.monotonic()
    with pytest.raises(RenderError) as caught:
        render(TINY, "svg", timeout=0.3, dot=slow)
    assert time.monotonic() - started < 2.5
    assert "0.3 seconds" in str(caught.value)


def test_a_heavy_graph_with_a_tiny_timeout_is_stopped():
    edges = "\n".join(f"n{i} -> n{(i * 7 + 3) % 1500}; n{i} -> n{(i * 13 + 5) % 1500};"
                      for i in range(1500))
    heavy = f"digraph g {{ {edges} }}"
    started = time.monotonic()
    with pytest.raises(RenderError, match="longer than"):
        render(heavy, "svg", timeout=0.05)
    assert time.monotonic() - started < 2.5


def test_a_missing_dot_binary_is_a_clear_render_error(tmp_path):
    with pytest.raises(RenderError) as caught:
        render(TINY, "svg", dot=str(tmp_path / "no-such-dot"))
    message = str(caught.value)
    assert "Graphviz" in message and "not installed" in message


def test_a_dot_that_cannot_be_run_is_a_render_error(tmp_path):
    # JOURNEYMAP_DOT pointing at a file without the execute bit (or at a directory) must be
    # reported like a missing dot, not escape as a PermissionError (a 500 page).
    not_executable = tmp_path / "dot"
    not_executable.write_text("#!/bin/sh\n")
    not_executable.chmod(0o644)
    for path in (not_executable, tmp_path):
        with pytest.raises(RenderError):
            render(TINY, "svg", dot=str(path))


def test_invalid_dot_is_a_render_error_with_detail():
    with pytest.raises(RenderError) as caught:
        render("digraph { a -> }}} [[", "svg", timeout=20)
    message = str(caught.value)
    assert message.startswith("Graphviz could not draw")
    assert "syntax error" in message


def test_a_failing_dot_without_stderr_is_still_a_render_error(tmp_path):
    with pytest.raises(RenderError, match="no detail"):
        render(TINY, "svg", dot=fake_dot(tmp_path, "exit 3"))


def test_png_is_drawn_at_projector_resolution(tmp_path):
    args_file = tmp_path / "args"
    spy = fake_dot(tmp_path, f'echo "$@" > {args_file}; cat > /dev/null; printf PNG')
    assert render(TINY, "png", dot=spy) == b"PNG"
    assert args_file.read_text().split() == ["-Tpng", "-Gdpi=144", "-Gsize=60,60"]
