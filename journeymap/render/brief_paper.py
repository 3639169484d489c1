"""How much of one printed page the steering brief takes, so it stays one page.

The brief's data (journeymap.render.brief) asks Paper how many rows of each table fit and how
tall the silo map can be; the sizes come from brief.css (print) and the text widths from the
font the page is set in (journeymap.render.text).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from journeymap.render.text import ems, lines_of

if TYPE_CHECKING:
    from journeymap.render.brief import BriefRow

# Paper heights inside 12 mm margins, in mm: Letter (the shorter of A4 and Letter), and A4.
ANY_PAPER = 279.4 - 24
A4_PAPER = 297.0 - 24


class Paper:
    """How much of one printed page the brief takes, in mm, from the sizes in brief.css (print).

    The page is the smaller of A4 and Letter inside 12 mm margins (ANY_PAPER) for a browser's
    print, A4 for the PDF. Everything but the silo map
    and the table has a fixed height; the table takes rows, most severe first, while the map
    keeps at least MIN_MAP; the map then gets what is left, up to MAX_MAP. Lines are counted
    with DejaVu Sans's own widths against slightly narrower boxes (text.lines_of), and SAFETY
    mm are kept over, so the page errs on the side of white space, never a second page.
    tests/routes/test_brief.py prints the fullest briefs and counts the pages.
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

    FIGURE_ROW = 21.5  # one row of figure groups: its heading, a figure's two lines and number, gap

    def __init__(self, pseudonym: str, story: str, page_height: float = ANY_PAPER, *,
                 notice: bool = False, figure_rows: int = 2):
        self.page = page_height
        title_lines = lines_of(f"Steering brief: {pseudonym}", self.TITLE_EMS, bold=True)
        head = 5.5 + 7.2 * title_lines + 5.0  # the line above the title, the title, rule and gap
        # The family's words (cut to MAX_STORY), up to three lines, and the space around them.
        said = 3.5 + 3.9 * lines_of(f"In the family's words: {story}", self.STORY_EMS) if story else 0.0
        figures = self.FIGURE_ROW * figure_rows  # two rows of figures; three with handoffs
        map_frame = 8.0 + (4.0 if notice else 0.0)  # caption (and a notice about the map), margin
        table_frame = 18.0  # heading, caption, column heads (two lines)
        foot = 7.0
        self.used = head + said + figures + map_frame + table_frame + foot + self.SAFETY

    FIGURE_LINE = 3.3  # a figure's label: 7.5 pt at line-height 1.25
    PAGE_WIDTH = 186.0  # A4 inside 12 mm margins (Letter's is wider: this errs the safe way)
    FIGURE_EM = 7.5 * 25.4 / 72  # mm

    FOOT_LINE = 3.1  # 7 pt at line-height 1.25
    FOOT_EMS = PAGE_WIDTH / (7 * 25.4 / 72)

    def foot_lines(self, note: str, line: str) -> int:
        """The foot's two parts side by side, each on lines of its own once they do not fit together
        (brief.css: a wrapping flex row)."""
        if lines_of(f"{note}      {line}", self.FOOT_EMS) == 1:
            return 1
        return lines_of(note, self.FOOT_EMS) + lines_of(line, self.FOOT_EMS)

    def longer_foot(self, shown: tuple[str, str], english: tuple[str, str]) -> float:
        """The height the foot takes beyond its English words, which `foot` counts."""
        return max(0, self.foot_lines(*shown) - self.foot_lines(*english)) * self.FOOT_LINE

    # The map's caption sits inside the figure's margins: measured against nine tenths of the page,
    # as the Spanish caption of 140 characters took two lines where one was counted.
    CAPTION_EMS = 0.9 * (PAGE_WIDTH - 3.0) / (7.5 * 25.4 / 72)
    # The "where" column's head in print: "Where the family hit it (stage · agency)", 21.2 ems of
    # 7.5 pt (its note not bold), takes one line; the Spanish, 24.7 ems, two. Heads are short: counted
    # by their width, not word by word.
    HEAD_EMS = 23.0

    def longer_heads(self, where: tuple[tuple[str, str], tuple[str, str]]) -> float:
        """The height the table's column heads take beyond their English words: the "where"
        column's (head, note), shown and in English."""
        def lines(head: str, note: str) -> int:
            return math.ceil((ems(head, bold=True) + ems(" " + note)) / self.HEAD_EMS)

        return max(0, lines(*where[0]) - lines(*where[1])) * self.CAPTION_LINE
    CAPTION_LINE = 3.3  # 7.5 pt at line-height 1.25

    def longer_line(self, shown: str, english: str) -> float:
        """The height a caption across the page takes beyond its English words."""
        more = lines_of(shown, self.CAPTION_EMS) - lines_of(english, self.CAPTION_EMS)
        return max(0, more) * self.CAPTION_LINE

    def longer_figure_labels(self, groups: list[list[tuple[str, str, bool]]]) -> float:
        """The height, in mm, that the figures' labels take beyond their English ones, whose
        height FIGURE_ROW already counts: another language's words are often longer ("veces que
        contaron su historia otra vez") and a label of more lines makes its whole row taller.
        `groups`: per group, (the label as shown, its English name, flagged: bold after a flag). The
        first group is a row of its own; the others share the second, two side by side (brief.css,
        print)."""
        shown_lines, english_lines = [0, 0], [0, 0]  # the tallest label of each row
        for index, figures in enumerate(groups):
            row = min(index, 1)
            group_mm = self.PAGE_WIDTH if index == 0 else (self.PAGE_WIDTH - 4.0) / 2
            ems = ((group_mm - 2.0 * (len(figures) - 1)) / max(len(figures), 1) - 4.4) / self.FIGURE_EM
            for shown, english, flagged in figures:
                flag = "⚑ " if flagged else ""
                shown_lines[row] = max(shown_lines[row], lines_of(flag + shown, ems, bold=flagged))
                english_lines[row] = max(english_lines[row], lines_of(flag + english, ems, bold=flagged))
        return sum(max(0, s - e) for s, e in zip(shown_lines, english_lines, strict=True)) * self.FIGURE_LINE

    SUBHEAD_EMS = (PAGE_WIDTH - 3.0) / (8 * 25.4 / 72)  # the table's width less padding, at 8 pt

    def row_height(self, row: BriefRow, *, write_in: bool) -> float:
        barrier = lines_of(row.title, self.BARRIER_EMS, bold=True)
        if row.show_category:
            barrier += lines_of(row.category, self.CATEGORY_EMS)
        if row.unowned_since:  # "no one's since 16 November 2026" under the title
            barrier += 1
        where = sum(lines_of(p, self.WHERE_EMS) for p in row.where) or 1
        where += 1 if row.where_more else 0
        # The longest day there is, in English; or the row's own words, if longer (another language's).
        owner = max(lines_of(f"{row.owner} since 30 September 2099", self.OWNER_EMS, bold=True),
                    lines_of(f"{row.owner} {row.when_word} {row.since_text}", self.OWNER_EMS, bold=True))
        lines = max(barrier, where, owner if row.owner else 1)
        return max(lines * self.LINE, self.WRITE_IN if write_in else 0.0) + self.CELL

    def take(self, rows: list[BriefRow], most: int, *, write_in: bool,
             subhead: str | None = None) -> list[BriefRow]:
        """The first rows that fit (at most `most`), counting the line that says how many more."""
        if not rows:
            return []
        more_line = self.LINE + self.CELL
        # The subhead's first line is counted as before; a longer one (another language's words)
        # takes more lines across the table, at 8 pt bold.
        subhead_h = more_line + 1.0 + self.LINE * (lines_of(subhead, self.SUBHEAD_EMS, bold=True) - 1) \
            if subhead else 0.0
        room = self.page - self.used - self.MIN_MAP - subhead_h
        taken: list[BriefRow] = []
        height = 0.0
        for row in rows[:most]:
            needed = height + self.row_height(row, write_in=write_in)
            if needed + (more_line if len(taken) + 1 < len(rows) else 0.0) > room:
                break
            taken.append(row)
            height = needed
        self.used += height + (more_line if len(taken) < len(rows) else 0.0)
        self.used += subhead_h
        return taken

    def map_height(self) -> int:
        left = self.page - self.used
        steps = int(max(self.MIN_MAP, min(self.MAX_MAP, left)) // self.STEP)
        return steps * self.STEP
