"""Where everything in the journey view goes: a plain grid computed from counts. Pure; no SVG.

Stages run left to right, one lane per agency runs top to bottom, and each touchpoint is a card in
its lane and stage. Above the lanes a strip shows how the family felt at each step. Computed from
counts, the layout takes milliseconds at any size; dot's clustered layout of 100 agencies and 500
touchpoints never finishes. The page reads the layout too, for its pinned headings
(routes/journey_view.pinned_headings), so the drawing (journey_svg) and the page cannot disagree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from journeymap.kinds import vocab
from journeymap.readmodel.snapshot import UNSTAGED_NAME, MapView, TouchpointView
from journeymap.render.text import text_width

NO_AGENCY_NAME = _l("No agency recorded")
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"  # journeymap.render.text measures DejaVu Sans

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

# The key: (id, text), laid out in rows that wrap at the drawing's width. Lazy: in the language of
# the request that draws it (the feelings' words are translated as the vocabulary's).
KEY_ITEMS = (
    ("card", _l("A step the family took (numbered in journey order)")),
    ("unowned", _l("NO OWNER: a barrier no one owns")),
    ("owned", _l("A barrier with an owner")),
    *((f"feel{level}", _l(vocab.label(vocab.FEELINGS, level))) for level in LEVELS),
    ("line", _l("How the family felt, step by step")),
)


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


@dataclass
class _Grid:
    """The view's touchpoints sorted into columns (stages), lanes (agencies) and cells."""

    stages: list[tuple[int | None, str]]
    agencies: list[tuple[int | None, str, str]]
    col: Callable[[TouchpointView], int]
    lane: Callable[[TouchpointView], int]
    in_column: dict[int, list[TouchpointView]]
    in_cell: dict[tuple[int, int], list[TouchpointView]]
    in_lane: dict[int, list[TouchpointView]]


def _grid(view: MapView) -> _Grid:
    touchpoints = view.touchpoints
    column_of = {stage.id: i for i, stage in enumerate(view.named_stages)}
    stages: list[tuple[int | None, str]] = [(s.id, s.name) for s in view.named_stages]
    if any(tp.stage_id not in column_of for tp in touchpoints):
        stages.append((None, UNSTAGED_NAME))
    lane_of = {agency.id: i for i, agency in enumerate(view.agencies)}
    agencies: list[tuple[int | None, str, str]] = [
        (a.id, a.name, a.sector_label) for a in view.agencies
    ]
    if any(tp.agency_id not in lane_of for tp in touchpoints):
        agencies.append((None, str(NO_AGENCY_NAME), ""))

    # Anything not in a named stage or a known agency goes to the extra column or lane.
    def col(tp: TouchpointView) -> int:
        return column_of.get(tp.stage_id, len(stages) - 1)

    def lane(tp: TouchpointView) -> int:
        return lane_of.get(tp.agency_id, len(agencies) - 1)

    grid = _Grid(stages, agencies, col, lane, defaultdict(list), defaultdict(list), defaultdict(list))
    for tp in touchpoints:
        grid.in_column[col(tp)].append(tp)
        grid.in_cell[(lane(tp), col(tp))].append(tp)
        grid.in_lane[lane(tp)].append(tp)
    return grid


def _slots(grid: _Grid) -> list[int]:
    """Count-based widths: a stage is as wide as the most cards any one lane has in it, side by
    side, up to MAX_SLOTS. Side by side keeps time running left to right inside a cell too; past
    MAX_SLOTS the cell wraps into rows, so one busy agency cannot stretch the drawing for all."""
    most = [0] * len(grid.stages)
    for (_row, c), cell in grid.in_cell.items():
        most[c] = max(most[c], len(cell))
    return [min(max(m, 1), MAX_SLOTS) for m in most]


def _place(grid: _Grid, slots: list[int], rank: dict[int, int]) -> dict[int, tuple[int, int]]:
    """Touchpoint id -> (slot, row) in its cell."""
    placed: dict[int, tuple[int, int]] = {}
    for (_row, c), cell in grid.in_cell.items():
        if len(cell) <= slots[c]:
            # Each card goes in the slot under its mark on the feeling strip (the marks share out
            # the stage's width in journey order), moved only as far as it must to keep in order.
            previous = -1
            for j, tp in enumerate(cell):
                ideal = int((rank[tp.id] + 0.5) * slots[c] / len(grid.in_column[c]))
                previous = min(max(ideal, previous + 1), slots[c] - (len(cell) - j))
                placed[tp.id] = (previous, 0)
        else:  # a busier cell fills rows of MAX_SLOTS cards, in reading order
            for j, tp in enumerate(cell):
                placed[tp.id] = (j % slots[c], j // slots[c])
    return placed


def _lanes(grid: _Grid, placed: dict[int, tuple[int, int]], lanes_y: int) -> list[Lane]:
    """Lanes from the top: each as tall as its rows of cards, its cards as tall as its most
    barriers need."""
    lanes: list[Lane] = []
    y = lanes_y
    for ln, (agency_id, name, subtitle) in enumerate(grid.agencies):
        cards = grid.in_lane[ln]
        card_h = CARD_BASE_H + BARRIER_LINE_H * max(
            (barrier_lines(len(tp.barrier_ids)) for tp in cards), default=0
        )
        rows = max((placed[tp.id][1] + 1 for tp in cards), default=0)
        height = max(LANE_MIN_H, rows * (card_h + ROW_GAP) - ROW_GAP + 2 * LANE_PAD)
        lanes.append(Lane(agency_id, name, subtitle, y, height, card_h, tuple(tp.id for tp in cards)))
        y += height
    return lanes


def _number_rows(grid: _Grid, width_of: list[int], steps: int) -> list[int]:
    """Step numbers over the strip link each mark to its card: in one row where the marks are far
    enough apart, in two staggered rows where they are half as far, else left to the tooltips."""
    number_rows = [0] * len(grid.stages)
    need = text_width(str(steps), SIZE_SMALL) + 4
    for c in range(len(grid.stages)):
        if grid.in_column[c]:
            spacing = (width_of[c] - 2 * CELL_PAD) / len(grid.in_column[c])
            number_rows[c] = 1 if spacing >= need else 2 if 2 * spacing >= need else 0
    return number_rows


def _levels(strip_y: int) -> dict[int | None, int]:
    """The y of each row of the feeling strip; "Not recorded" sits a little apart from the five
    feelings."""
    return {
        level: strip_y + 44 + i * LEVEL_GAP + (6 if level is None else 0)
        for i, level in enumerate(LEVELS)
    }


def layout_journey(view: MapView, *, max_label: int = 28) -> JourneyLayout:
    # Room for an action of max_label characters, and a little more for the barrier lines.
    card_w = max(CARD_MIN_W, math.ceil(max_label * 0.66 * SIZE_ACTION) + 2 * CARD_PAD)
    grid = _grid(view)
    slots = _slots(grid)
    rank = {tp.id: i for c in range(len(grid.stages)) for i, tp in enumerate(grid.in_column[c])}
    placed = _place(grid, slots, rank)

    width_of = [2 * CELL_PAD + s * card_w + (s - 1) * SLOT_GAP for s in slots]
    grid_x = MARGIN + HEADER_W
    xs = [grid_x + sum(width_of[:c]) for c in range(len(grid.stages))]
    width = max(MIN_W, grid_x + sum(width_of) + MARGIN)

    key_rows = _key_rows(width)
    key_y = MARGIN + TITLE_H
    heads_y = key_y + len(key_rows) * KEY_ROW_H + 24
    strip_y = heads_y + STAGE_HEAD_H
    level_y = _levels(strip_y)
    strip_h = level_y[None] - strip_y + 14
    lanes_y = strip_y + strip_h
    lanes = _lanes(grid, placed, lanes_y)
    number_rows = _number_rows(grid, width_of, len(view.touchpoints))

    step_of = {tp.id: i + 1 for i, tp in enumerate(view.touchpoints)}
    cards: list[Card] = []
    for tp in view.touchpoints:
        ln, c = grid.lane(tp), grid.col(tp)
        slot, row = placed[tp.id]
        inner = width_of[c] - 2 * CELL_PAD
        cards.append(Card(
            touchpoint_id=tp.id, step=step_of[tp.id], lane=ln, column=c, slot=slot, row=row,
            x=xs[c] + CELL_PAD + slot * (card_w + SLOT_GAP),
            y=lanes[ln].y + LANE_PAD + row * (lanes[ln].card_h + ROW_GAP),
            w=card_w,
            h=lanes[ln].card_h,
            mark_x=round(xs[c] + CELL_PAD + (rank[tp.id] + 0.5) * inner / len(grid.in_column[c])),
            mark_y=level_y[tp.feeling if tp.feeling in level_y else None],
            number_y=strip_y + 17 + 12 * (rank[tp.id] % number_rows[c]) if number_rows[c] else None,
        ))

    columns = tuple(
        Column(stage_id, name, xs[c], width_of[c], slots[c], tuple(tp.id for tp in grid.in_column[c]))
        for c, (stage_id, name) in enumerate(grid.stages)
    )
    bottom = lanes[-1].y + lanes[-1].height if lanes else lanes_y
    return JourneyLayout(
        width=width, height=bottom + MARGIN, card_w=card_w, key_y=key_y, key_rows=key_rows,
        heads_y=heads_y, strip_y=strip_y, strip_h=strip_h, level_y=level_y, lanes_y=lanes_y,
        columns=columns, lanes=tuple(lanes), cards=tuple(cards),
    )


def _key_rows(width: int) -> tuple[tuple[tuple[str, int], ...], ...]:
    start = MARGIN + 40  # after the word "Key"
    rows: list[list[tuple[str, int]]] = [[]]
    x = start
    for item, text in KEY_ITEMS:
        w = 22 + text_width(str(text), SIZE_TEXT, bold=item == "unowned") + 22
        if rows[-1] and x + w > width - MARGIN:
            rows.append([])
            x = start
        rows[-1].append((item, round(x)))
        x += w
    return tuple(tuple(row) for row in rows)
