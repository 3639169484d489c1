"""The journey view drawn as SVG, from its layout (journey_layout). Pure; no dot.

The SVG is written by hand. User text only ever goes into text nodes (<text>, <title>, <desc>),
escaped and stripped of control characters; ids are opaque (`jv-tp-12`), never user text. There
is no XML declaration, so the same text works as a file and inline in a page. Text is cut to its
box with journeymap.render.text, which measures the font named here; colours come from
journeymap.render.palette, shared with the silo map.

routes/journey_view.py draws the page's pinned headings with the same sizes, colours and layout,
read from this module as `jv.*`; `__all__` lists what it may use.
"""

from __future__ import annotations

from collections import defaultdict
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from journeymap.kinds import vocab
from journeymap.readmodel.snapshot import BarrierView, MapView, TouchpointView
from journeymap.render.journey_layout import (
    BARRIER_LINE_H,
    CARD_BASE_H,
    CARD_PAD,
    FONT,
    HEADER_W,
    KEY_ITEMS,
    KEY_ROW_H,
    LEVELS,
    MARGIN,
    MAX_BARRIER_LINES,
    NO_AGENCY_NAME,
    SIZE_ACTION,
    SIZE_HEAD,
    SIZE_SMALL,
    SIZE_TEXT,
    SIZE_TITLE,
    STAGE_HEAD_H,
    JourneyLayout,
    layout_journey,
)
from journeymap.render.journey_marks import diamond, feeling_mark, flag
from journeymap.render.labels import typed
from journeymap.render.palette import (
    CARD_BORDER,
    HEADER_TINT,
    INK,
    LANE_TINT,
    MUTED,
    OWNED_TINT,
    PAPER,
    RULE,
    STRIP_TINT,
    UNOWNED_TEXT,
    UNOWNED_TINT,
    VERMILLION,
)
from journeymap.render.text import fit, text_width, wrap

__all__ = [
    "CARD_BORDER",
    "EMPTY_MESSAGE",
    "FONT",
    "HEADER_TINT",
    "HEADER_W",
    "INK",
    "MARGIN",
    "MUTED",
    "PAPER",
    "RULE",
    "SIZE_HEAD",
    "SIZE_TEXT",
    "STAGE_HEAD_H",
    "JourneyLayout",
    "build_journey_svg",
    "layout_journey",
]

EMPTY_MESSAGE = _l("No touchpoints yet")
_KEY_TEXT = dict(KEY_ITEMS)


def _x(text: str) -> str:
    """Typed text for the SVG: one line, isolated when it is right to left, escaped."""
    return escape(typed(text))


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
    # gettext's calls outside the f-strings: pybabel does not look inside them (Python 3.11).
    heading = escape(_("Journey view:"))
    out.append(f'<title id="jv-title">{heading} {_x(view.pseudonym)}</title>')
    out.append(f'<desc id="jv-desc">{escape(_summary(view))}</desc>')
    out.append(f'<rect width="{w}" height="{height}" fill="{PAPER}"/>')
    _draw_heading(out, view, layout)
    if not layout.cards:
        y = layout.key_y
        invitation = escape(_("Add the steps of the family’s journey and they show here, stage by stage."))
        out.append(
            f'<g id="jv-empty"><rect x="{MARGIN}" y="{y}" width="{w - 2 * MARGIN}" height="80" rx="6" '
            f'fill="{LANE_TINT}" stroke="{RULE}" stroke-dasharray="6 4"/>'
            f'<text x="{w // 2}" y="{y + 36}" text-anchor="middle" font-size="18" font-weight="bold">'
            f"{escape(EMPTY_MESSAGE)}</text>"
            f'<text x="{w // 2}" y="{y + 60}" text-anchor="middle" fill="{MUTED}">'
            f"{invitation}</text></g>"
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
    return " ".join((
        ngettext("%(num)d step", "%(num)d steps", len(tps)) + " "
        + ngettext("in %(num)d stage, one lane per agency.", "in %(num)d stages, one lane per agency.",
                   len(stages)),
        ngettext("%(num)d barrier, %(unowned)d with no owner.",
                 "%(num)d barriers, %(unowned)d with no owner.",
                 len(view.barriers), unowned=len(view.unowned_barriers)),
        _("How the family felt: %(feelings)s.", feelings=feelings),
    ))


def _felt(tp: TouchpointView) -> str:
    return _("Felt: %(feeling)s", feeling=tp.feeling_label)


def _steps(n: int) -> str:
    return ngettext("%(num)d step", "%(num)d steps", n)


def _waited(days: int) -> str:
    return ngettext("waited %(num)d day", "waited %(num)d days", days)


def _draw_heading(out: list[str], view: MapView, layout: JourneyLayout) -> None:
    room = layout.width - 2 * MARGIN
    title = fit(_("Journey view: %(name)s", name=typed(view.pseudonym)), room, SIZE_TITLE, max_chars=100,
                bold=True)
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
                out.append(flag(x + 8, cy))
            elif item == "owned":
                out.append(diamond(x + 8, cy))
            elif item == "line":
                out.append(f'<path d="M{x} {cy + 3}L{x + 8} {cy - 3}L{x + 16} {cy + 1}" '
                           f'fill="none" stroke="{CARD_BORDER}" stroke-width="1.5"/>')
            else:
                level = None if item == "feelNone" else int(item[4:])
                out.append(feeling_mark(level, x + 8, cy))
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
    stages, agencies = escape(_("Stages")), escape(_("Agencies"))
    out.append(
        f'<rect x="{MARGIN}" y="{top}" width="{right - MARGIN}" height="{STAGE_HEAD_H}" '
        f'fill="{HEADER_TINT}"/><text x="{MARGIN + 8}" y="{top + 20}" font-weight="bold" '
        f'font-size="{SIZE_HEAD}">{stages} →</text>'
        f'<text x="{MARGIN + 8}" y="{top + 38}" fill="{MUTED}">{agencies} ↓</text>'
        f'<rect x="{MARGIN}" y="{layout.strip_y}" width="{right - MARGIN}" height="{layout.strip_h}" '
        f'fill="{STRIP_TINT}"/>'
    )
    for c, column in enumerate(layout.columns):
        lines = wrap(typed(column.name), column.width - 16, SIZE_HEAD, lines=2, bold=True)
        n = len(column.touchpoint_ids)
        out.append(f'<g id="jv-stage-{c}">')
        for i, line in enumerate(lines):
            out.append(
                f'<text x="{column.x + 8}" y="{top + 18 + i * 16}" font-weight="bold" '
                f'font-size="{SIZE_HEAD}">{escape(line)}</text>'
            )
        out.append(
            f'<text x="{column.x + 8}" y="{top + 18 + len(lines) * 16}" fill="{MUTED}">'
            f"{escape(_steps(n) if n else _('No steps yet'))}</text></g>"
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
        lines = wrap(typed(lane.name), HEADER_W - 16, SIZE_HEAD, lines=2, bold=True)
        for j, line in enumerate(lines):
            out.append(
                f'<text x="{MARGIN + 8}" y="{lane.y + 18 + j * 16}" font-weight="bold" '
                f'font-size="{SIZE_HEAD}">{escape(line)}</text>'
            )
        steps = _steps(n) if n else _("no steps")
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
            f"{vocab.label(vocab.FEELINGS, level)}</text>{feeling_mark(level, label_x + 11, y)}"
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
        step, felt = escape(_("Step %(num)d:", num=card.step)), escape(_felt(tp))
        out.append(
            f'<g id="jv-feel-{tp.id}"><title>{step} {_x(tp.action)}. {felt}</title>'
            f"{feeling_mark(tp.feeling, card.mark_x, card.mark_y)}"
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
        head = escape(_("Step %(num)d", num=card.step))
        details = [_waited(tp.days_waited)] if tp.days_waited else []
        if tp.channel:
            details.append(tp.channel_label)
        room = inner - text_width(f"{head} · ", SIZE_TEXT, bold=True)
        # The space sits between the tspans: renderers drop one at the start of a <tspan>.
        rest = f' <tspan fill="{MUTED}">· {escape(fit(" · ".join(details), room, SIZE_TEXT))}</tspan>'
        out.append(
            f'<text x="{x + CARD_PAD}" y="{y + 19}"><tspan font-weight="bold">{head}</tspan>'
            f'{rest if details else ""}</text>'
            f'<text x="{x + CARD_PAD}" y="{y + 36}" font-size="{SIZE_ACTION}">'
            f"{escape(fit(typed(tp.action), inner, SIZE_ACTION, max_chars=max_label))}</text>"
            f'<text x="{x + CARD_PAD}" y="{y + 52}" fill="{MUTED}">'
            f"{escape(fit(typed(who), inner, SIZE_TEXT, max_chars=max_label))}</text>"
            f"{feeling_mark(tp.feeling, x + CARD_PAD + 5, y + 63)}"
            f'<text x="{x + CARD_PAD + 15}" y="{y + 67}">{escape(_felt(tp))}'
            f"{_word_mark(view, tp, inner)}</text>"
        )
        shown = barriers if len(barriers) <= MAX_BARRIER_LINES else barriers[: MAX_BARRIER_LINES - 1]
        by = y + CARD_BASE_H - 2
        for barrier in shown:
            out.append(_barrier_line(barrier, x, by, layout.card_w, max_label))
            by += BARRIER_LINE_H
        if len(shown) < len(barriers):
            hidden = barriers[len(shown):]
            hidden_unowned = sum(b.is_unowned for b in hidden)
            more = _("+%(count)d more", count=len(hidden))
            if hidden_unowned:
                more += ", " + _("%(count)d with NO OWNER", count=hidden_unowned)
            out.append(
                f'<text x="{x + CARD_PAD + 16}" y="{by + 12}" fill="{MUTED}">'
                f"{escape(fit(more, inner - 16, SIZE_TEXT))}</text>"
            )
            if hidden_unowned:
                out.append(flag(x + CARD_PAD + 6, by + 8))
        out.append("</g>")
    out.append("</g>")


def _word_mark(view: MapView, tp: TouchpointView, inner: int) -> str:
    """" · Disputed by the family" after the feeling, in bold words (never colour alone); "" else.
    Confirmed steps are not marked on the drawing: the quiet mark is the pages'."""
    word = view.word_on("touchpoint", tp.id)
    if word is None or not word.is_disputed:
        return ""
    room = inner - 15 - text_width(_("Felt: %(feeling)s", feeling=tp.feeling_label) + " · ", SIZE_TEXT)
    return f' · <tspan font-weight="bold">{escape(fit(word.verdict_label, room, SIZE_TEXT))}</tspan>'


def _barrier_line(barrier: BarrierView, x: int, y: int, card_w: int, max_label: int) -> str:
    """One barrier on a card. No owner: a flag and the words NO OWNER, on a vermillion tint. With
    an owner: a diamond and the title alone, on a green tint, so the title gets the room."""
    inner = card_w - 2 * CARD_PAD
    if barrier.is_unowned:
        no_owner = _("NO OWNER")
        head = f'<tspan font-weight="bold" fill="{UNOWNED_TEXT}">{escape(no_owner)}</tspan> · '
        room = inner - 20 - text_width(f"{no_owner} · ", SIZE_TEXT, bold=True)
        tint, marker = UNOWNED_TINT, flag(x + CARD_PAD + 8, y + 8)
    else:
        head, room = "", inner - 20
        tint, marker = OWNED_TINT, diamond(x + CARD_PAD + 8, y + 8)
    title = fit(typed(barrier.title), room, SIZE_TEXT, max_chars=max_label)
    return (
        f'<rect x="{x + CARD_PAD - 2}" y="{y}" width="{inner + 4}" height="{BARRIER_LINE_H - 2}" rx="2" '
        f'fill="{tint}"/>{marker}<text x="{x + CARD_PAD + 18}" y="{y + 12}">{head}{escape(title)}</text>'
    )


def _card_tooltip(view: MapView, tp: TouchpointView, step: int, barriers: list[BarrierView]) -> str:
    agency = view.agency(tp.agency_id)
    caseworker = view.caseworker(tp.caseworker_id)
    lines = [_("Step %(num)d: %(action)s", num=step, action=typed(tp.action))]
    lines.append(_("Agency: %(name)s", name=typed(agency.name) if agency else NO_AGENCY_NAME))
    if caseworker:
        left = " " + _("(has left)") if caseworker.has_left else ""
        lines.append(_("Who: %(name)s", name=typed(caseworker.display_name)) + left)
    if typed(tp.place):
        lines.append(_("Where: %(place)s", place=typed(tp.place)))
    if tp.channel:
        lines.append(_("How: %(channel)s", channel=tp.channel_label))
    if tp.days_waited:
        lines.append(ngettext("Waited: %(num)d day", "Waited: %(num)d days", tp.days_waited))
    if tp.retold_story:
        lines.append(_("Had to tell the story again"))
    lines.append(_("Felt: %(feeling)s", feeling=tp.feeling_label))
    if (word := view.word_on("touchpoint", tp.id)) is not None:
        lines.append(word.verdict_label + (f": {typed(word.comment)}" if typed(word.comment) else ""))
    for barrier in barriers:
        owner = (_("NO OWNER") if barrier.is_unowned
                 else _("owner: %(name)s", name=view.owner_text(barrier, typed)))
        lines.append(_("Barrier (%(severity)s, %(owner)s): %(title)s", severity=barrier.severity_label,
                       owner=owner, title=typed(barrier.title)))
    return "\n".join(lines)
