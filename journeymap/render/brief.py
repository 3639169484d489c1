"""The steering brief: one printed page a leader takes into a steering meeting.

Pure: a map view (de-identified unless full detail was chosen) and what changed since the last
steering meeting (journeymap.readmodel.since_meeting, computed from the full view, which keeps the
days) go in, plain data for the page and the PDF comes out (`build_brief`); `brief_pdf` turns
the printed HTML into a PDF with WeasyPrint, which never fetches anything.

What the page holds: the family's figures (journeymap.readmodel.metrics.family_figures), the silo map, and
the barriers no one owns, most severe first (and since when, once a meeting is recorded), with an
empty "Whose job is it?" column to write in at the meeting; below them, what changed since the last
meeting, each with its day: owners who declined, next steps overdue, barriers newly owned, next
steps kept, progress recorded, new barriers. How many rows fit on the page, and how tall the silo map is,
is journeymap.render.brief_paper's.

Its words are in the request's language: the reader's for the page, the download's for the PDF
(flask_babel.force_locale in routes/brief.py). Figures are looked up by their English names
(journeymap.readmodel.metrics) and translated when shown.
"""

from __future__ import annotations

import base64
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime

from flask import has_app_context
from flask_babel import force_locale, ngettext, pgettext
from flask_babel import gettext as _

from journeymap import clock, i18n
from journeymap.bidi import isolate
from journeymap.kinds import vocab
from journeymap.kinds.fields import Privacy
from journeymap.kinds.items import FOLLOW_UP_KINDS, KINDS
from journeymap.readmodel import family_word, handoffs
from journeymap.readmodel.at_the_table import Table
from journeymap.readmodel.introductions import introductions
from journeymap.readmodel.metrics import Figure, family_figures
from journeymap.readmodel.since_meeting import Change, SinceMeeting
from journeymap.readmodel.snapshot import BarrierView, MapView
from journeymap.render.brief_paper import ANY_PAPER, Paper
from journeymap.render.pdf import html_to_pdf
from journeymap.render.silo import SiloOptions
from journeymap.render.text import lines_of

# Long texts are cut so that a row stays a few lines high on paper.
MAX_TITLE = 80
MAX_PLACE = 48
MAX_PLACES = 2
MAX_OWNER = 60
MAX_STORY = 300
# However much room there is, a table longer than this is not a brief.
MAX_UNOWNED_ROWS = 10
MAX_SINCE_ROWS = 8
FIRST_UNOWNED_ROWS = 2  # barriers no one owns that come before any change since the meeting
MAX_SAID = 70  # the words of a next step, progress entry or reason shown in a row

# Past this many caseworkers a one-page drawing of every person is unreadable (and slow to
# print): the brief draws one box per agency with its counts, and says so.
MAX_PEOPLE_DRAWN = 40

def N_(text: str) -> str:
    """Marks an English name for the catalogue (pybabel extracts N_) where it is kept as a key and
    translated only when shown."""
    return text


# Figures from the family's side first, then the services, then the barriers.
FIGURE_GROUPS = (
    (N_("The family's side"), (
        N_("things the family had to do"), N_("places they had to go"),
        N_("times they told their story again"), N_("documents asked for"), N_("days spent waiting"),
        N_("times they were sent on"), N_("handoffs received"),
    )),
    (N_("The services"), (N_("agencies involved"), N_("caseworkers holding a file"),
                          N_("caseworkers who left"), N_("handovers with nothing passed on"))),
    (N_("Barriers and handoffs"), (N_("barriers"), N_("barriers no one owns"), N_("handoffs dropped"),
                                   N_("days lost in handoffs"))),
)
# Handoffs (journeymap.readmodel.handoffs), counted on the day the brief is made: how many times the
# family was sent on, how many of those were received, how many dropped, and the days lost waiting.
# In the rows the other figures stand in, so the page keeps its two rows of figures.
HANDOFF_FIGURES = ("times they were sent on", "handoffs received", "handoffs dropped",
                   "days lost in handoffs")
FLAGGED_FIGURES = ("barriers no one owns", "handoffs dropped")

# The brief's foot: what the page shows and what it leaves out. Here rather than in the template, as
# its length in the reader's language is part of what fits on the page (brief_paper.Paper).
FOOT_FULL = N_("Full detail: names, the family's story and dates. Confidential; do not pass on.")
FOOT_DEIDENTIFIED = N_("De-identified: pseudonym, roles and agencies, and the group's words for barriers and "
                       "stages as a facilitator checked them; no names, no story, no dates of the family.")


def since_heading(count: int, day: str) -> str:
    """The heading of the changes since the last meeting, in the table: its length counts on paper."""
    return ngettext("Since the last meeting, %(day)s (%(num)d change): declined, overdue, owned, done, "
                    "progress, new",
                    "Since the last meeting, %(day)s (%(num)d changes): declined, overdue, owned, done, "
                    "progress, new", count, day=day)


# The silo map's caption (with its notice, when there is one) and the table's: one line each in
# English, which Paper counts; another language's may take two.
MAP_CAPTION = N_("Each shaded box is an agency, a silo holding its caseworkers. Barriers no one owns "
                 "stand outside every silo.")
MAP_CAPTION_WITH_NOTICE = N_("Each shaded box is an agency, a silo. Barriers no one owns stand outside "
                             "every silo.")
TABLE_CAPTION = N_("Most severe first. “Whose job is it?” is left blank to fill in at the meeting.")
# The column heads of the barriers' table, as Paper measures them (the template shows the same).
WHERE_HEAD = N_("Where the family hit it")
WHERE_NOTE = N_("(stage · agency)")


# mm kept over on a brief in another language than English: the lengths above are measured in
# English where the page's fixed parts were sized, and translated words wrap in places not counted
# one by one. The demo map's Spanish brief printed from Chromium on Letter came out 7 mm taller than
# counted after the measures above (figures, captions, column heads, foot, subhead).
TRANSLATED_SLACK = 8.0


def foot_line(map_id: int) -> str:
    """The foot's second part: which map, and the question the brief asks."""
    which, question = _("map %(id)s", id=map_id), _("Whose job is it to fix this?")
    return f"journeymap · {which} · {question}"


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
    owner: str = ""  # for a change since the last meeting: what changed, in words
    owner_since: date | None = None  # the day it changed (None: not known)
    when_word: str = ""  # "on", "due": said before the day (set for a change since the meeting)
    unowned_since: date | None = None  # a barrier no one owns, since when (once a meeting is recorded)
    show_category: bool = False  # full detail: a de-identified title already names it

    @property
    def since_text(self) -> str:
        return day_text(self.owner_since) if self.owner_since else ""

    @property
    def is_change(self) -> bool:
        return bool(self.when_word)

    @property
    def unowned_since_text(self) -> str:
        return day_text(self.unowned_since) if self.unowned_since else ""


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
    recorded: tuple[BriefRow, ...]  # changes since the last meeting, one a row: those the paper holds
    recorded_more: int
    barrier_count: int
    # The changes the paper has no room for: the page in the app shows them (never printed).
    recorded_rest: tuple[BriefRow, ...] = ()
    last_meeting: date | None = None  # None: no steering meeting recorded yet
    # Next steps past their date on the day the brief is made (journeymap.readmodel.follow_up).
    overdue_total: int = 0
    # Connections (issue 10): how many of the people holding a file know each other, and who is at
    # the table (journeymap.readmodel.introductions, .at_the_table). "" when not made.
    in_touch: str = ""
    at_table: str = ""
    nobody_at_table: str = ""  # agencies holding a file with nobody at the table, a few named
    connections_printed: bool = False  # on paper too (else the page has room only for the tables)
    map_height: int = 125  # mm of paper for the silo map; brief.css has a class per 5 mm step
    # The family's word (journeymap.readmodel.family_word): "The family confirmed 12 of 16 steps;
    # 2 disputed.", one a kind with items.
    family_word: tuple[str, ...] = ()

    MAP_CAPTION = MAP_CAPTION
    MAP_CAPTION_WITH_NOTICE = MAP_CAPTION_WITH_NOTICE
    TABLE_CAPTION = TABLE_CAPTION
    WHERE_HEAD, WHERE_NOTE = WHERE_HEAD, WHERE_NOTE

    @property
    def since_heading(self) -> str:
        return since_heading(self.recorded_total, self.last_meeting_text)

    @property
    def foot_note(self) -> str:
        return _(FOOT_FULL if self.full else FOOT_DEIDENTIFIED)

    @property
    def foot_line(self) -> str:
        return foot_line(self.map_id)

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
    def last_meeting_text(self) -> str:
        return day_text(self.last_meeting) if self.last_meeting else ""

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
    return SiloOptions(show_caseworkers=False), _(
        "Each agency is one box with its counts: %(count)s caseworkers are too many to read on one "
        "page. The silo map in the app shows each of them.", count=i18n.number(len(view.caseworkers)),
    )


# The brief's data -------------------------------------------------------------------------------

def build_brief(view: MapView, since: SinceMeeting | None, *, full: bool, made_on: date,
                page_height: float = ANY_PAPER, table: Table | None = None,
                whole: MapView | None = None) -> Brief:
    """The brief of a map view. `view` is already de-identified unless `full`; `since` is what
    changed since the map's last steering meeting (None: no meeting recorded), made from the full
    view; the words of each change come from `view`, so a de-identified brief says only what its
    view keeps. `page_height` is the paper's height inside the margins, in mm: ANY_PAPER for a page
    the browser prints on A4 or Letter, A4_PAPER for the PDF. `whole`: the full view, for what only
    its days can say (dropped handoffs, days lost); `view` when it is the full one."""
    unowned_since = {c.barrier_id: shown_day(c, full) for c in since.still_unowned} if since else {}
    unowned = [_row(view, b, full=full, unowned_since=unowned_since.get(b.id))
               for b in sorted(view.unowned_barriers, key=_severity_first)]
    recorded = since_rows(view, since, full=full) if since else []
    story = _cut(view.situation, MAX_STORY) if full else ""
    figure_groups = brief_figures(view, made_on, whole)
    paper = Paper(view.pseudonym, story, page_height, notice=silo_options(view)[1] is not None)
    note = FOOT_FULL if full else FOOT_DEIDENTIFIED
    with force_locale(i18n.DEFAULT) if has_app_context() else nullcontext():
        english_foot = (note, foot_line(view.id))
    paper.used += paper.longer_foot((_(note), foot_line(view.id)), english_foot)
    if has_app_context() and i18n.current_language() != i18n.DEFAULT:
        paper.used += TRANSLATED_SLACK
    paper.used += paper.longer_heads(((_(WHERE_HEAD), _(WHERE_NOTE)), (WHERE_HEAD, WHERE_NOTE)))
    for caption in (MAP_CAPTION, MAP_CAPTION_WITH_NOTICE if silo_options(view)[1] else None, TABLE_CAPTION):
        if caption:
            paper.used += paper.longer_line(_(caption), caption)
    paper.used += paper.longer_figure_labels(
        [[(figure.label, name, figure.flagged) for figure, name in zip(group.figures, names, strict=True)]
         for group, (_title, names) in zip(figure_groups, FIGURE_GROUPS, strict=True)])
    if not recorded:  # the line saying there is no meeting yet, or nothing since it
        paper.used += 2 * paper.LINE + paper.CELL
    word = tuple(t.words for t in family_word.tallies(view))
    paper.used += (paper.LINE + paper.CELL) if word else 0.0  # one line under the figures
    # Both tables matter at the meeting: the most severe barriers no one owns first, then the
    # changes since the last meeting, then more of the barriers no one owns if there is room.
    shown_unowned = paper.take(unowned, FIRST_UNOWNED_ROWS, write_in=True)
    subhead = since_heading(len(recorded), day_text(since.meeting_day)) if recorded else None
    shown_recorded = paper.take(recorded, MAX_SINCE_ROWS, write_in=False, subhead=subhead)
    if len(shown_unowned) == FIRST_UNOWNED_ROWS:
        shown_unowned += paper.take(unowned[FIRST_UNOWNED_ROWS:], MAX_UNOWNED_ROWS - FIRST_UNOWNED_ROWS,
                                    write_in=True)
    # Who is at the table comes after both tables on paper: printed when the silo map can give up
    # its lines and keep its least height, else shown on the screen only (the tables come first).
    connections = _connections(view, table)
    words = f"Who is at the table: {connections[0]} Nobody at the table from: {connections[1]}. " \
            f"{connections[2]}"
    cost = 2.0 + 3.9 * lines_of(words, paper.STORY_EMS)  # 8.5 pt lines, as the family's words
    printed = table is not None and paper.page - paper.used - cost >= paper.MIN_MAP
    if printed:
        paper.used += cost
    return Brief(
        map_id=view.id,
        pseudonym=view.pseudonym,
        full=full,
        made_on=made_on,
        story=story,
        figure_groups=figure_groups,
        unowned=tuple(shown_unowned),
        unowned_more=len(unowned) - len(shown_unowned),
        recorded=tuple(shown_recorded),
        recorded_more=len(recorded) - len(shown_recorded),
        recorded_rest=tuple(recorded[len(shown_recorded):]),
        barrier_count=len(view.barriers),
        last_meeting=since.meeting_day if since else None,
        overdue_total=len(view.overdue_commitments(made_on)),
        at_table=connections[0], nobody_at_table=connections[1], in_touch=connections[2],
        connections_printed=printed,
        map_height=paper.map_height(),
        family_word=word,
    )


# Agencies named as having nobody at the table, at most: past it, "and N more" (a synthetic map
# with 100 agencies must still print on one page).
NOBODY_NAMED = 4


def _connections(view: MapView, table: Table | None) -> tuple[str, str, str]:
    """(who is at the table, the agencies with nobody there, how many know each other), in words."""
    if table is None:
        return "", "", ""
    missing = [row.agency.name for row in table.missing]
    nobody = "; ".join(missing[:NOBODY_NAMED])
    if len(missing) > NOBODY_NAMED:
        nobody += "; " + _("and %(count)d more", count=len(missing) - NOBODY_NAMED)
    return table.summary, nobody, introductions(view, shown=0).summary


def brief_figures(view: MapView, today: date | None = None,
                  whole: MapView | None = None) -> tuple[FigureGroup, ...]:
    """family_figures, grouped for the page, and the handoffs' figures on `today` when the map has
    handoffs, counted from `whole` (the full view: a de-identified one has no days to count from).
    A figure the brief expects but family_figures no longer gives is a KeyError here, so a renamed
    label fails the tests, not the meeting."""
    by_label: dict[str, Figure] = {figure.label: figure for figure in family_figures(view)}
    counted = handoffs.figures(whole or view, today or clock.today())
    values = (counted.sent, counted.received, counted.dropped, counted.days_lost)
    by_label |= {name: Figure(value, name) for name, value in zip(HANDOFF_FIGURES, values, strict=True)}
    return tuple(
        FigureGroup(_(title), tuple(
            BriefFigure(by_label[name].value, _(by_label[name].label),
                        flagged=name in FLAGGED_FIGURES and by_label[name].value > 0)
            for name in names
        ))
        for title, names in FIGURE_GROUPS
    )


def _severity_first(barrier: BarrierView):
    """Most severe first; then the barrier the family met at most steps; then the oldest."""
    return (-_SEVERITY_RANK.get(barrier.severity, -1), -len(barrier.touchpoint_ids), barrier.id)


def since_rows(view: MapView, since: SinceMeeting, *, full: bool) -> list[BriefRow]:
    """One row per change since the meeting, in the order a room acts on them: declined (no one's
    again), overdue, newly owned, kept, progress, new. Words from `view`; days from `since`."""
    commitment = {c.id: c for c in view.commitments}
    progress = {p.id: p for c in view.commitments for p in c.progress}

    def said(change: Change, what: str) -> str:
        """A commitment's or progress entry's own words, when the view keeps them."""
        if what == "progress":
            item = progress.get(change.progress_id)
        else:
            item = commitment.get(change.commitment_id)
        if item is None:
            return ""
        if what == "progress":
            return item.what_was_done or item.what_is_blocking
        return item.what_changed if what == "kept" else item.next_step

    def declined_words(change: Change) -> str:
        barrier = view.barrier(change.barrier_id)
        return barrier.decline_reason if barrier is not None else ""

    # Said before the day: "on 5 June 2025", "due …", "since …", "added …".
    on, due = pgettext("said before a day", "on"), pgettext("said before a day", "due")
    owned_since, added = pgettext("said before a day", "since"), pgettext("said before a day", "added")
    groups = (
        (since.declined, _("Declined"), on, declined_words),
        (since.overdue, "◷ " + _("Next step overdue"), due, lambda c: said(c, "step")),
        (since.newly_owned, None, owned_since, None),
        (since.kept, _("Next step done"), on, lambda c: said(c, "kept")),
        (since.progress, _("Progress"), on, lambda c: said(c, "progress")),
        (since.new_barriers, _("New barrier"), added, lambda c: ""),
    )
    rows = []
    for changes, words, when_word, words_of in groups:
        for change in changes:
            barrier = view.barrier(change.barrier_id)
            if barrier is None:
                continue
            if words_of is None:  # who owns it now, in the view's own words
                text = _("Owned by %(owner)s", owner=view.owner_text(barrier, isolate) or _("an owner"))
            else:
                extra = _cut(words_of(change), MAX_SAID)
                text = f"{words}: {isolate(extra)}" if extra else words
            rows.append(_row(view, barrier, full=full, owner=text, since=shown_day(change, full),
                             when_word=when_word, places=False))
    return rows


def shown_day(change: Change, full: bool) -> date | None:
    """A change's day, in full detail; de-identified, only when the field it is read from is kept
    (a next step's due day, a progress entry's day), as de-identification keeps that field."""
    kind_name, field_name = change.day_from
    kind = KINDS.get(kind_name) or FOLLOW_UP_KINDS[kind_name]
    return change.day if full or kind.field(field_name).privacy is Privacy.KEPT else None


def _row(view: MapView, barrier: BarrierView, *, full: bool, owner: str = "", since: date | None = None,
         when_word: str = "", unowned_since: date | None = None, places: bool = True) -> BriefRow:
    """A barrier's row; `places=False` for a change since the meeting, which says what changed
    rather than where the family met the barrier (the rows above say that)."""
    places = where_hit(view, barrier) if places else []
    return BriefRow(
        barrier_id=barrier.id,
        title=_cut(barrier.title, MAX_TITLE),
        category=barrier.category_label,
        severity=barrier.severity,
        severity_label=barrier.severity_label,
        where=tuple(_cut(p, MAX_PLACE) for p in places[:MAX_PLACES]),
        where_more=max(0, len(places) - MAX_PLACES),
        owner=_cut(owner, MAX_OWNER + MAX_SAID),
        owner_since=since,
        when_word=when_word,
        unowned_since=unowned_since,
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
        stage = isolate(stage_name[tp.stage_id]) if tp.stage_id in stage_name else _("Not in a stage")
        # Each name isolated, so that neither can turn the " · " between them around.
        text = f"{stage} · {isolate(agency.name) if agency else _('agency not recorded')}"
        if text not in seen:
            seen.append(text)
    return seen


def day_text(moment: date | datetime) -> str:
    """"5 June 2025", "5 de junio de 2025": unambiguous on both sides of the Atlantic, in the
    request's language (journeymap.i18n.day); English without an app (the pure tests)."""
    return i18n.day(moment) if has_app_context() else f"{moment.day} {moment:%B %Y}"


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
