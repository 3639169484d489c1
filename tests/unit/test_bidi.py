"""journeymap.bidi: typed text isolated so it cannot reorder what is around it, and given back
exactly as typed."""

from __future__ import annotations

import pytest
from jinja2 import Environment
from markupsafe import Markup

from journeymap.bidi import FSI, PDI, balanced, finalize, isolate, isolated_markup, unwrap
from journeymap.render.labels import label, plain, typed
from journeymap.render.text import fit, wrap
from tests.isolation import isolated

RLO = "\u202e"


@pytest.mark.parametrize("text", ["", "Housing Office", "Dana, 3 visits (2024)", "Zoë — café", "😀 emoji"])
def test_left_to_right_text_is_left_alone(text):
    assert isolate(text) is text
    assert finalize(text) is text


@pytest.mark.parametrize("text", [
    f"{RLO}evil", "משפחה כהן", "مكتب", "ܐܒܓ", "ދިވެހި", "ߒߞߏ", "\u0800", "\u0840", "\ufb1d", "\ufe70",
    "\U00010900", "\U0001e900", "a\u061cb", "a\u200eb", "a\u200fb", "a\u202ab", "a\u202bb", "a\u202cb",
    "a\u202db", "a\u2066b\u2069", "a\u2067b\u2069",
])
def test_right_to_left_text_and_bidi_controls_are_isolated(text):
    assert isolate(text) == FSI + text + PDI
    assert isolated(isolate(text))
    assert unwrap(isolate(text)) == text


@pytest.mark.parametrize("text", [
    f"a{PDI}{RLO}b",  # a PDI typed to close our isolate early and let the override out
    f"{PDI}{PDI}{RLO}x",
    f"x{FSI}",  # an isolate typed to take our closing PDI for itself
    f"\u2067\u2067{RLO}",
    f"{PDI}a{FSI}",
])
def test_isolates_typed_into_the_text_cannot_break_out(text):
    shown = isolate(text)
    assert isolated(shown)
    assert isolated(f"before {shown} after")
    # Saved again, the text is balanced once and then stays as it is.
    once = unwrap(shown)
    assert unwrap(isolate(once)) == once


def test_each_line_is_isolated_on_its_own():
    """A line break ends every isolate: each line that needs one gets its own."""
    text = f"first line\r\n{RLO}second\nשלום\n\nlast"
    shown = isolate(text)
    assert shown == f"first line\r\n{FSI}{RLO}second{PDI}\n{FSI}שלום{PDI}\n\nlast"
    assert unwrap(shown) == text


def test_balanced_leaves_balanced_text_alone():
    assert balanced("abc") == "abc"
    assert balanced(f"{FSI}a{PDI}") == f"{FSI}a{PDI}"
    assert balanced(f"a{PDI}b{FSI}c") == f"{FSI}a{PDI}b{FSI}c{PDI}"


def test_unwrap_takes_off_only_an_outer_pair():
    assert unwrap("plain") == "plain"
    assert unwrap(f"{FSI}a{PDI}b") == f"{FSI}a{PDI}b"
    assert unwrap(f"{FSI}{FSI}a{PDI}{PDI}") == f"{FSI}a{PDI}"


def test_finalize_leaves_markup_and_other_values_alone():
    markup = Markup(f"<b>{RLO}</b>")
    assert finalize(markup) is markup
    assert finalize(None) is None
    assert finalize(3) == 3


def test_templates_isolate_values_and_parts_of_longer_strings():
    env = Environment(autoescape=True, finalize=finalize)
    env.filters["isolate"] = isolated_markup
    name = f"{RLO}<evil>"
    assert env.from_string("Hi {{ name }}!").render(name=name) == f"Hi {FSI}{RLO}&lt;evil&gt;{PDI}!"
    made = env.from_string("{{ 'stage ' ~ name|isolate ~ ' (stays)' }}").render(name=name)
    assert made == f"stage {FSI}{RLO}&lt;evil&gt;{PDI} (stays)"
    assert env.from_string('<a title="{{ name }}">').render(name="שלום") == f'<a title="{FSI}שלום{PDI}">'


# Drawings -------------------------------------------------------------------------------------

def test_plain_drops_overrides_but_keeps_balanced_isolates():
    assert plain(f"a{RLO}b") == "a b"
    assert plain(f"{FSI}שלום{PDI}") == f"{FSI}שלום{PDI}"
    assert plain(f"x{PDI}y") == f"{FSI}x{PDI}y"  # a stray PDI cannot close anyone else's isolate
    assert typed("שלום") == f"{FSI}שלום{PDI}"
    assert typed(f"{RLO}evil") == "evil"


def test_drawn_lines_cut_from_an_isolate_stay_isolated():
    long_name = "משפחה " * 20
    for line in wrap(typed(long_name), 120, 14, lines=3):
        assert isolated(line), line
    cut = fit(f"Step 1: {typed(long_name)}", 150, 14)
    assert cut.startswith(f"Step 1: {FSI}") and cut.endswith(PDI) and "…" in cut
    assert isolated(cut)
    lines = str(label("Agency: " + typed(long_name), width=24, max_lines=3)).split("\\n")
    assert len(lines) == 3
    assert all(isolated(line) for line in lines)
