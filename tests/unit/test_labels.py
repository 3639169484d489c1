"""labels.label: user text becomes a DOT label that can only ever be plain text."""

from __future__ import annotations

import html
import re
import warnings

import graphviz
import pytest
from graphviz.quoting import NoHtml, quote

from journeymap.render import runner
from journeymap.render.labels import label


def lines_of(dot_label: str) -> list[str]:
    """Split a DOT escString at its line breaks and undo its escapes (what dot will show)."""
    lines, current, chars = [], [], iter(dot_label)
    for ch in chars:
        if ch != "\\":
            current.append(ch)
            continue
        nxt = next(chars, "")
        if nxt in "nlr":
            lines.append("".join(current))
            current = []
        else:
            current.append(nxt if nxt in '\\"' else ch + nxt)
    lines.append("".join(current))
    return lines


def test_short_text_is_unchanged():
    assert label("Dana") == "Dana"
    assert lines_of(label("Dana, school social worker", width=40)) == ["Dana, school social worker"]


def test_wraps_at_the_width_keeping_every_word():
    text = "Went to the community action office with documents to apply"
    lines = lines_of(label(text, width=16, max_lines=10))
    assert len(lines) > 1
    assert all(len(line) <= 16 for line in lines)
    assert " ".join(lines) == text


def test_each_piece_starts_its_own_line_and_empty_pieces_are_skipped():
    assert lines_of(label("Housing Office", "", "   ", "(the agency)")) == [
        "Housing Office", "(the agency)"
    ]
    assert label("", "  ") == ""


@pytest.mark.parametrize("text", ["word " * 2000, "x" * 10_000])
def test_long_text_is_cut_with_an_ellipsis(text):
    lines = lines_of(label(text, width=24, max_lines=4))
    assert len(lines) == 4
    assert all(len(line) <= 24 for line in lines)
    assert lines[-1].endswith("…")
    assert "…" not in "".join(lines[:-1])


def test_text_that_fits_gets_no_ellipsis():
    assert "…" not in label("one two three", width=5, max_lines=3)


def test_control_characters_and_newlines_become_spaces():
    text = "a\nb\r\nc\td\x00e\x1bf\u202eg\u2028h\x85i   j"
    assert label(text, width=80) == "a b c d e f g h i j"
    # A newline in user text never becomes a DOT line break.
    assert "\\n" not in label("first\nsecond", width=80)


def test_backslashes_are_doubled_so_dot_escapes_stay_literal():
    text = r"C:\files \N \G \l \L \E \T \H end\\"
    result = label(text, width=80)
    assert result == text.replace("\\", "\\\\")
    assert lines_of(result) == [text]
    assert re.search(r"(?<!\\)\\[NGlLETHn]", result.replace("\\\\", "")) is None


def test_returns_nohtml_so_angle_brackets_are_never_an_html_label():
    result = label("<b>x</b>")
    assert isinstance(result, NoHtml)
    assert quote(result) == '"<b>x</b>"'
    graph = graphviz.Digraph()
    graph.node("n", label=label("<b>bold</b>"))
    graph.node("m", label=label("<table>", "</table>"))
    assert 'label="<b>bold</b>"' in graph.source
    assert 'label="<table>\\n</table>"' in graph.source
    assert "label=<" not in graph.source


def test_quotes_are_escaped_by_the_graphviz_package_without_syntax_warnings():
    graph = graphviz.Digraph()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph.node("a", label=label('say "hi"'))
        graph.node("b", label=label("ends with a backslash\\"))
        graph.node("c", label=label('back\\"slash quote'))
    assert 'label="say \\"hi\\""' in graph.source


ROUND_TRIP = [
    r"\N and \G",
    r"left \l right \r",
    'a "quoted" word',
    'back\\"slash',
    "trailing\\",
    "<b>not bold</b>",
    '"]; x [label=y',
    "Café — naïve",
]


def test_dot_shows_exactly_the_text():
    graph = graphviz.Digraph()
    for i, text in enumerate(ROUND_TRIP):
        graph.node(f"n{i}", label=label(text, width=80))
    svg = runner.render(graph.source, "svg", timeout=20).decode("utf-8")
    shown = [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    assert shown == ROUND_TRIP
    assert "<b>" not in svg


def test_dot_shows_entity_like_text_literally():
    # dot decodes HTML entities even in plain (non-HTML) labels, in every output format: typed
    # "&amp;" would be drawn as "&", "&copy;" as the copyright sign. The text must stay as typed.
    texts = ["Smith &amp; Sons", "&lt;b&gt;", "&copy; &#65;"]
    graph = graphviz.Digraph()
    for i, text in enumerate(texts):
        graph.node(f"n{i}", label=label(text, width=80))
    svg = runner.render(graph.source, "svg", timeout=20).decode("utf-8")
    shown = [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    assert shown == texts


def test_zero_width_joiners_are_kept_in_labels():
    """Persian needs the non-joiner inside a word, and a family emoji is one picture joined by
    ZWJ: neither may become a space (the journey view keeps them too; one plain() for both)."""
    persian, family = "می\u200cخواهم", "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert str(label(persian)) == "\u2068" + persian + "\u2069"  # kept, and isolated: see test_bidi
    assert str(label(family)) == family
    assert str(label("a\u202eb\nc")) == "a b c"  # a bidi override and a line break still go
