"""The journey view: one map as a service-blueprint swimlane drawing, as SVG. Pure; no dot.

Stages run left to right, one lane per agency runs top to bottom, and each touchpoint is a card in
its lane and stage. Above the lanes a strip shows how the family felt at each step. The layout is
a plain grid computed from counts, so it takes milliseconds at any size; dot's clustered layout of
100 agencies and 500 touchpoints never finishes.

The SVG is written by hand. User text only ever goes into text nodes (<text>, <title>, <desc>),
escaped and stripped of control characters; ids are opaque (`jv-tp-12`), never user text. There
is no XML declaration, so the same text works as a file and inline in a page.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from journeymap.kinds import vocab
from journeymap.readmodel.snapshot import UNSTAGED_NAME, BarrierView, MapView, TouchpointView
from journeymap.render.labels import plain

NO_AGENCY_NAME = "No agency recorded"
EMPTY_MESSAGE = "No touchpoints yet"

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
# Okabe-Ito colours for marks and lines; text stays dark on light tints so it keeps AA contrast
# (4.5:1 or more); every colour also comes with a shape and a word.
INK = "#1a1a1a"
MUTED = "#4a4a4a"
PAPER = "#ffffff"
LANE_TINT = "#f3f5f8"
HEADER_TINT = "#e3e9f0"
STRIP_TINT = "#fafbfc"
RULE = "#b8c0ca"
CARD_BORDER = "#5b6570"
BLUE = "#0072B2"  # Okabe-Ito blue: helped
VERMILLION = "#D55E00"  # Okabe-Ito vermillion: hard, and barriers no one owns
GREEN = "#009E73"  # Okabe-Ito bluish green: barriers with an owner
UNOWNED_TINT = "#fde4d6"
UNOWNED_TEXT = "#8a3200"  # vermillion darkened for text: 6.8:1 on its tint
OWNED_TINT = "#d9efe6"

# Sizes, in px.
MARGIN = 24
HEADER_W = 232  # the column of lane names on the left
CARD_PAD = 8
CARD_MIN_W = 150
SLOT_GAP = 10
CELL_PAD = 10
MAX_SLOTS = 6  # cards side by side in one cell before they wrap into rows
CARD_BASE_H = 74  # step line, action, who, feeling
BARRIER_LINE_H = 18
MAX_BARRIER_LINES = 3
ROW_GAP = 8
LANE_PAD = 8
LANE_MIN_H = 58
TITLE_H = 62
KEY_ROW_H = 24
STAGE_HEAD_H = 54
LEVEL_GAP = 15  # between the rows of the feeling strip
MIN_W = 980
SIZE_TITLE, SIZE_HEAD, SIZE_ACTION, SIZE_TEXT, SIZE_SMALL = 22, 13, 12, 11, 10

# How a step felt: the strip's rows from the top, and the mark drawn for each (None: not recorded).
LEVELS: tuple[int | None, ...] = (2, 1, 0, -1, -2, None)


# Text ----------------------------------------------------------------------------------------

# Widths in em from DejaVu Sans (Verdana is about as wide), rounded up so that bold, at 1.12
# times, still covers DejaVu Sans Bold.
_THIN = frozenset(" .,'ijlI|")
_NARROW = frozenset(":;!()[]-ftrJ/\\")
_WIDE = frozenset("mwMW@%")
_SYMBOLS = frozenset("#+<=>^~&")


@lru_cache(maxsize=8192)
def _em(ch: str) -> float:
    """A generous width of one character: a label may stop a few characters early, but never runs
    into the next one."""
    if ch in _THIN:
        return 0.34
    if ch in _NARROW:
        return 0.46
    if ch in _WIDE:
        return 1.0
    if ch.isascii():
        return 0.84 if ch.isupper() or ch in _SYMBOLS else 0.64
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.category(ch) == "So":
        return 1.3  # emoji, from a colour font, draw wider than letters
    return 1.05 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.9


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return sum(_em(ch) for ch in text) * size * (1.12 if bold else 1.0)


def fit(text: str, width: float, size: float, *, max_chars: int = 10_000, bold: bool = False) -> str:
    """`text` as one line no wider than `width` px and no longer than `max_chars`, cut with "…"."""
    text = plain(text)
    if len(text) <= max_chars and text_width(text, size, bold=bold) <= width:
        return text
    budget = width - text_width("…", size, bold=bold)
    scale = size * (1.12 if bold else 1.0)
    limit = min(len(text), max(max_chars - 1, 0))
    used, end = 0.0, 0
    while end < limit:
        used += _em(text[end]) * scale
        if used > budget:
            break
        end += 1
    cut = text[:end].rstrip(" \u200d")
    # In right-to-left text a right-to-left mark keeps the ellipsis at the end people read last.
    return cut + ("…\u200f" if _right_to_left(cut) else "…")


def _right_to_left(text: str) -> bool:
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
    return [fit(line, width, size, bold=bold) for line in out[:lines]]


def _x(text: str) -> str:
    return escape(plain(text))


# Layout --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    stage_id: int | None  # None: the touchpoints not in a stage yet
    name: str
    x: int
    width: int
    slots: int  # cards side by side
    touchpoint_ids: tuple[int, ...]  # journey order


@dataclass(frozen=True)
class Lane:
    agency_id: int | None  # None: no agency recorded
    name: str
    subtitle: str
    y: int
    height: int
    card_h: int
    touchpoint_ids: tuple[int, ...]


@dataclass(frozen=True)
class Card:
    touchpoint_id: int
    step: int  # 1-based place in the journey
    lane: int  # index into JourneyLayout.lanes
    column: int  # index into JourneyLayout.columns
    slot: int
    row: int
    x: int
    y: int
    w: int
    h: int
    mark_x: int  # where the step sits on the feeling strip
    mark_y: int
    number_y: int | None  # where its step number goes over the strip; None when there is no room


@dataclass(frozen=True)
class JourneyLayout:
    width: int
    height: int
    card_w: int
    key_y: int
    key_rows: tuple[tuple[tuple[str, int], ...], ...]  # rows of (key item, x)
    heads_y: int
    strip_y: int
    strip_h: int
    level_y: dict[int | None, int]
    lanes_y: int
    columns: tuple[Column, ...]
    lanes: tuple[Lane, ...]
    cards: tuple[Card, ...]

    def card(self, touchpoint_id: int) -> Card:
        return next(c for c in self.cards if c.touchpoint_id == touchpoint_id)


def barrier_lines(count: int) -> int:
    """Lines a card gives its barriers: one each up to three; past three, two and "+N more"."""
    return min(count, MAX_BARRIER_LINES)


def layout_journey(view: MapView, *, max_label: int = 28) -> JourneyLayout:
    touchpoints = view.touchpoints
    # Room for an action of max_label characters, and a little more for the barrier lines.
    card_w = max(CARD_MIN_W, math.ceil(max_label * 0.66 * SIZE_ACTION) + 2 * CARD_PAD)

    column_of = {stage.id: i for i, stage in enumerate(view.named_stages)}
    stages: list[tuple[int | None, str]] = [(s.id, s.name) for s in view.named_stages]
    if any(tp.stage_id not in column_of for tp in touchpoints):
        stages.append((None, UNSTAGED_NAME))
    lane_of = {agency.id: i for i, agency in enumerate(view.agencies)}
    agencies: list[tuple[int | None, str, str]] = [
        (a.id, a.name, a.sector_label) for a in view.agencies
    ]
    if any(tp.agency_id not in lane_of for tp in touchpoints):
        agencies.append((None, NO_AGENCY_NAME, ""))

    # Anything not in a named stage or a known agency goes to the extra column or lane.
    def col(tp: TouchpointView) -> int:
        return column_of.get(tp.stage_id, len(stages) - 1)

    def lane(tp: TouchpointView) -> int:
        return lane_of.get(tp.agency_id, len(agencies) - 1)

    in_column: dict[int, list[TouchpointView]] = defaultdict(list)
    in_cell: dict[tuple[int, int], list[TouchpointView]] = defaultdict(list)
    in_lane: dict[int, list[TouchpointView]] = defaultdict(list)
    for tp in touchpoints:
        in_column[col(tp)].append(tp)
        in_cell[(lane(tp), col(tp))].append(tp)
        in_lane[lane(tp)].append(tp)

    # Count-based widths: a stage is as wide as the most cards any one lane has in it, side by
    # side, up to MAX_SLOTS. Side by side keeps time running left to right inside a cell too; past
    # MAX_SLOTS the cell wraps into rows, so one busy agency cannot stretch the drawing for all.
    most = [0] * len(stages)
    for (_, c), cell in in_cell.items():
        most[c] = max(most[c], len(cell))
    slots = [min(max(m, 1), MAX_SLOTS) for m in most]
    placed: dict[int, tuple[int, int]] = {}  # touchpoint id -> (slot, row)
    rank = {tp.id: i for c in range(len(stages)) for i, tp in enumerate(in_column[c])}
    for (_, c), cell in in_cell.items():
        if len(cell) <= slots[c]:
            # Each card goes in the slot under its mark on the feeling strip (the marks share out
            # the stage's width in journey order), moved only as far as it must to keep in order.
            previous = -1
            for j, tp in enumerate(cell):
                ideal = int((rank[tp.id] + 0.5) * slots[c] / len(in_column[c]))
                previous = min(max(ideal, previous + 1), slots[c] - (len(cell) - j))
                placed[tp.id] = (previous, 0)
        else:  # a busier cell fills rows of MAX_SLOTS cards, in reading order
            for j, tp in enumerate(cell):
                placed[tp.id] = (j % slots[c], j // slots[c])

    width_of = [2 * CELL_PAD + s * card_w + (s - 1) * SLOT_GAP for s in slots]
    grid_x = MARGIN + HEADER_W
    xs = [grid_x + sum(width_of[:c]) for c in range(len(stages))]
    width = max(MIN_W, grid_x + sum(width_of) + MARGIN)

    key_rows = _key_rows(width)
    key_y = MARGIN + TITLE_H
    heads_y = key_y + len(key_rows) * KEY_ROW_H + 24
    strip_y = heads_y + STAGE_HEAD_H
    # "Not recorded" sits a little apart from the five feelings.
    level_y = {
        level: strip_y + 44 + i * LEVEL_GAP + (6 if level is None else 0)
        for i, level in enumerate(LEVELS)
    }
    strip_h = level_y[None] - strip_y + 14
    lanes_y = strip_y + strip_h

    lanes: list[Lane] = []
    y = lanes_y
    for ln, (agency_id, name, subtitle) in enumerate(agencies):
        cards = in_lane[ln]
        card_h = CARD_BASE_H + BARRIER_LINE_H * max(
            (barrier_lines(len(tp.barrier_ids)) for tp in cards), default=0
        )
        rows = max((placed[tp.id][1] + 1 for tp in cards), default=0)
        height = max(LANE_MIN_H, rows * (card_h + ROW_GAP) - ROW_GAP + 2 * LANE_PAD)
        lanes.append(Lane(agency_id, name, subtitle, y, height, card_h, tuple(tp.id for tp in cards)))
        y += height

    # Step numbers over the strip link each mark to its card: in one row where the marks are far
    # enough apart, in two staggered rows where they are half as far, else left to the tooltips.
    number_rows = [0] * len(stages)
    need = text_width(str(len(touchpoints)), SIZE_SMALL) + 4
    for c in range(len(stages)):
        if in_column[c]:
            spacing = (width_of[c] - 2 * CELL_PAD) / len(in_column[c])
            number_rows[c] = 1 if spacing >= need else 2 if 2 * spacing >= need else 0

    step_of = {tp.id: i + 1 for i, tp in enumerate(touchpoints)}
    placed_cards: list[Card] = []
    for tp in touchpoints:
        ln, c = lane(tp), col(tp)
        slot, row = placed[tp.id]
        inner = width_of[c] - 2 * CELL_PAD
        placed_cards.append(
            Card(
                touchpoint_id=tp.id,
                step=step_of[tp.id],
                lane=ln,
                column=c,
                slot=slot,
                row=row,
                x=xs[c] + CELL_PAD + slot * (card_w + SLOT_GAP),
                y=lanes[ln].y + LANE_PAD + row * (lanes[ln].card_h + ROW_GAP),
                w=card_w,
                h=lanes[ln].card_h,
                mark_x=round(xs[c] + CELL_PAD + (rank[tp.id] + 0.5) * inner / len(in_column[c])),
                mark_y=level_y[tp.feeling if tp.feeling in level_y else None],
                number_y=(
                    strip_y + 17 + 12 * (rank[tp.id] % number_rows[c]) if number_rows[c] else None
                ),
            )
        )

    columns = tuple(
        Column(stage_id, name, xs[c], width_of[c], slots[c], tuple(tp.id for tp in in_column[c]))
        for c, (stage_id, name) in enumerate(stages)
    )
    return JourneyLayout(
        width=width,
        height=y + MARGIN,
        card_w=card_w,
        key_y=key_y,
        key_rows=key_rows,
        heads_y=heads_y,
        strip_y=strip_y,
        strip_h=strip_h,
        level_y=level_y,
        lanes_y=lanes_y,
        columns=columns,
        lanes=tuple(lanes),
        cards=tuple(placed_cards),
    )


# The key: (id, text), laid out in rows that wrap at the drawing's width.
KEY_ITEMS = (
    ("card", "A step the family took (numbered in journey order)"),
    ("unowned", "NO OWNER: a barrier no one owns"),
    ("owned", "A barrier with an owner"),
    *((f"feel{level}", vocab.label(vocab.FEELINGS, level)) for level in LEVELS),
    ("line", "How the family felt, step by step"),
)
_KEY_TEXT = dict(KEY_ITEMS)


def _key_rows(width: int) -> tuple[tuple[tuple[str, int], ...], ...]:
    start = MARGIN + 40  # after the word "Key"
    rows: list[list[tuple[str, int]]] = [[]]
    x = start
    for item, text in KEY_ITEMS:
        w = 22 + text_width(text, SIZE_TEXT, bold=item == "unowned") + 22
        if rows[-1] and x + w > width - MARGIN:
            rows.append([])
            x = start
        rows[-1].append((item, round(x)))
        x += w
    return tuple(tuple(row) for row in rows)


# SVG -----------------------------------------------------------------------------------------


def build_journey_svg(
    view: MapView, *, max_label: int = 28, layout: JourneyLayout | None = None
) -> str:
    """The drawing; `layout`, when the caller has laid the view out already (the page does, for
    its pinned headings), saves doing it again."""
    layout = layout or layout_journey(view, max_label=max_label)
    out: list[str] = []
    height = layout.height if layout.cards else layout.key_y + 80 + MARGIN
    w = layout.width
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{height}" '
        f'viewBox="0 0 {w} {height}" role="img" aria-labelledby="jv-title jv-desc" '
        f'font-family="{FONT}" font-size="{SIZE_TEXT}" fill="{INK}">'
    )
    out.append(f'<title id="jv-title">Journey view: {_x(view.pseudonym)}</title>')
    out.append(f'<desc id="jv-desc">{escape(_summary(view))}</desc>')
    out.append(f'<rect width="{w}" height="{height}" fill="{PAPER}"/>')
    _draw_heading(out, view, layout)
    if not layout.cards:
        y = layout.key_y
        out.append(
            f'<g id="jv-empty"><rect x="{MARGIN}" y="{y}" width="{w - 2 * MARGIN}" height="80" rx="6" '
            f'fill="{LANE_TINT}" stroke="{RULE}" stroke-dasharray="6 4"/>'
            f'<text x="{w // 2}" y="{y + 36}" text-anchor="middle" font-size="18" font-weight="bold">'
            f"{EMPTY_MESSAGE}</text>"
            f'<text x="{w // 2}" y="{y + 60}" text-anchor="middle" fill="{MUTED}">'
            "Add the steps of the family's journey and they show here, stage by stage.</text></g>"
        )
    else:
        _draw_key(out, layout)
        _draw_grid(out, layout)
        _draw_strip(out, view, layout)
        _draw_cards(out, view, layout, max_label)
    out.append("</svg>")
    return "\n".join(out)


def _summary(view: MapView) -> str:
    tps = view.touchpoints
    if not tps:
        return f"{EMPTY_MESSAGE}."
    known = set(vocab.values(vocab.FEELINGS))
    felt: dict[int | None, int] = defaultdict(int)
    for tp in tps:
        felt[tp.feeling if tp.feeling in known else None] += 1
    feelings = ", ".join(
        f"{felt[level]} {vocab.label(vocab.FEELINGS, level).lower()}" for level in LEVELS if felt[level]
    )
    stages = {tp.stage_id for tp in tps}
    return (
        f"{_count(len(tps), 'step')} in {_count(len(stages), 'stage')}, one lane per agency. "
        f"{_count(len(view.barriers), 'barrier')}, {len(view.unowned_barriers)} with no owner. "
        f"How the family felt: {feelings}."
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _draw_heading(out: list[str], view: MapView, layout: JourneyLayout) -> None:
    room = layout.width - 2 * MARGIN
    title = fit(f"Journey view: {plain(view.pseudonym)}", room, SIZE_TITLE, max_chars=100, bold=True)
    out.append(
        f'<g id="jv-heading"><text x="{MARGIN}" y="{MARGIN + 22}" font-size="{SIZE_TITLE}" '
        f'font-weight="bold">{escape(title)}</text>'
    )
    if view.touchpoints:  # an empty map says so in the box below instead
        out.append(
            f'<text x="{MARGIN}" y="{MARGIN + 46}" font-size="{SIZE_HEAD}" fill="{MUTED}">'
            f"{escape(fit(_summary(view), room, SIZE_HEAD))}</text>"
        )
    out.append("</g>")


def _draw_key(out: list[str], layout: JourneyLayout) -> None:
    y0 = layout.key_y
    height = len(layout.key_rows) * KEY_ROW_H + 8
    out.append(
        f'<g id="jv-key"><rect x="{MARGIN}" y="{y0}" width="{layout.width - 2 * MARGIN}" '
        f'height="{height}" rx="4" fill="{PAPER}" stroke="{RULE}"/>'
        f'<text x="{MARGIN + 8}" y="{y0 + 20}" font-weight="bold">Key</text>'
    )
    for r, row in enumerate(layout.key_rows):
        cy = y0 + 16 + r * KEY_ROW_H
        for item, x in row:
            if item == "card":
                out.append(
                    f'<rect x="{x}" y="{cy - 7}" width="16" height="13" rx="2" fill="{PAPER}" '
                    f'stroke="{CARD_BORDER}"/>'
                )
            elif item == "unowned":
                out.append(_flag(x + 8, cy))
            elif item == "owned":
                out.append(_diamond(x + 8, cy))
            elif item == "line":
                out.append(f'<path d="M{x} {cy + 3}L{x + 8} {cy - 3}L{x + 16} {cy + 1}" '
                           f'fill="none" stroke="{CARD_BORDER}" stroke-width="1.5"/>')
            else:
                level = None if item == "feelNone" else int(item[4:])
                out.append(_feeling_mark(level, x + 8, cy))
            text = _KEY_TEXT[item]
            if item == "unowned":
                head, rest = text.split(":", 1)
                text_svg = f'<tspan font-weight="bold" fill="{UNOWNED_TEXT}">{head}</tspan>:{rest}'
            else:
                text_svg = escape(text)
            out.append(f'<text x="{x + 22}" y="{cy + 4}">{text_svg}</text>')
    out.append("</g>")


def _draw_grid(out: list[str], layout: JourneyLayout) -> None:
    """Stage headings, the feeling strip's band, lane bands with their agency names, and rules."""
    top, bottom = layout.heads_y, layout.height - MARGIN
    right = layout.columns[-1].x + layout.columns[-1].width
    out.append('<g id="jv-grid">')
    out.append(
        f'<rect x="{MARGIN}" y="{top}" width="{right - MARGIN}" height="{STAGE_HEAD_H}" '
        f'fill="{HEADER_TINT}"/><text x="{MARGIN + 8}" y="{top + 20}" font-weight="bold" '
        f'font-size="{SIZE_HEAD}">Stages →</text>'
        f'<text x="{MARGIN + 8}" y="{top + 38}" fill="{MUTED}">Agencies ↓</text>'
        f'<rect x="{MARGIN}" y="{layout.strip_y}" width="{right - MARGIN}" height="{layout.strip_h}" '
        f'fill="{STRIP_TINT}"/>'
    )
    for c, column in enumerate(layout.columns):
        lines = wrap(column.name, column.width - 16, SIZE_HEAD, lines=2, bold=True)
        n = len(column.touchpoint_ids)
        out.append(f'<g id="jv-stage-{c}">')
        for i, line in enumerate(lines):
            out.append(
                f'<text x="{column.x + 8}" y="{top + 18 + i * 16}" font-weight="bold" '
                f'font-size="{SIZE_HEAD}">{escape(line)}</text>'
            )
        out.append(
            f'<text x="{column.x + 8}" y="{top + 18 + len(lines) * 16}" fill="{MUTED}">'
            f"{_count(n, 'step') if n else 'No steps yet'}</text></g>"
        )
    for i, lane in enumerate(layout.lanes):
        n = len(lane.touchpoint_ids)
        out.append(
            f'<g id="jv-lane-{i}"><rect x="{MARGIN}" y="{lane.y}" width="{right - MARGIN}" '
            f'height="{lane.height}" fill="{LANE_TINT if i % 2 else PAPER}"/>'
            f'<rect x="{MARGIN}" y="{lane.y}" width="{HEADER_W}" height="{lane.height}" '
            f'fill="{HEADER_TINT}"/>'
            f'<line x1="{MARGIN}" y1="{lane.y}" x2="{right}" y2="{lane.y}" stroke="{RULE}"/>'
        )
        lines = wrap(lane.name, HEADER_W - 16, SIZE_HEAD, lines=2, bold=True)
        for j, line in enumerate(lines):
            out.append(
                f'<text x="{MARGIN + 8}" y="{lane.y + 18 + j * 16}" font-weight="bold" '
                f'font-size="{SIZE_HEAD}">{escape(line)}</text>'
            )
        steps = _count(n, "step") if n else "no steps"
        sub = fit(f"{lane.subtitle} · {steps}" if lane.subtitle else steps, HEADER_W - 16, SIZE_TEXT)
        out.append(
            f'<text x="{MARGIN + 8}" y="{lane.y + 18 + len(lines) * 16}" fill="{MUTED}">'
            f"{escape(sub)}</text></g>"
        )
    for x in [column.x for column in layout.columns] + [right]:
        out.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{RULE}"/>')
    out.append(
        f'<line x1="{MARGIN}" y1="{layout.strip_y}" x2="{right}" y2="{layout.strip_y}" stroke="{RULE}"/>'
        f'<rect x="{MARGIN}" y="{top}" width="{right - MARGIN}" height="{bottom - top}" fill="none" '
        f'stroke="{CARD_BORDER}"/></g>'
    )


def _draw_strip(out: list[str], view: MapView, layout: JourneyLayout) -> None:
    """How the family felt: one mark per step at its place in the journey, joined by a line that
    breaks where a feeling was not recorded. Rows are labelled in words; marks differ in shape."""
    y0 = layout.strip_y
    right = layout.columns[-1].x + layout.columns[-1].width
    label_x = MARGIN + HEADER_W - 22
    out.append(
        f'<g id="jv-feelings"><text x="{MARGIN + 8}" y="{y0 + 18}" font-weight="bold" '
        f'font-size="{SIZE_HEAD}">How the family felt</text>'
    )
    for level, y in layout.level_y.items():
        dashes = ' stroke-dasharray="4 4"' if level is None else ""
        out.append(
            f'<line x1="{MARGIN + HEADER_W}" y1="{y}" x2="{right}" y2="{y}" stroke="{HEADER_TINT}"{dashes}/>'
            f'<text x="{label_x}" y="{y + 4}" text-anchor="end" fill="{MUTED}">'
            f"{vocab.label(vocab.FEELINGS, level)}</text>{_feeling_mark(level, label_x + 11, y)}"
        )
    path: list[str] = []
    pen_down = False
    for card in layout.cards:
        recorded = card.mark_y != layout.level_y[None]
        if recorded:
            path.append(f"{'L' if pen_down else 'M'}{card.mark_x} {card.mark_y}")
        pen_down = recorded
    if path:
        out.append(f'<path d="{"".join(path)}" fill="none" stroke="{CARD_BORDER}" stroke-width="1.5"/>')
    for card in layout.cards:
        tp = view.touchpoint(card.touchpoint_id)
        out.append(
            f'<g id="jv-feel-{tp.id}"><title>Step {card.step}: {_x(tp.action)}. '
            f"Felt: {tp.feeling_label}</title>{_feeling_mark(tp.feeling, card.mark_x, card.mark_y)}"
        )
        if card.number_y is not None:
            out.append(
                f'<text x="{card.mark_x}" y="{card.number_y}" text-anchor="middle" '
                f'font-size="{SIZE_SMALL}" fill="{MUTED}">'
                f"{card.step}</text>"
            )
        out.append("</g>")
    out.append("</g>")


def _draw_cards(out: list[str], view: MapView, layout: JourneyLayout, max_label: int) -> None:
    inner = layout.card_w - 2 * CARD_PAD
    out.append('<g id="jv-cards">')
    for card in layout.cards:
        tp = view.touchpoint(card.touchpoint_id)
        barriers = sorted(view.barriers_at(tp.id), key=lambda b: not b.is_unowned)
        caseworker = view.caseworker(tp.caseworker_id)
        who = caseworker.display_name if caseworker else tp.place
        x, y = card.x, card.y
        has_unowned = any(b.is_unowned for b in barriers)
        out.append(
            f'<g id="jv-tp-{tp.id}"><title>{escape(_card_tooltip(view, tp, card.step, barriers))}</title>'
            f'<rect x="{x}" y="{y}" width="{card.w}" height="{card.h}" rx="4" fill="{PAPER}" '
            f'stroke="{VERMILLION if has_unowned else CARD_BORDER}" '
            f'stroke-width="{2 if has_unowned else 1}"/>'
        )
        head = f"Step {card.step}"
        details = [f"waited {_count(tp.days_waited, 'day')}"] if tp.days_waited else []
        if tp.channel:
            details.append(tp.channel_label)
        room = inner - text_width(f"{head} · ", SIZE_TEXT, bold=True)
        # The space sits between the tspans: renderers drop one at the start of a <tspan>.
        rest = f' <tspan fill="{MUTED}">· {escape(fit(" · ".join(details), room, SIZE_TEXT))}</tspan>'
        out.append(
            f'<text x="{x + CARD_PAD}" y="{y + 19}"><tspan font-weight="bold">{head}</tspan>'
            f'{rest if details else ""}</text>'
            f'<text x="{x + CARD_PAD}" y="{y + 36}" font-size="{SIZE_ACTION}">'
            f"{escape(fit(tp.action, inner, SIZE_ACTION, max_chars=max_label))}</text>"
            f'<text x="{x + CARD_PAD}" y="{y + 52}" fill="{MUTED}">'
            f"{escape(fit(who, inner, SIZE_TEXT, max_chars=max_label))}</text>"
            f"{_feeling_mark(tp.feeling, x + CARD_PAD + 5, y + 63)}"
            f'<text x="{x + CARD_PAD + 15}" y="{y + 67}">Felt: {tp.feeling_label}</text>'
        )
        shown = barriers if len(barriers) <= MAX_BARRIER_LINES else barriers[: MAX_BARRIER_LINES - 1]
        by = y + CARD_BASE_H - 2
        for barrier in shown:
            out.append(_barrier_line(barrier, x, by, layout.card_w, max_label))
            by += BARRIER_LINE_H
        if len(shown) < len(barriers):
            hidden = barriers[len(shown):]
            hidden_unowned = sum(b.is_unowned for b in hidden)
            more = f"+{len(hidden)} more"
            if hidden_unowned:
                more += f", {hidden_unowned} with NO OWNER"
            out.append(
                f'<text x="{x + CARD_PAD + 16}" y="{by + 12}" fill="{MUTED}">'
                f"{escape(fit(more, inner - 16, SIZE_TEXT))}</text>"
            )
            if hidden_unowned:
                out.append(_flag(x + CARD_PAD + 6, by + 8))
        out.append("</g>")
    out.append("</g>")


def _barrier_line(barrier: BarrierView, x: int, y: int, card_w: int, max_label: int) -> str:
    """One barrier on a card. No owner: a flag and the words NO OWNER, on a vermillion tint. With
    an owner: a diamond and the title alone, on a green tint, so the title gets the room."""
    inner = card_w - 2 * CARD_PAD
    if barrier.is_unowned:
        head = f'<tspan font-weight="bold" fill="{UNOWNED_TEXT}">NO OWNER</tspan> · '
        room = inner - 20 - text_width("NO OWNER · ", SIZE_TEXT, bold=True)
        tint, marker = UNOWNED_TINT, _flag(x + CARD_PAD + 8, y + 8)
    else:
        head, room = "", inner - 20
        tint, marker = OWNED_TINT, _diamond(x + CARD_PAD + 8, y + 8)
    title = fit(barrier.title, room, SIZE_TEXT, max_chars=max_label)
    return (
        f'<rect x="{x + CARD_PAD - 2}" y="{y}" width="{inner + 4}" height="{BARRIER_LINE_H - 2}" rx="2" '
        f'fill="{tint}"/>{marker}<text x="{x + CARD_PAD + 18}" y="{y + 12}">{head}{escape(title)}</text>'
    )


def _card_tooltip(view: MapView, tp: TouchpointView, step: int, barriers: list[BarrierView]) -> str:
    agency = view.agency(tp.agency_id)
    caseworker = view.caseworker(tp.caseworker_id)
    lines = [f"Step {step}: {plain(tp.action)}"]
    lines.append(f"Agency: {plain(agency.name) if agency else NO_AGENCY_NAME}")
    if caseworker:
        left = " (has left)" if caseworker.has_left else ""
        lines.append(f"Who: {plain(caseworker.display_name)}{left}")
    if plain(tp.place):
        lines.append(f"Where: {plain(tp.place)}")
    if tp.channel:
        lines.append(f"How: {tp.channel_label}")
    if tp.days_waited:
        lines.append(f"Waited: {_count(tp.days_waited, 'day')}")
    if tp.retold_story:
        lines.append("Had to tell the story again")
    lines.append(f"Felt: {tp.feeling_label}")
    for barrier in barriers:
        owner = "NO OWNER" if barrier.is_unowned else f"owner: {plain(view.owner_text(barrier))}"
        lines.append(f"Barrier ({barrier.severity_label}, {owner}): {plain(barrier.title)}")
    return "\n".join(lines)


# Marks: drawn as shapes, so they never depend on a font having the glyph.


def _feeling_mark(level: int | None, cx: float, cy: float) -> str:
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


def _flag(cx: float, cy: float) -> str:
    """A flag on a pole: barriers no one owns."""
    return (f'<path d="M{cx - 5} {cy + 7}V{cy - 7}" stroke="{INK}" stroke-width="1.6"/>'
            f'<path d="M{cx - 4} {cy - 7}L{cx + 7} {cy - 3.5}L{cx - 4} {cy}Z" fill="{VERMILLION}" '
            f'stroke="{INK}" stroke-width="0.8"/>')


def _diamond(cx: float, cy: float) -> str:
    """A diamond: barriers with an owner."""
    return (f'<path d="M{cx} {cy - 6}L{cx + 6} {cy}L{cx} {cy + 6}L{cx - 6} {cy}Z" fill="{GREEN}" '
            f'stroke="{INK}" stroke-width="0.8"/>')
