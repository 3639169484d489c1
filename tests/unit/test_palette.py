"""The silo map's colours: AA contrast for its text, and the pairs that carry meaning stay apart
for readers with colour blindness (simulated with Machado, Oliveira and Fernandes' 2009
matrices at full severity). Colour is never the only cue (shapes, line styles and "NO OWNER" are
tested in test_silo_dot.py); this keeps it a useful second one."""

from __future__ import annotations

import itertools

import pytest

from journeymap.render import silo

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
    "silo": silo.SILO_FILL, "family": silo.FAMILY_FILL, "caseworker": silo.CASEWORKER_FILL,
    "owned barrier": silo.OWNED_FILL, "unowned barrier": silo.UNOWNED_FILL,
}


@pytest.mark.parametrize("name", FILLS)
def test_text_on_every_fill_has_aa_contrast(name):
    assert contrast(linear(silo.INK), linear(FILLS[name])) >= 7  # AAA, for a projector
    assert contrast(linear(silo.UNOWNED_BORDER), linear("#ffffff")) >= 4.5  # the area's title


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_owned_and_unowned_barriers_stay_apart(vision):
    matrix = SIMULATIONS[vision]
    for a, b in ((silo.OWNED_FILL, silo.UNOWNED_FILL), (silo.OWNED_BORDER, silo.UNOWNED_BORDER)):
        assert distance(simulate(linear(a), matrix), simulate(linear(b), matrix)) >= 15, (vision, a, b)


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_the_fills_are_told_apart_from_each_other(vision):
    matrix = SIMULATIONS[vision]
    for (na, a), (nb, b) in itertools.combinations(FILLS.items(), 2):
        if {na, nb} == {"silo", "caseworker"}:
            continue  # a caseworker is a white box inside the silo's tint: told apart by its border
        assert distance(simulate(linear(a), matrix), simulate(linear(b), matrix)) >= 10, (vision, na, nb)
