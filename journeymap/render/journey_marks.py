"""The journey view's marks, drawn as shapes so they never depend on a font having the glyph:
a triangle up or down for how a step felt (filled when strongly felt), a flag for a barrier no one
owns, a diamond for one with an owner. Shape, not only colour, tells them apart.
"""

from __future__ import annotations

from journeymap.render.palette import BLUE, BLUISH_GREEN, INK, MUTED, PAPER, VERMILLION


def feeling_mark(level: int | None, cx: float, cy: float) -> str:
    if level in (1, 2):
        fill = BLUE if level == 2 else PAPER
        return (f'<path d="M{cx} {cy - 6}L{cx + 6} {cy + 5}L{cx - 6} {cy + 5}Z" fill="{fill}" '
                f'stroke="{BLUE}" stroke-width="1.6"/>')
    if level in (-1, -2):
        fill = VERMILLION if level == -2 else PAPER
        return (f'<path d="M{cx - 6} {cy - 5}L{cx + 6} {cy - 5}L{cx} {cy + 6}Z" fill="{fill}" '
                f'stroke="{VERMILLION}" stroke-width="1.6"/>')
    if level == 0:
        return f'<circle cx="{cx}" cy="{cy}" r="4.5" fill="{MUTED}"/>'
    return (f'<circle cx="{cx}" cy="{cy}" r="4.5" fill="{PAPER}" stroke="{MUTED}" '
            f'stroke-dasharray="2 2"/>')


def flag(cx: float, cy: float) -> str:
    """A flag on a pole: barriers no one owns."""
    return (f'<path d="M{cx - 5} {cy + 7}V{cy - 7}" stroke="{INK}" stroke-width="1.6"/>'
            f'<path d="M{cx - 4} {cy - 7}L{cx + 7} {cy - 3.5}L{cx - 4} {cy}Z" fill="{VERMILLION}" '
            f'stroke="{INK}" stroke-width="0.8"/>')


def diamond(cx: float, cy: float) -> str:
    """A diamond: barriers with an owner."""
    return (f'<path d="M{cx} {cy - 6}L{cx + 6} {cy}L{cx} {cy + 6}L{cx - 6} {cy}Z" fill="{BLUISH_GREEN}" '
            f'stroke="{INK}" stroke-width="0.8"/>')
