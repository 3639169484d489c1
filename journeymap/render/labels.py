"""Turn user text into DOT labels that can only ever be text.

The graphviz package reads a string wrapped in <...> as an HTML-like label and dot expands
backslash escapes such as \\N and \\G; user text must get neither. We wrap lines ourselves, escape
each line's backslashes and ampersands, join them with DOT's own line break and mark the result as not HTML.
Quotes are escaped by the graphviz package when it writes the source.
"""

from __future__ import annotations

import textwrap
import unicodedata

from graphviz import nohtml

# Kept although they are format characters: emoji sequences and Persian or Indic text need them.
_JOINERS = frozenset("\u200c\u200d")


def plain(text: str | None) -> str:
    """One line of printable text, for the silo map and the journey view alike. Control and format
    characters (newlines, bidi overrides, characters XML forbids) become spaces, except the
    zero-width joiners."""
    text = text or ""
    if not text.isprintable():  # the fast path, most text, has no C-category character at all
        text = "".join(
            " " if unicodedata.category(ch).startswith("C") and ch not in _JOINERS else ch
            for ch in text
        )
    return " ".join(text.split())


def label(*lines: str, width: int = 24, max_lines: int = 4) -> str:
    """A DOT label from one or more pieces of text, each wrapped to `width` characters.

    Long text is cut with an ellipsis: a 10,000-character title must not become a 10,000-character
    node. The full text stays in the page and the exports.
    """
    wrapped: list[str] = []
    for piece in lines:
        text = plain(piece)
        if not text:
            continue
        chunk = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False)
        if len(chunk) > max_lines:
            chunk = chunk[:max_lines]
            chunk[-1] = chunk[-1][: width - 1].rstrip() + "…"
        wrapped.extend(chunk)
    return nohtml("\\n".join(_escape_line(line) for line in wrapped))


def _escape_line(line: str) -> str:
    # dot reads entities such as &amp; and &#65; even in plain labels; "&" must stay "&".
    return line.replace("&", "&amp;").replace("\\", "\\\\")
