"""The steering brief: one printed page a leader takes into a steering meeting.

Pure: a map view (de-identified unless full detail was chosen) and a few facts from the map's
history go in, plain data for the page and the PDF comes out (`build_brief`); `brief_pdf` turns
the printed HTML into a PDF with WeasyPrint, which never fetches anything.

What the page holds: the family's figures (journeymap.readmodel.metrics.family_figures), the silo map, and
the barriers no one owns, most severe first, with an empty "Whose job is it?" column to write
in at the meeting; below them, the barriers that were once unowned and have had an owner
recorded since, with that owner.

"Once unowned" is read from the history of each barrier (`owners_recorded`): the barrier had no
owner at some point that the history shows, and its owner was recorded after that point. The
history keeps the owner as people read it (words, not ids):
- "added" entries list the fields that had a value, so an added barrier with neither
  "Owning agency" nor "Owning caseworker" was added with no owner;
- the one-step form ("Whose job is it to fix this?", routes/barriers.record_owner) writes
  {"Owner": [before, after]}, with "No one" for no owner;
- the edit form writes {"Owning agency": [before, after], "Owning caseworker": [...]}, only the
  fields that changed, "—" for none.
Fields a change does not mention keep their value from the barrier's earlier entries. Where the
history cannot tell (a barrier imported or loaded without an "added" entry and then edited one
field at a time), the barrier is not listed: the brief claims a change only when the history
shows it. The time shown ("owner recorded since ...") is that of the last entry that took the
barrier from no owner to an owner (a later change from one owner to another keeps it), and only
in full detail: dates are not part of a de-identified brief. The route reads every barrier's
entries of a map in one query (routes/brief._owner_facts).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from journeymap.kinds import vocab
from journeymap.readmodel.metrics import Figure, family_figures
from journeymap.readmodel.snapshot import BarrierView, MapView
from journeymap.render.pdf import html_to_pdf
from journeymap.render.silo import SiloOptions

# Long texts are cut so that a row stays a few lines high on paper.
MAX_TITLE = 80
MAX_PLACE = 48
MAX_PLACES = 2
MAX_OWNER = 60
MAX_STORY = 300
# Paper heights inside 12 mm margins, in mm: Letter (the shorter of A4 and Letter), and A4.
ANY_PAPER = 279.4 - 24
A4_PAPER = 297.0 - 24
# However much room there is, a table longer than this is not a brief.
MAX_UNOWNED_ROWS = 10
MAX_RECORDED_ROWS = 4

# Past this many caseworkers a one-page drawing of every person is unreadable (and slow to
# print): the brief draws one box per agency with its counts, and says so.
MAX_PEOPLE_DRAWN = 40

# Figures from the family's side first, then the services, then the barriers.
FIGURE_GROUPS = (
    ("The family's side", (
        "things the family had to do", "places they had to go", "times they told their story again",
        "documents asked for", "days spent waiting",
    )),
    ("The services", ("agencies involved", "caseworkers holding a file")),
    ("Barriers", ("barriers", "barriers no one owns")),
)
FLAGGED_FIGURE = "barriers no one owns"

_SEVERITY_RANK = {value: rank for rank, (value, _) in enumerate(vocab.SEVERITIES)}
_NO_OWNER = {"", "—", "No one", "None"}
_OWNER_FIELDS = ("Owning agency", "Owning caseworker")


@dataclass(frozen=True)
class HistoryFact:
    """One "added" or "changed" entry of a barrier, as much as the brief needs of it."""

    barrier_id: int
    action: str
    at: datetime
    changes: dict


@dataclass(frozen=True)
class BriefFigure:
    value: int
    label: str
    flagged: bool = False


@dataclass(frozen=True)
class FigureGroup:
    title: str
    figures: tuple[BriefFigure, ...]


@dataclass(frozen=True)
class BriefRow:
    barrier_id: int
    title: str
    category: str
    severity: str
    severity_label: str
    where: tuple[str, ...]  # "Stage · Agency", in journey order
    where_more: int  # further places not shown
    owner: str = ""  # for barriers with an owner recorded since
    owner_since: datetime | None = None  # only in full detail
    show_category: bool = False  # full detail: a de-identified title already names it

    @property
    def since_text(self) -> str:
        return day_text(self.owner_since) if self.owner_since else ""


@dataclass(frozen=True)
class Brief:
    map_id: int
    pseudonym: str
    full: bool
    made_on: date
    story: str  # the family's situation, cut; empty unless full detail
    figure_groups: tuple[FigureGroup, ...]
    unowned: tuple[BriefRow, ...]
    unowned_more: int
    recorded: tuple[BriefRow, ...]
    recorded_more: int
    barrier_count: int
    map_height: int = 125  # mm of paper for the silo map; brief.css has a class per 5 mm step

    @property
    def made_on_text(self) -> str:
        return day_text(self.made_on)

    @property
    def unowned_total(self) -> int:
        return len(self.unowned) + self.unowned_more

    @property
    def recorded_total(self) -> int:
        return len(self.recorded) + self.recorded_more

    @property
    def rows(self) -> int:
        return len(self.unowned) + len(self.recorded)


@dataclass(frozen=True)
class SiloPicture:
    """The silo map as the page shows it: an SVG, a notice about it, or why there is none."""

    svg: bytes | None = None
    notice: str | None = None
    error: str | None = None

    @property
    def data_uri(self) -> str:
        """The SVG as a data: URI, the same in the page (CSP allows data: images) and in the PDF
        (WeasyPrint reads data: URIs without fetching anything)."""
        if self.svg is None:
            return ""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


def silo_options(view: MapView) -> tuple[SiloOptions, str | None]:
    """What the brief's silo map shows, and a notice when it is simpler than the app's."""
    if len(view.caseworkers) <= MAX_PEOPLE_DRAWN:
        return SiloOptions(), None
    return SiloOptions(show_caseworkers=False), (
        f"Each agency is one box with its counts: {len(view.caseworkers)} caseworkers are too many "
        "to read on one page. The silo map in the app shows each of them."
    )


# The brief's data -------------------------------------------------------------------------------

def build_brief(view: MapView, facts: Iterable[HistoryFact], *, full: bool, made_on: date,
                page_height: float = ANY_PAPER) -> Brief:
    """The brief of a map view. `view` is already de-identified unless `full`; `facts` are the
    barriers' history entries (only their owner changes are read). `page_height` is the paper's
    height inside the margins, in mm: ANY_PAPER for a page the browser prints on A4 or Letter,
    A4_PAPER for the PDF."""
    recorded_at = owners_recorded(facts)
    unowned = [_row(view, b, full=full) for b in sorted(view.unowned_barriers, key=_severity_first)]
    recorded = [
        _row(view, b, full=full, owner=view.owner_text(b) or "An owner",
             since=recorded_at[b.id] if full else None)
        for b in sorted(view.barriers, key=_severity_first)
        if not b.is_unowned and b.id in recorded_at
    ]
    story = _cut(view.situation, MAX_STORY) if full else ""
    paper = Paper(view.pseudonym, story, page_height,
                  notice=silo_options(view)[1] is not None)
    shown_unowned = paper.take(unowned, MAX_UNOWNED_ROWS, write_in=True)
    shown_recorded = paper.take(recorded, MAX_RECORDED_ROWS, write_in=False, subhead=True)
    return Brief(
        map_id=view.id,
        pseudonym=view.pseudonym,
        full=full,
        made_on=made_on,
        story=story,
        figure_groups=brief_figures(view),
        unowned=tuple(shown_unowned),
        unowned_more=len(unowned) - len(shown_unowned),
        recorded=tuple(shown_recorded),
        recorded_more=len(recorded) - len(shown_recorded),
        barrier_count=len(view.barriers),
        map_height=paper.map_height(),
    )


class Paper:
    """How much of one printed page the brief takes, in mm, from the sizes in brief.css (print).

    The page is the smaller of A4 and Letter inside 12 mm margins (ANY_PAPER) for a browser's
    print, A4 for the PDF. Everything but the silo map
    and the table has a fixed height; the table takes rows, most severe first, while the map
    keeps at least MIN_MAP; the map then gets what is left, up to MAX_MAP. The estimates count
    lines generously (wide glyphs), so the page errs on the side of white space, never a second
    page. tests/routes/test_brief.py prints the fullest briefs and counts the pages.
    """

    SAFETY = 6.0
    MIN_MAP, MAX_MAP, STEP = 55, 125, 5
    LINE = 3.75  # a table line: 8.5 pt at line-height 1.25
    CELL = 2.4  # a cell's padding, top and bottom
    WRITE_IN = 8.0  # the blank "Whose job is it?" cell
    # Widths in ems of the type they are set in: the columns (32 / 32 / 25 % of 186 mm, less
    # padding, at 8.5 pt), the category under a title (7.5 pt), the title (17 pt) and the
    # family's words (8.5 pt, the page's width).
    BARRIER_EMS = WHERE_EMS = 18.8
    OWNER_EMS = 14.5
    CATEGORY_EMS = 21.4
    TITLE_EMS = 31.0
    STORY_EMS = 59.0

    def __init__(self, pseudonym: str, story: str, page_height: float = ANY_PAPER, *,
                 notice: bool = False):
        self.page = page_height
        title_lines = lines_of(f"Steering brief: {pseudonym}", self.TITLE_EMS, bold=True)
        head = 5.5 + 7.2 * title_lines + 5.0  # the line above the title, the title, rule and gap
        # The family's words (cut to MAX_STORY), up to three lines, and the space around them.
        said = 3.5 + 3.9 * lines_of(f"In the family's words: {story}", self.STORY_EMS) if story else 0.0
        figures = 43.0  # two rows of figures
        map_frame = 8.0 + (4.0 if notice else 0.0)  # caption (and a notice about the map), margin
        table_frame = 18.0  # heading, caption, column heads (two lines)
        foot = 7.0
        self.used = head + said + figures + map_frame + table_frame + foot + self.SAFETY

    def row_height(self, row: BriefRow, *, write_in: bool) -> float:
        barrier = lines_of(row.title, self.BARRIER_EMS, bold=True)
        if row.show_category:
            barrier += lines_of(row.category, self.CATEGORY_EMS)
        where = sum(lines_of(p, self.WHERE_EMS) for p in row.where) or 1
        where += 1 if row.where_more else 0
        owner = lines_of(f"{row.owner} since 30 September 2099", self.OWNER_EMS, bold=True)
        lines = max(barrier, where, owner if row.owner else 1)
        return max(lines * self.LINE, self.WRITE_IN if write_in else 0.0) + self.CELL

    def take(self, rows: list[BriefRow], most: int, *, write_in: bool,
             subhead: bool = False) -> list[BriefRow]:
        """The first rows that fit (at most `most`), counting the line that says how many more."""
        if not rows:
            return []
        more_line = self.LINE + self.CELL
        room = self.page - self.used - self.MIN_MAP - (more_line + 1.0 if subhead else 0.0)
        taken: list[BriefRow] = []
        height = 0.0
        for row in rows[:most]:
            needed = height + self.row_height(row, write_in=write_in)
            if needed + (more_line if len(taken) + 1 < len(rows) else 0.0) > room:
                break
            taken.append(row)
            height = needed
        self.used += height + (more_line if len(taken) < len(rows) else 0.0)
        self.used += more_line + 1.0 if subhead else 0.0
        return taken

    def map_height(self) -> int:
        left = self.page - self.used
        steps = int(max(self.MIN_MAP, min(self.MAX_MAP, left)) // self.STEP)
        return steps * self.STEP


# Rough glyph widths in ems (DejaVu Sans, the print font; most sans-serifs are narrower), so a
# name of capital Ws is not counted like one of i's. Anything else (accents aside) counts wide.
_NARROW = frozenset("ijl.,:;'|!· ")
_SEMI = frozenset("frt()[]-/\"")
_WIDE = frozenset("mwMW@%")


def ems(text: str, *, bold: bool = False) -> float:
    def width(ch: str) -> float:
        if ch in _NARROW:
            return 0.3
        if ch in _SEMI:
            return 0.42
        if ch in _WIDE:
            return 1.0
        if ch.isupper():
            return 0.72
        if ch.isdigit() or ch.islower():
            return 0.64
        return 1.0

    return sum(width(ch) for ch in text) * (1.1 if bold else 1.0)


def lines_of(text: str, width_ems: float, *, bold: bool = False) -> int:
    """How many lines a text takes in a box this many ems wide, filled word by word as a
    browser does; a word longer than a line is broken (overflow-wrap: anywhere)."""
    width = width_ems * 0.97  # the glyph widths are rough
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


def brief_figures(view: MapView) -> tuple[FigureGroup, ...]:
    """family_figures, grouped for the page. A figure the brief expects but family_figures no
    longer gives is a KeyError here, so a renamed label fails the tests, not the meeting."""
    by_label: dict[str, Figure] = {figure.label: figure for figure in family_figures(view)}
    return tuple(
        FigureGroup(title, tuple(
            BriefFigure(by_label[name].value, by_label[name].label,
                        flagged=name == FLAGGED_FIGURE and by_label[name].value > 0)
            for name in names
        ))
        for title, names in FIGURE_GROUPS
    )


def owners_recorded(facts: Iterable[HistoryFact]) -> dict[int, datetime]:
    """Barrier id -> when it last went from no owner to an owner, for the barriers whose history
    shows that (see the module docstring). `facts` in the order they were written."""
    tracks: dict[int, _Track] = {}
    for fact in facts:
        track = tracks.setdefault(fact.barrier_id, _Track())
        if fact.action == "added":
            track.added(fact.changes)
        elif fact.action == "changed":
            track.changed(fact.changes, fact.at)
    return {barrier_id: t.recorded_at for barrier_id, t in tracks.items() if t.recorded_at}


class _Track:
    """What the history says of one barrier's owner so far: for each owner field, set (True),
    empty (False) or not known (None); `hint` is whether it has an owner when the fields are
    not known (after the one-step form, which names the owner in one piece of text)."""

    def __init__(self) -> None:
        self.fields: dict[str, bool | None] = dict.fromkeys(_OWNER_FIELDS)
        self.hint: bool | None = None
        self.recorded_at: datetime | None = None

    def owned(self) -> bool | None:
        if any(value is True for value in self.fields.values()):
            return True
        if all(value is False for value in self.fields.values()):
            return False
        return self.hint

    def added(self, changes: dict) -> None:
        self.fields = {name: _named(changes.get(name)) for name in _OWNER_FIELDS}
        self.hint = None
        self.recorded_at = None

    def changed(self, changes: dict, at: datetime) -> None:
        if "Owner" in changes:
            before, after = _pair(changes["Owner"])
            was = _named(before)
            if _named(after):
                self.fields, self.hint = dict.fromkeys(_OWNER_FIELDS), True
            else:
                self.fields, self.hint = dict.fromkeys(_OWNER_FIELDS, False), None
            self._moved(was, self.owned(), at)
            return
        mentioned = [name for name in _OWNER_FIELDS if name in changes]
        if not mentioned:
            return
        for name in mentioned:  # what the change says they were before it
            self.fields[name] = _named(_pair(changes[name])[0])
        was = self.owned()
        for name in mentioned:
            self.fields[name] = _named(_pair(changes[name])[1])
        self.hint = None  # the one-step form's "has an owner" no longer says which field holds it
        self._moved(was, self.owned(), at)

    def _moved(self, was: bool | None, now: bool | None, at: datetime) -> None:
        if was is False and now is True:
            self.recorded_at = at
        elif now is not True:
            self.recorded_at = None


def _pair(value) -> tuple:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _named(value) -> bool:
    return isinstance(value, str) and value.strip() not in _NO_OWNER


def _severity_first(barrier: BarrierView):
    """Most severe first; then the barrier the family met at most steps; then the oldest."""
    return (-_SEVERITY_RANK.get(barrier.severity, -1), -len(barrier.touchpoint_ids), barrier.id)


def _row(view: MapView, barrier: BarrierView, *, full: bool, owner: str = "",
         since: datetime | None = None) -> BriefRow:
    places = where_hit(view, barrier)
    return BriefRow(
        barrier_id=barrier.id,
        title=_cut(barrier.title, MAX_TITLE),
        category=barrier.category_label,
        severity=barrier.severity,
        severity_label=barrier.severity_label,
        where=tuple(_cut(p, MAX_PLACE) for p in places[:MAX_PLACES]),
        where_more=max(0, len(places) - MAX_PLACES),
        owner=_cut(owner, MAX_OWNER),
        owner_since=since,
        show_category=full,
    )


def where_hit(view: MapView, barrier: BarrierView) -> list[str]:
    """Where the family met a barrier, "Stage · Agency" once each, in journey order."""
    order = {tp.id: n for n, tp in enumerate(view.touchpoints)}
    stage_name = {s.id: s.name for s in view.stages}
    seen: list[str] = []
    for tp_id in sorted(barrier.touchpoint_ids, key=lambda i: order.get(i, len(order))):
        tp = view.touchpoint(tp_id)
        if tp is None:
            continue
        agency = view.agency(tp.agency_id)
        stage = stage_name.get(tp.stage_id, "Not in a stage")
        text = f"{stage} · {agency.name if agency else 'agency not recorded'}"
        if text not in seen:
            seen.append(text)
    return seen


def day_text(moment: date | datetime) -> str:
    """"5 June 2025": unambiguous on both sides of the Atlantic."""
    return f"{moment.day} {moment:%B %Y}"


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The PDF ---------------------------------------------------------------------------------------

# The PDF is A4; the page printed from a browser takes the printer's paper (brief.css).
A4_PAGE = "\n@page { size: A4 portrait; margin: 12mm; }\n"


def brief_pdf(html: str, css: str, *, title: str) -> bytes:
    """The printed page as PDF, on A4. `html` carries no stylesheet links and no external images;
    `css` is the brief's stylesheet as text."""
    return html_to_pdf(html, css + A4_PAGE, title=title)
