"""Turn user text into DOT labels that can only ever be text, and that read in their own direction.

The graphviz package reads a string wrapped in <...> as an HTML-like label and dot expands
backslash escapes such as \\N and \\G; user text must get neither. We wrap lines ourselves, escape
each line's backslashes and ampersands, join them with DOT's own line break and mark the result as not HTML.
Quotes are escaped by the graphviz package when it writes the source. Each piece is isolated
(journeymap.bidi) when it holds right-to-left text; a piece that mixes our words with typed text
isolates the typed part itself, with `typed`.
"""

from __future__ import annotations

import textwrap
import unicodedata

from graphviz import nohtml

from journeymap.bidi import FSI, PDI, balanced, isolate, lines_balanced

# Kept although they are format characters: emoji sequences and Persian or Indic text need them;
# and the first-strong isolate with its closing mark, which `typed` puts around text (balanced).
_KEPT = frozenset(("\u200c", "\u200d", FSI, PDI))


def plain(text: str | None) -> str:
    """One line of printable text, for the silo map and the journey view alike. Control and format
    characters (newlines, bidi overrides and embeddings, characters XML forbids) become spaces,
    except the zero-width joiners and balanced FSI … PDI isolates."""
    text = text or ""
    if not text.isprintable():  # the fast path, most text, has no C-category character at all
        # The next fastest, isolated text from `typed`: nothing to replace but isolates to balance.
        if not _without_kept(text).isprintable():
            text = "".join(
                " " if unicodedata.category(ch).startswith("C") and ch not in _KEPT else ch
                for ch in text
            )
        text = balanced(text)
    return " ".join(text.split())


def _without_kept(text: str) -> str:
    # Four replace() calls: a third of the time of str.translate, in a drawing's thousands of texts.
    for ch in _KEPT:
        text = text.replace(ch, "")
    return text


def typed(text: str | None) -> str:
    """Text someone typed, for a drawing: `plain`, and isolated (journeymap.bidi) when it holds a
    right-to-left letter, so that a Hebrew or Arabic name cannot pull our words beside it into its
    own direction. Use it for the typed part of a line ("Step 3: " + typed(action))."""
    return isolate(plain(text))


def label(*lines: str, width: int = 24, max_lines: int = 4) -> str:
    """A DOT label from one or more pieces of text, each wrapped to `width` characters.

    Long text is cut with an ellipsis: a 10,000-character title must not become a 10,000-character
    node. The full text stays in the page and the exports.
    """
    wrapped: list[str] = []
    for piece in lines:
        text = typed(piece)
        if not text:
            continue
        chunk = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False)
        if len(chunk) > max_lines:
            chunk = chunk[:max_lines]
            chunk[-1] = chunk[-1][: width - 1].rstrip() + "…"
        # Each line is drawn as a text of its own: an isolate cut across lines is closed at the
        # end of each and opened again at the start of the next.
        wrapped.extend(lines_balanced(chunk))
    return nohtml("\\n".join(_escape_line(line) for line in wrapped))


def _escape_line(line: str) -> str:
    # dot reads entities such as &amp; and &#65; even in plain labels; "&" must stay "&".
    return line.replace("&", "&amp;").replace("\\", "\\\\")
