"""Text widths come from DejaVu Sans's own TTF, once per process, with a sensible guess for
characters the font does not have. fit and wrap are tested with the journey view that uses them
(test_journey_view.py); lines_of with the brief (test_brief.py)."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from journeymap.render import text


def advance(path, ch: str) -> float:
    font = TTFont(path)
    return font["hmtx"].metrics[font.getBestCmap()[ord(ch)]][0] / font["head"].unitsPerEm


@pytest.mark.parametrize("ch", ["a", "W", "i", " ", "…", "é", "م", "→"])
def test_widths_are_the_fonts_own(ch):
    assert text.text_width(ch, 10) == pytest.approx(10 * advance(text.REGULAR, ch))
    assert text.text_width(ch, 10, bold=True) == pytest.approx(10 * advance(text.BOLD, ch))


def test_bold_is_wider_and_width_scales_with_size():
    assert text.text_width("Housing Office", 12, bold=True) > text.text_width("Housing Office", 12)
    assert text.text_width("Housing Office", 24) == pytest.approx(2 * text.text_width("Housing Office", 12))


def test_the_font_is_read_once_per_process():
    text.ems("first")
    misses = text._advances.cache_info().misses
    for _ in range(100):
        text.ems("again and again")
        text.ems("and bold", bold=True)
    assert text._advances.cache_info().misses <= max(misses, 2)


def test_characters_the_font_lacks_get_a_sensible_width():
    _, average = text._advances(False)
    assert 0.5 < average < 0.8
    assert text.ems("中文") == pytest.approx(2 * text.WIDE_MISSING)  # CJK: a full em each
    assert text.ems("\U0001F468") == pytest.approx(text.EMOJI_MISSING)  # a colour emoji
    assert text.ems("\U0001F600") == pytest.approx(text.EMOJI_MISSING)  # DejaVu's plain face is not used
    assert text.ems("\u20dd") == 0.0  # an enclosing mark draws over the character before it
    assert text.ems("\U000E0001") == 0.0  # an invisible format character
    assert text.ems("\ue000") == pytest.approx(average)  # anything else: the font's average


def test_lines_of_counts_words_into_lines_and_breaks_long_words():
    assert text.lines_of("", 10) == 1
    assert text.lines_of("one two", 10) == 1
    many = " ".join(["word"] * 30)
    assert text.lines_of(many, 10) > text.lines_of(many, 20) > 1
    assert text.lines_of("W" * 40, 10) >= 4
