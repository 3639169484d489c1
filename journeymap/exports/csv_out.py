"""Touchpoints and barriers as CSV, for spreadsheets.

One row per touchpoint (journey order) or barrier, with a header row and names, labels and
"Yes"/"No" instead of ids and stored values. The columns are the kinds' declared fields (their
`csv` headers, or their labels), with the few that need more than one cell or a lookup written
here. Every text cell that starts with =, +, -, @, a tab or a carriage return gets a leading
apostrophe, so a spreadsheet shows it as text instead of running it as a formula (OWASP, "CSV
Injection"). Numbers this module writes itself (step numbers, days waited, the feeling score from
-2 to +2) are written as plain numbers and left alone, so they still sort and sum; only text is
escaped. The feeling is given twice: as its label ("Very hard") and as that score. The text starts
with a byte order mark (U+FEFF): Excel reads a CSV file as UTF-8 only when it starts with one, and
without it "—" or "é" come out garbled; LibreOffice, Google Sheets and Python's csv module with
encoding="utf-8-sig" are not bothered by it. Lines end in CRLF, as RFC 4180 says.

Headers, "Yes"/"No" and labels are in the request's language (a download may choose it:
routes/exporting.py); what people typed is written as they typed it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from journeymap.kinds import vocab
from journeymap.kinds.fields import Field, Kind, Type
from journeymap.kinds.items import BARRIER, HANDOFF, INTRODUCTION, TOUCHPOINT
from journeymap.readmodel import handoffs
from journeymap.readmodel.snapshot import MapView

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell a spreadsheet shows as written: text that could start a formula gets an apostrophe.

    Only text is escaped; numbers (this module's own step numbers, days and feeling scores) are
    written as numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def N_(text: str) -> str:
    """Marks a header declared in journeymap.kinds for the catalogue (pybabel extracts N_)."""
    return text


# The CSV headers the kinds declare (Field.csv_headers), for the catalogue: they are data there,
# translated here when written. tests/unit/test_csv_headers_translated.py checks the list is whole.
DECLARED_HEADERS = frozenset((
    N_("What the family had to do"), N_("Where"), N_("Agency"), N_("Sector"), N_("Caseworker"),
    N_("How"), N_("Days waited"), N_("Documents asked for"), N_("Told their story again"),
    N_("Feeling"), N_("Feeling score (-2 to +2)"), N_("Reported by"),
    N_("Title"), N_("What happened"), N_("Category"), N_("Severity"), N_("Whose job"),
    N_("Owning agency"), N_("Owning caseworker"),
    N_("and caseworker"), N_("and agency"), N_("When"), N_("Note"),
    N_("From agency"), N_("From caseworker"), N_("To agency"), N_("To caseworker"), N_("Sent on"),
    N_("What was expected"), N_("Where it began"), N_("Where it ended"),
))


def declared_headers(kind: Kind) -> list[str]:
    """The kind's declared columns' headers, in the request's language."""
    return [_(h) for f in _declared(kind) for h in f.csv_headers]


def _yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def _name(lookup: Callable, item_id: int | None, text_of: Callable) -> str:
    item = lookup(item_id)
    return text_of(item) if item is not None else ""


def cells(view: MapView, declared: Field, item) -> list:
    """The cells of one declared field of an item: as many as its CSV headers."""
    special = SPECIAL_CELLS.get((declared.name, len(declared.csv_headers)))
    if special is not None:
        return special(view, item)
    value = getattr(item, declared.name)
    if declared.type is Type.FLAG:
        return [_yes_no(value)]
    if declared.type is Type.CHOICE:
        return [vocab.label(declared.vocabulary, value) if value is not None else ""]
    if declared.type is Type.NUMBER:
        return [value if value is not None else ""]
    if declared.type is Type.REF and declared.ref == "agency":
        return [_name(view.agency, value, lambda a: a.name)]
    if declared.type is Type.REF and declared.ref == "caseworker":
        return [_name(view.caseworker, value, lambda c: c.display_name)]
    if declared.type is Type.REF and declared.ref == "touchpoint":
        return [_name(view.touchpoint, value, lambda t: t.action)]
    if declared.type is Type.DATE:
        return [value.isoformat() if value is not None else ""]
    return [value]


# Fields whose cells need more than their own value (name, number of headers) -> cells.
SPECIAL_CELLS = {
    ("agency_id", 2): lambda view, tp: [
        _name(view.agency, tp.agency_id, lambda a: a.name),
        _name(view.agency, tp.agency_id, lambda a: a.sector_label),
    ],
    ("documents", 1): lambda view, tp: ["; ".join(tp.document_list)],
    ("feeling", 2): lambda view, tp: [
        tp.feeling_label if tp.feeling is not None else "",
        tp.feeling if tp.feeling is not None else "",
    ],
    ("owner_agency_id", 2): lambda view, b: [
        view.owner_text(b) or _("No one"),
        _name(view.agency, view.barrier_owner_agency_id(b), lambda a: a.name),
    ],
}


WORD_HEADER = _l("Family's word")


def word_cell(view: MapView, kind: str, item_id: int) -> str:
    """ "Disputed by the family: Nobody called back" (the comment only where the view keeps it)."""
    word = view.word_on(kind, item_id)
    if word is None:
        return ""
    return f"{word.verdict_label}: {word.comment}" if word.comment else word.verdict_label


def _declared(kind: Kind) -> list[Field]:
    return [f for f in kind.content if f.csv_headers]


def touchpoints_csv(view: MapView) -> str:
    """One row per touchpoint, in journey order; see the module docstring for the escaping and BOM."""
    stage_of = {tp.id: stage.name for stage in view.stages for tp in stage.touchpoints}
    declared = _declared(TOUCHPOINT)
    header = [_("Step"), _("Stage"), *declared_headers(TOUCHPOINT), _("Barriers"), str(WORD_HEADER)]
    rows = []
    for step, tp in enumerate(view.touchpoints, 1):
        rows.append([
            step, stage_of[tp.id], *(cell for f in declared for cell in cells(view, f, tp)),
            "; ".join(b.title for b in view.barriers_at(tp.id)), word_cell(view, TOUCHPOINT.name, tp.id),
        ])
    return _csv(header, rows)


def barriers_csv(view: MapView) -> str:
    """One row per barrier; "Where it showed up" gives the touchpoints' step numbers and actions."""
    step_of = {tp.id: step for step, tp in enumerate(view.touchpoints, 1)}
    declared = _declared(BARRIER)
    header = [_("Barrier"), *declared_headers(BARRIER), _("Touchpoints"), _("Where it showed up"),
              str(WORD_HEADER)]
    rows = []
    for number, b in enumerate(view.barriers, 1):
        at = sorted((tp for tp in b.touchpoint_ids if tp in step_of), key=step_of.get)
        rows.append([
            number, *(cell for f in declared for cell in cells(view, f, b)),
            len(at), "; ".join(f"{step_of[tp]}. {view.touchpoint(tp).action}" for tp in at),
            word_cell(view, BARRIER.name, b.id),
        ])
    return _csv(header, rows)


def introductions_csv(view: MapView) -> str:
    """One row per introduction made, oldest first: the two (caseworkers or agencies), when, how, note."""
    declared = _declared(INTRODUCTION)
    header = declared_headers(INTRODUCTION)
    rows = [[cell for f in declared for cell in cells(view, f, item)] for item in view.introductions]
    return _csv(header, rows)


def handoffs_csv(view: MapView, today) -> str:
    """One row per handoff, dropped ones first (the Handoffs page's order), with its step, whether
    it was dropped, the days it waited or took to be received, and the barrier it became."""
    declared = _declared(HANDOFF)
    header = [_("Handoff"), *declared_headers(HANDOFF), _("Step"), _("Dropped"),
              _("Days until received (or waiting)"), _("Answered by"), _("Why they declined"),
              _("Became the barrier")]
    rows = []
    for number, h in enumerate(handoffs.listed(view, today), 1):
        barrier = view.barrier(h.barrier_id)
        rows.append([
            number, *(cell for f in declared for cell in cells(view, f, h)), h.status_label,
            _yes_no(handoffs.is_dropped(h, view, today)),
            handoffs.days_lost(h, today) if h.sent_on is not None else "",
            h.answered_by, h.decline_reason, barrier.title if barrier else "",
        ])
    return _csv(header, rows)
