"""The drawings' one palette (journeymap.render.palette): AA contrast for text, the pairs that
carry meaning stay apart for readers with colour blindness (simulated with Machado, Oliveira and
Fernandes' 2009 matrices at full severity), every tint keeps its Okabe-Ito hue, and the CSS that
restates a colour restates it exactly. Colour is never the only cue (shapes, line styles and
"NO OWNER" are tested in test_silo_dot.py and test_journey_view.py); this keeps it a useful
second one."""

from __future__ import annotations

import colorsys
import itertools
import re
from pathlib import Path

import pytest

from journeymap.render import palette

SIMULATIONS = {
    "typical": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def linear(hex_colour: str) -> tuple[float, float, float]:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def simulate(rgb, matrix):
    return tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix)


def luminance(rgb) -> float:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def lab(rgb):
    x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def distance(a, b) -> float:
    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b), strict=True)) ** 0.5


FILLS = {
    "silo": palette.SILO_FILL, "family": palette.FAMILY_FILL, "caseworker": palette.CASEWORKER_FILL,
    "owned barrier": palette.OWNED_FILL, "unowned barrier": palette.UNOWNED_FILL,
}


@pytest.mark.parametrize("name", FILLS)
def test_text_on_every_fill_has_aa_contrast(name):
    assert contrast(linear(palette.INK), linear(FILLS[name])) >= 7  # AAA, for a projector
    assert contrast(linear(palette.UNOWNED_BORDER), linear("#ffffff")) >= 4.5  # the area's title


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_owned_and_unowned_barriers_stay_apart(vision):
    matrix = SIMULATIONS[vision]
    for a, b in ((palette.OWNED_FILL, palette.UNOWNED_FILL), (palette.OWNED_BORDER, palette.UNOWNED_BORDER)):
        assert distance(simulate(linear(a), matrix), simulate(linear(b), matrix)) >= 15, (vision, a, b)


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_the_fills_are_told_apart_from_each_other(vision):
    matrix = SIMULATIONS[vision]
    for (na, a), (nb, b) in itertools.combinations(FILLS.items(), 2):
        if {na, nb} == {"silo", "caseworker"}:
            continue  # a caseworker is a white box inside the silo's tint: told apart by its border
        assert distance(simulate(linear(a), matrix), simulate(linear(b), matrix)) >= 10, (vision, na, nb)


# The journey view ------------------------------------------------------------------------------

# (text, what it is drawn on): every text colour of the journey view on every tint it sits on.
JOURNEY_TEXT = {
    "text on paper": (palette.INK, palette.PAPER),
    "text in a lane": (palette.INK, palette.LANE_TINT),
    "text in a heading": (palette.INK, palette.HEADER_TINT),
    "muted text on paper": (palette.MUTED, palette.PAPER),
    "muted text in a lane": (palette.MUTED, palette.LANE_TINT),
    "muted text in a heading": (palette.MUTED, palette.HEADER_TINT),
    "muted text on the strip": (palette.MUTED, palette.STRIP_TINT),
    "NO OWNER on its tint": (palette.UNOWNED_TEXT, palette.UNOWNED_TINT),
    "a barrier no one owns": (palette.INK, palette.UNOWNED_TINT),
    "a barrier with an owner": (palette.INK, palette.OWNED_TINT),
}


@pytest.mark.parametrize("name", JOURNEY_TEXT)
def test_journey_view_text_has_aa_contrast(name):
    text, ground = JOURNEY_TEXT[name]
    assert contrast(linear(text), linear(ground)) >= 4.5


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_journey_view_marks_stay_apart(vision):
    """The flag (no owner) against the diamond (an owner), a hard step against a helpful one.
    The barrier lines' light tints are not tested: under protanopia they are only about 6 apart,
    and the flag, the diamond and the words NO OWNER tell those lines apart."""
    matrix = SIMULATIONS[vision]
    for a, b in ((palette.BLUISH_GREEN, palette.VERMILLION), (palette.BLUE, palette.VERMILLION)):
        assert distance(simulate(linear(a), matrix), simulate(linear(b), matrix)) >= 15, (vision, a, b)


# One palette -----------------------------------------------------------------------------------

# Each tint or shade and the Okabe-Ito colour it is made from: they drifted apart once, when each
# drawing kept its own copy.
DERIVED = {
    "SILO_FILL": "BLUE", "SILO_BORDER": "BLUE",
    "FAMILY_FILL": "YELLOW",
    "OWNED_FILL": "BLUISH_GREEN", "OWNED_BORDER": "BLUISH_GREEN", "OWNED_TINT": "BLUISH_GREEN",
    "UNOWNED_FILL": "VERMILLION", "UNOWNED_BORDER": "VERMILLION", "UNOWNED_TINT": "VERMILLION",
    "UNOWNED_TEXT": "VERMILLION",
}


def hue(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    return colorsys.rgb_to_hls(*rgb)[0] * 360


@pytest.mark.parametrize("name", DERIVED)
def test_every_tint_keeps_its_okabe_ito_hue(name):
    apart = abs(hue(getattr(palette, name)) - hue(getattr(palette, DERIVED[name])))
    assert min(apart, 360 - apart) <= 12, name


def test_the_drawings_name_no_colour_of_their_own():
    """Colours are written once, in palette.py; a drawing that writes a hex colour has a copy."""
    render = Path(palette.__file__).parent
    for module in render.glob("*.py"):
        if module.name != "palette.py":
            assert not re.findall(r"#[0-9a-fA-F]{6}\b", module.read_text()), module.name


CSS = Path(palette.__file__).parents[2] / "static" / "css"


@pytest.mark.parametrize(("sheet", "prop", "name"), [
    ("app.css", "--ink", "INK"),
    ("brief.css", "--b-ink", "INK"),
])
def test_css_restates_the_palette_exactly(sheet, prop, name):
    """CSS cannot import Python: where a stylesheet names a drawing's colour, it is the same one."""
    found = re.search(rf"{prop}:\s*(#[0-9a-fA-F]{{6}})", (CSS / sheet).read_text())
    assert found and found[1].lower() == getattr(palette, name).lower()
