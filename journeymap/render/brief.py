"""The steering brief: one printed page a leader takes into a steering meeting.

Pure: a map view (de-identified unless full detail was chosen) and when each barrier's owner was
recorded (Barrier.owner_recorded_at) go in, plain data for the page and the PDF comes out
(`build_brief`); `brief_pdf` turns the printed HTML into a PDF with WeasyPrint, which never
fetches anything.

What the page holds: the family's figures (journeymap.readmodel.metrics.family_figures), the silo map, and
the barriers no one owns, most severe first, with an empty "Whose job is it?" column to write
in at the meeting; below them, the barriers that were once unowned and have had an owner
recorded since, with that owner. How many rows fit on the page, and how tall the silo map is,
is journeymap.render.brief_paper's.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from journeymap.bidi import isolate
from journeymap.kinds import vocab
from journeymap.readmodel.metrics import Figure, family_figures
from journeymap.readmodel.snapshot import BarrierView, MapView
from journeymap.render.brief_paper import ANY_PAPER, Paper
from journeymap.render.pdf import html_to_pdf
from journeymap.render.silo import SiloOptions

# Long texts are cut so that a row stays a few lines high on paper.
MAX_TITLE = 80
MAX_PLACE = 48
MAX_PLACES = 2
MAX_OWNER = 60
MAX_STORY = 300
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
    # Next steps past their date on the day the brief is made (journeymap.readmodel.follow_up).
    overdue_total: int = 0
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

def build_brief(view: MapView, recorded_at: Mapping[int, datetime], *, full: bool, made_on: date,
                page_height: float = ANY_PAPER) -> Brief:
    """The brief of a map view. `view` is already de-identified unless `full`; `recorded_at` says
    when each barrier that once had no owner was given one (its owner_recorded_at), the date shown
    only in full detail. `page_height` is the paper's height inside the margins, in mm: ANY_PAPER
    for a page the browser prints on A4 or Letter, A4_PAPER for the PDF."""
    unowned = [_row(view, b, full=full) for b in sorted(view.unowned_barriers, key=_severity_first)]
    recorded = [
        _row(view, b, full=full, owner=view.owner_text(b, isolate) or "An owner",
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
        overdue_total=len(view.overdue_commitments(made_on)),
        map_height=paper.map_height(),
    )


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
        # A generated title ("Barrier 2: Waiting") has the category in it; the group's words do not.
        show_category=full or barrier.category_label not in barrier.title,
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
        stage = isolate(stage_name[tp.stage_id]) if tp.stage_id in stage_name else "Not in a stage"
        # Each name isolated, so that neither can turn the " · " between them around.
        text = f"{stage} · {isolate(agency.name) if agency else 'agency not recorded'}"
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
