"""Text people typed, isolated so that it cannot reorder the text around it.

A name holding U+202E RIGHT-TO-LEFT OVERRIDE ("\u202eevil") would turn the rest of the line
around it backwards; a Hebrew or Arabic name followed by our own words ("3 visits") pulls the
number and the neutral characters beside it into its right-to-left run. Wrapped in FIRST STRONG
ISOLATE (U+2068) … POP DIRECTIONAL ISOLATE (U+2069), it is laid out as one unit in its own
direction: the PDI ends every embedding and override opened inside (Unicode bidi rule X6a), and
the text outside treats the whole isolate as one neutral character.

Pages: every `{{ value }}` that is a plain str goes through `finalize` (registered as the Jinja
environment's finalize in journeymap.register_template_helpers); Markup (our own markup, and the
form fields WTForms renders, which are boxes of their own) is left alone. Where a template or a
route puts typed text inside a longer string of ours, it isolates that part itself (`|isolate`,
`isolate`). Drawings (the silo map's DOT, the journey view's SVG): journeymap.render.labels.typed
is `plain` (overrides become spaces) then `isolate`; a label wrapped onto several lines keeps each
line isolated (`lines_balanced`). Forms: `unwrap` undoes what `isolate` added to a value that went
out in an attribute and came back, so saving never makes stored text grow. Exports (CSV, JSON)
are data, not display: never isolated.

Only text that needs it is wrapped: text with a bidirectional control or a right-to-left letter.
One precompiled regular expression decides, so a page of 500 touchpoints stays fast.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

FSI = "\u2068"  # FIRST STRONG ISOLATE: the isolate takes the direction of its first letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE

# Bidirectional controls: ARABIC LETTER MARK, LRM, RLM, the embeddings and overrides (LRE, RLE,
# PDF, LRO, RLO) and the isolates (LRI, RLI, FSI, PDI).
_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Blocks of right-to-left scripts: Hebrew, Arabic, Syriac, Arabic Supplement, Thaana, NKo,
# Samaritan, Mandaic, Syriac Supplement, Arabic Extended-A/B (U+0590–U+08FF); Hebrew and Arabic
# presentation forms (U+FB1D–U+FDFF, U+FE70–U+FEFE); and in the supplementary planes the
# right-to-left historic and modern scripts (U+10800–U+10FFF: Phoenician, Kharoshthi, Old Turkic,
# Hanifi Rohingya, Yezidi, …) and U+1E800–U+1EFFF (Mende Kikakui, Adlam, Arabic mathematical
# letters). A few neutral characters in these blocks are isolated too, which costs nothing.
_RIGHT_TO_LEFT = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff"
_NEEDS_ISOLATION = re.compile(f"[{_CONTROLS}{_RIGHT_TO_LEFT}]")
_ISOLATE_MARKS = re.compile("[\u2066-\u2069]")
# Paragraph separators (bidi class B): each ends every isolate, so each line is isolated alone.
_PARAGRAPHS = re.compile("(\r\n|[\n\r\x1c-\x1e\x85\u2029])")


def needs_isolation(text: str) -> bool:
    return _NEEDS_ISOLATION.search(text) is not None


def isolate(text: str) -> str:
    """`text` wrapped in FSI … PDI when it holds a bidi control or a right-to-left letter;
    otherwise `text` itself. Of several lines, each that needs it is wrapped on its own (a line
    break ends every isolate), and isolates the text itself opens or closes are balanced first
    (see balanced)."""
    if not _NEEDS_ISOLATION.search(text):
        return text
    if not _PARAGRAPHS.search(text):
        return FSI + balanced(text) + PDI
    return "".join(
        FSI + balanced(part) + PDI if i % 2 == 0 and _NEEDS_ISOLATION.search(part) else part
        for i, part in enumerate(_PARAGRAPHS.split(text))
    )


def balanced(text: str) -> str:
    """`text` with a PDI for every isolate it leaves open, and an FSI before it for every PDI that
    closes none of its own. Without this, a typed PDI would close our FSI early and let an
    override after it loose, and a typed FSI would take our closing PDI for itself."""
    if not _ISOLATE_MARKS.search(text):
        return text
    unopened, depth = _unmatched(text)
    return FSI * unopened + text + PDI * depth


def lines_balanced(lines: list[str]) -> list[str]:
    """Lines cut from one text (a drawing's label wrapped onto several), each drawn on its own: an
    isolate open at the end of a line is closed there and opened again at the start of the next,
    so every piece of an isolated text stays isolated, the middle lines too."""
    out, carried = [], 0
    for line in lines:
        line = FSI * carried + line
        carried = _unmatched(line)[1] if _ISOLATE_MARKS.search(line) else 0
        out.append(balanced(line))
    return out


def _unmatched(text: str) -> tuple[int, int]:
    """(PDIs that close no isolate of `text`'s own, isolates `text` leaves open)."""
    depth = unopened = 0
    for mark in _ISOLATE_MARKS.findall(text):  # the marks alone: a drawing checks thousands of texts
        if mark != PDI:
            depth += 1
        elif depth:
            depth -= 1
        else:
            unopened += 1
    return unopened, depth


def unwrap(text: str) -> str:
    """What `isolate` added, taken off again: a value rendered into an input's value="…" comes
    back wrapped, and saving it must store what was typed. One FSI … PDI pair around each line
    is removed (a pair someone typed around a whole line goes too: it showed nothing)."""
    if FSI not in text:
        return text
    parts = _PARAGRAPHS.split(text)
    for i in range(0, len(parts), 2):
        part = parts[i]
        if len(part) >= 2 and part[0] == FSI and part[-1] == PDI:
            parts[i] = part[1:-1]
    return "".join(parts)


def finalize(value):
    """The Jinja environment's finalize: every `{{ value }}` of plain text is isolated if it needs
    it. Markup is left as it is: it is ours, or a form control (its own box, which text outside it
    cannot be reordered by)."""
    # isascii() is a flag CPython keeps on every string: most values are ASCII, so most never
    # reach the regular expression (5 % of a 500-touchpoint page's time before this test).
    if type(value) is str and not value.isascii() and _NEEDS_ISOLATION.search(value):
        return isolate(value)
    return value


def isolated_markup(value) -> Markup:
    """The `isolate` template filter, for one part of a longer string made in a template
    ('stage ' ~ item.name|isolate ~ ' (…)'): escaped and isolated, as Markup, so that the
    whole is not escaped or isolated again."""
    return escape(isolate(str(value)) if type(value) is str else value)
