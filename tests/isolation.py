"""What the bidi tests check: that typed text sits in a closed isolate (journeymap/bidi.py)."""

from __future__ import annotations

PDI = "\u2069"
_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e")


def right_to_left(ch: str) -> bool:
    return "\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefe"


def isolated(text: str) -> bool:
    """Every bidi control and right-to-left letter of `text` is inside an isolate that is closed
    within `text`, and no PDI closes an isolate `text` did not open."""
    depth = 0
    for ch in text:
        if ch in "\u2066\u2067\u2068":
            depth += 1
        elif ch == PDI:
            if depth == 0:
                return False
            depth -= 1
        elif (ch in _CONTROLS or right_to_left(ch)) and depth == 0:
            return False
    return depth == 0
