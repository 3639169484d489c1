"""How wide text is, measured from the font the drawings and the brief are set in: DejaVu Sans.

Every drawing names DejaVu Sans first (the journey view's SVG, the silo map's DOT, the brief's
print CSS falls back to it, and it is what fontconfig gives for system-ui and sans-serif on the
server), so the widths here are its own advance widths, read once per process from Debian's
fonts-dejavu-core with fontTools. Two hand-made glyph-width tables for the same font used to live
in the journey view and the brief, and disagreed.

Characters the font does not have are drawn by another font (and emoji by a colour emoji font,
even where DejaVu Sans has a plain face for them); they count as a sensible guess:
nothing for combining marks and invisible format characters, an em for East Asian wide
characters, a little more for emoji (colour emoji fonts draw wider than letters), and the font's
average advance for anything else.

Journey view: `text_width`, `fit` (one line cut with "…") and `wrap`; the brief: `lines_of`.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from journeymap.bidi import balanced, lines_balanced
from journeymap.render.labels import plain

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

WIDE_MISSING = 1.0  # ems: a CJK ideograph, from a CJK font
EMOJI_MISSING = 1.3  # ems: an emoji, from a colour emoji font (Noto Color Emoji draws 1.275)
_INVISIBLE = frozenset(("Mn", "Me", "Cf"))


@cache
def _advances(bold: bool) -> tuple[dict[str, float], float]:
    """(character -> advance width in ems, the average advance) of DejaVu Sans or its bold.

    Read on first use, not at import, and kept for the process: about 80 ms per face."""
    from fontTools.ttLib import TTFont  # only the drawings need it

    font = TTFont(BOLD if bold else REGULAR, lazy=True)
    metrics = font["hmtx"].metrics
    per_em = font["head"].unitsPerEm
    widths = {chr(cp): metrics[glyph][0] / per_em for cp, glyph in font.getBestCmap().items()}
    font.close()
    average = sum(widths.values()) / len(widths)
    # DejaVu Sans has black-and-white faces for some emoji, but browsers draw an emoji shown as
    # emoji by default from the colour emoji font, which is wider.
    return {ch: w for ch, w in widths.items() if not _emoji(ch)}, average


def _emoji(ch: str) -> bool:
    """Roughly Unicode's Emoji_Presentation: symbols that are wide by default."""
    return unicodedata.category(ch) == "So" and unicodedata.east_asian_width(ch) == "W"


@cache
def _missing(ch: str, average: float) -> float:
    """The width of a character DejaVu Sans does not have, in ems (see the module docstring)."""
    category = unicodedata.category(ch)
    if category in _INVISIBLE:
        return 0.0
    if category == "So":
        return EMOJI_MISSING
    return WIDE_MISSING if unicodedata.east_asian_width(ch) in ("W", "F") else average


def ems(text: str, *, bold: bool = False) -> float:
    """The advance width of `text` in ems of its type size."""
    widths, average = _advances(bold)
    total = 0.0
    for ch in text:
        width = widths.get(ch)
        total += _missing(ch, average) if width is None else width
    return total


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` in px at `size` px."""
    return ems(text, bold=bold) * size


def fit(text: str, width: float, size: float, *, max_chars: int = 10_000, bold: bool = False) -> str:
    """`text` as one line no wider than `width` px and no longer than `max_chars`, cut with "…"."""
    text = plain(text)
    if len(text) <= max_chars and text_width(text, size, bold=bold) <= width:
        return text
    budget = width - text_width("…", size, bold=bold)
    widths, average = _advances(bold)
    limit = min(len(text), max(max_chars - 1, 0))
    used, end = 0.0, 0
    while end < limit:
        ch = text[end]
        width_ems = widths.get(ch)
        used += (_missing(ch, average) if width_ems is None else width_ems) * size
        if used > budget:
            break
        end += 1
    cut = text[:end].rstrip(" \u200d")
    # In right-to-left text a right-to-left mark keeps the ellipsis at the end people read last;
    # an isolate (journeymap.bidi) the cut left open is closed after it.
    return balanced(cut + ("…\u200f" if right_to_left(cut) else "…"))


def right_to_left(text: str) -> bool:
    """Whether the first strongly directional character of `text` reads right to left."""
    for ch in text:
        direction = unicodedata.bidirectional(ch)
        if direction in ("L", "R", "AL"):
            return direction != "L"
    return False


def wrap(text: str, width: float, size: float, *, lines: int, bold: bool = False) -> list[str]:
    """Words wrapped into at most `lines` lines of `width` px; the last one cut with "…"."""
    words = plain(text).split(" ")
    out: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if not current or text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        out.append(current)
        if len(out) == lines - 1:
            current = " ".join(words[i:])
            break
        current = word
    if current:
        out.append(current)
    return [fit(line, width, size, bold=bold) for line in lines_balanced(out[:lines])]


# A browser's column is a percentage of the page less padding, so the brief's widths in ems are
# estimates; counting against 97 % of them errs towards one line too many, never one too few.
BOX_SLACK = 0.97


def lines_of(text: str, width_ems: float, *, bold: bool = False) -> int:
    """How many lines a text takes in a box this many ems wide, filled word by word as a
    browser does; a word longer than a line is broken (overflow-wrap: anywhere)."""
    width = width_ems * BOX_SLACK
    space = ems(" ", bold=bold)
    lines, used = 1, 0.0
    for word in text.split():
        size = ems(word, bold=bold)
        if used and used + space + size <= width:
            used += space + size
            continue
        if used:
            lines, used = lines + 1, 0.0
        while size > width:
            lines, size = lines + 1, size - width
        used = size
    return lines
