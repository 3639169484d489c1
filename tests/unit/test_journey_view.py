"""The journey view: where each step lands (read from the layout), and an SVG that is well-formed,
escaped, accessible and readable at 100 agencies and 500 touchpoints.

Views are built from the snapshot dataclasses directly (fast, and any shape we like); one test
reads the demo map through the database as the app does.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from journeymap.extensions import db
from journeymap.kinds import vocab
from journeymap.readmodel.snapshot import (
    UNSTAGED_NAME,
    AgencyView,
    BarrierView,
    CaseworkerView,
    MapView,
    StageView,
    TouchpointView,
)
from journeymap.render.journey_layout import CARD_PAD, HEADER_W, NO_AGENCY_NAME, layout_journey
from journeymap.render.journey_svg import EMPTY_MESSAGE, build_journey_svg
from journeymap.render.text import fit, text_width
from journeymap.samples import demo

SVG = "{http://www.w3.org/2000/svg}"


# Building views -------------------------------------------------------------------------------


def tp(id, stage_id, agency_id, action="A step", *, feeling=None, barriers=(), caseworker_id=None,
       place="", channel=None, days_waited=None):
    return TouchpointView(
        id=id, stage_id=stage_id, position=0, action=action, place=place, agency_id=agency_id,
        caseworker_id=caseworker_id, channel=channel, days_waited=days_waited, documents="",
        retold_story=False, feeling=feeling, reported_by="family", barrier_ids=tuple(barriers),
    )


def barrier(id, title="A barrier", *, owner_agency_id=None, owner_caseworker_id=None, at=()):
    return BarrierView(
        id=id, title=title, description="", category="other", severity="high",
        owner_agency_id=owner_agency_id, owner_caseworker_id=owner_caseworker_id,
        touchpoint_ids=tuple(at),
    )


def make_view(stages, agencies, touchpoints, barriers=(), caseworkers=(), pseudonym="Family T."):
    """A MapView as load_map_view makes it. `stages` is [(id, name)]; touchpoints are listed in
    journey order within each stage and given positions here."""
    by_stage: dict = {}
    for t in touchpoints:
        by_stage.setdefault(t.stage_id, []).append(t)
    placed = {
        key: tuple(replace(t, position=i) for i, t in enumerate(group))
        for key, group in by_stage.items()
    }
    named = tuple(
        StageView(id=sid, name=name, position=i, touchpoints=placed.get(sid, ()))
        for i, (sid, name) in enumerate(stages)
    )
    all_stages = named
    if None in placed:  # the unstaged group comes last, and only when it has touchpoints
        all_stages += (StageView(id=None, name=UNSTAGED_NAME, position=len(named), touchpoints=placed[None]),)
    agencies = tuple(AgencyView(id=aid, name=name, sector=sector) for aid, name, sector in agencies)
    now = datetime(2026, 11, 21, tzinfo=UTC)
    return MapView(
        id=1, pseudonym=pseudonym, situation="", hopes="", revision=1, created_at=now, updated_at=now,
        members=(), stages=all_stages, named_stages=named, agencies=agencies,
        caseworkers=tuple(caseworkers), barriers=tuple(barriers),
    )


def synthetic_view(agencies=100, touchpoints=500, barriers=200, stages=8, seed=20261121) -> MapView:
    """A big, deterministic map: agencies met Zipf-like (a few very often, so some cells wrap into
    rows), long and short names, feelings missing now and then, a few steps with no stage or no
    agency, and barriers on one to four steps, about half of them with no owner."""
    rng = random.Random(seed)
    sectors = vocab.values(vocab.SECTORS)
    agency_rows = [
        (100 + i, f"Agency {i:03d} " + "of the County Department of Human Services " * rng.randint(0, 2),
         sectors[i % len(sectors)])
        for i in range(agencies)
    ]
    workers = [
        CaseworkerView(id=5000 + i, name=f"Worker {i}", role="Caseworker", agency_id=100 + i % agencies,
                       holds_file=True, status="active")
        for i in range(agencies * 2)
    ]
    stage_rows = [(10 + s, f"Stage {s + 1}" + (" with a much longer name than fits" if s == 2 else ""))
                  for s in range(stages)]
    weights = [1 / (k + 1) for k in range(agencies)]
    steps = []
    for i in range(touchpoints):
        stage = None if rng.random() < 0.03 else stage_rows[min(stages - 1, i * stages // touchpoints)][0]
        agency = None if rng.random() < 0.04 else rng.choices(range(agencies), weights)[0]
        steps.append(tp(
            1000 + i, stage, None if agency is None else 100 + agency,
            f"Step action {i} " + "went to the office and waited " * rng.randint(0, 3),
            feeling=rng.choice([-2, -1, -1, 0, 1, 2, None]),
            caseworker_id=None if agency is None else 5000 + agency,
            channel=rng.choice([None, *vocab.values(vocab.CHANNELS)]),
            days_waited=rng.choice([None, None, 3, 45]),
        ))
    barrier_rows, links = [], {}
    for b in range(barriers):
        at = sorted(rng.sample(range(touchpoints), rng.randint(1, 4)))
        owner = None if rng.random() < 0.5 else 100 + rng.randrange(agencies)
        barrier_rows.append(barrier(9000 + b, f"Barrier {b} " + "paperwork " * rng.randint(0, 5),
                                    owner_agency_id=owner, at=[1000 + i for i in at]))
        for i in at:
            links.setdefault(1000 + i, []).append(9000 + b)
    steps = [replace(t, barrier_ids=tuple(links.get(t.id, ()))) for t in steps]
    # Journey order: the stages in order, the unstaged last.
    order = {sid: k for k, (sid, _) in enumerate(stage_rows)}
    steps.sort(key=lambda t: order.get(t.stage_id, stages))
    return make_view(stage_rows, agency_rows, steps, barrier_rows, workers, pseudonym="Family Big")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def groups_by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {el.get("id"): el for el in root.iter() if el.get("id")}


def all_text(el: ET.Element) -> str:
    return "".join(el.itertext())


def texts_of(el: ET.Element) -> list[str]:
    """Each drawn line of text (a <text> with its tspans), not the tooltips."""
    return [all_text(t) for t in el.iter(f"{SVG}text")]


def small_view(**kw):
    stages = [(1, "Early"), (2, "Later")]
    agencies = [(10, "Food Bank", "nonprofit"), (11, "Housing Office", "housing")]
    steps = [
        tp(1, 1, 10, "first", feeling=-2),
        tp(2, 1, 11, "second", feeling=1),
        tp(3, 1, 10, "third"),
        tp(4, 2, 11, "fourth", feeling=2),
    ]
    return make_view(stages, agencies, kw.get("steps", steps), kw.get("barriers", ()))


# Placement ------------------------------------------------------------------------------------


def check_placement(view: MapView) -> None:
    layout = layout_journey(view)
    assert [c.touchpoint_id for c in layout.cards] == [t.id for t in view.touchpoints]
    assert [c.step for c in layout.cards] == list(range(1, len(view.touchpoints) + 1))
    known_agencies = {a.id for a in view.agencies}
    known_stages = {s.id for s in view.named_stages}
    for card in layout.cards:
        t = view.touchpoint(card.touchpoint_id)
        lane, column = layout.lanes[card.lane], layout.columns[card.column]
        assert lane.agency_id == (t.agency_id if t.agency_id in known_agencies else None)
        assert column.stage_id == (t.stage_id if t.stage_id in known_stages else None)
        assert t.id in lane.touchpoint_ids and t.id in column.touchpoint_ids
        # Inside its cell.
        assert column.x <= card.x and card.x + card.w <= column.x + column.width
        assert lane.y <= card.y and card.y + card.h <= lane.y + lane.height
    # Each touchpoint in exactly one lane and one column.
    assert sorted(i for lane in layout.lanes for i in lane.touchpoint_ids) == sorted(
        t.id for t in view.touchpoints
    )
    assert sorted(i for c in layout.columns for i in c.touchpoint_ids) == sorted(
        t.id for t in view.touchpoints
    )
    # No two cards overlap.
    cards = sorted(layout.cards, key=lambda c: (c.y, c.x))
    for i, a in enumerate(cards):
        for b in cards[i + 1:]:
            if b.y >= a.y + a.h:
                break
            assert a.x + a.w <= b.x or b.x + b.w <= a.x, (a, b)


def test_demo_map_every_touchpoint_once_in_its_lane_and_stage(app, view_of):
    journey_map = demo.load_demo()
    db.session.commit()
    view = view_of(journey_map.id)
    check_placement(view)
    layout = layout_journey(view)
    # Lanes follow the agency order; the helpline call had no agency, so that lane comes last.
    assert [lane.agency_id for lane in layout.lanes] == [a.id for a in view.agencies] + [None]
    assert layout.lanes[-1].name == NO_AGENCY_NAME
    assert [c.stage_id for c in layout.columns] == [s.id for s in view.named_stages]
    ids = groups_by_id(parse(build_journey_svg(view)))
    for t in view.touchpoints:
        shown = texts_of(ids[f"jv-tp-{t.id}"])
        assert shown[0].startswith(f"Step {layout.card(t.id).step}")
        assert any(line.startswith(t.action[:20]) for line in shown)


def test_big_synthetic_map_places_every_touchpoint_without_overlap():
    view = synthetic_view()
    assert len(view.touchpoints) == 500 and len(view.agencies) == 100 and len(view.barriers) == 200
    check_placement(view)
    layout = layout_journey(view)
    # Some cells are busier than MAX_SLOTS and wrap into rows; the drawing grows, it never squeezes.
    assert any(card.row > 0 for card in layout.cards)
    assert layout.height > 100 * 58 and layout.width > 8 * layout.card_w


def test_lanes_and_columns_appear_only_when_needed():
    layout = layout_journey(small_view())
    assert [lane.name for lane in layout.lanes] == ["Food Bank", "Housing Office"]
    assert [c.name for c in layout.columns] == ["Early", "Later"]

    steps = [tp(1, 1, 10, "staged"), tp(2, None, None, "loose")]
    layout = layout_journey(small_view(steps=steps))
    assert [lane.name for lane in layout.lanes] == ["Food Bank", "Housing Office", NO_AGENCY_NAME]
    assert [c.name for c in layout.columns] == ["Early", "Later", UNSTAGED_NAME]
    assert layout.card(2).lane == 2 and layout.card(2).column == 2
    # An agency with no steps keeps its lane (in order); an empty stage keeps its column.
    assert layout.lanes[1].touchpoint_ids == () and layout.columns[1].touchpoint_ids == ()


def test_column_width_counts_the_busiest_cell_and_cards_keep_journey_order():
    steps = [tp(i, 1, 10, f"food {i}") for i in range(1, 4)] + [tp(9, 1, 11, "housing")]
    steps.append(tp(20, 2, 11, "later"))
    layout = layout_journey(small_view(steps=steps))
    early, later = layout.columns
    assert early.slots == 3 and later.slots == 1
    assert early.width > 2 * later.width
    food = [layout.card(i) for i in (1, 2, 3)]
    assert [c.x for c in food] == sorted({c.x for c in food})  # side by side, left to right
    # A single card sits under its place on the feeling strip: the last step of the stage, right.
    assert layout.card(9).slot == 2
    assert layout.card(9).x <= layout.card(9).mark_x <= layout.card(9).x + layout.card(9).w


def test_busy_cell_wraps_into_rows_in_reading_order():
    steps = [tp(i, 1, 10, f"step {i}") for i in range(1, 15)]
    layout = layout_journey(small_view(steps=steps))
    cards = [layout.card(i) for i in range(1, 15)]
    assert layout.columns[0].slots == 6
    assert [(c.row, c.slot) for c in cards] == [(i // 6, i % 6) for i in range(14)]
    assert layout.lanes[0].height > 2 * cards[0].h


# Feelings -------------------------------------------------------------------------------------


def test_feeling_strip_marks_each_step_at_its_level_in_journey_order():
    view = small_view()
    layout = layout_journey(view)
    levels = layout.level_y
    assert levels[2] < levels[1] < levels[0] < levels[-1] < levels[-2] < levels[None]
    for card in layout.cards:
        assert card.mark_y == levels[view.touchpoint(card.touchpoint_id).feeling]
    xs = [c.mark_x for c in layout.cards]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)

    root = parse(build_journey_svg(view))
    ids = groups_by_id(root)
    assert "Felt: Very hard" in all_text(ids["jv-feel-1"])
    assert "Felt: Not recorded" in all_text(ids["jv-feel-3"])
    assert "Felt: Not recorded" in texts_of(ids["jv-tp-3"])
    # The rows are named in words, not by colour.
    strip = texts_of(ids["jv-feelings"])
    for _, word in vocab.FEELINGS:
        assert word in strip
    assert "Not recorded" in strip
    # The line breaks at the step whose feeling was not recorded: two runs, 1-2 and 4.
    (line,) = [p for p in ids["jv-feelings"].iter(f"{SVG}path") if p.get("fill") == "none"]
    assert line.get("d").count("M") == 2 and line.get("d").count("L") == 1


# Barriers -------------------------------------------------------------------------------------


def test_unowned_barrier_has_a_flag_and_words_owned_one_a_different_marker():
    steps = [tp(1, 1, 10, "call", barriers=[7]), tp(2, 1, 11, "visit", barriers=[8])]
    barriers = [barrier(7, "Power off", at=[1]), barrier(8, "Long wait", owner_agency_id=11, at=[2])]
    view = small_view(steps=steps, barriers=barriers)
    ids = groups_by_id(parse(build_journey_svg(view)))
    unowned, owned = ids["jv-tp-1"], ids["jv-tp-2"]
    assert any(t.startswith("NO OWNER") and "Power off" in t for t in texts_of(unowned))
    assert not any("NO OWNER" in t for t in texts_of(owned))
    assert "Long wait" in texts_of(owned)

    # Different shapes, whatever the colours: a flag (a pole, drawn with V, and a triangular
    # pennant) against a diamond (four corners). Neither step has a feeling, so no other paths.
    def corners(card):
        return sorted((p.get("d").count("V"), p.get("d").count("L")) for p in card.iter(f"{SVG}path"))

    assert corners(unowned) == [(0, 2), (1, 0)]
    assert corners(owned) == [(0, 3)]
    key = " ".join(texts_of(ids["jv-key"]))
    assert "NO OWNER: a barrier no one owns" in key and "A barrier with an owner" in key


def test_barriers_past_the_card_room_are_counted_with_their_owner_status():
    steps = [tp(1, 1, 10, "call", barriers=[1, 2, 3, 4, 5])]
    barriers = [barrier(1, "owned one", owner_agency_id=10, at=[1])] + [
        barrier(i, f"nobody's {i}", at=[1]) for i in (2, 3, 4, 5)
    ]
    view = small_view(steps=steps, barriers=barriers)
    texts = texts_of(groups_by_id(parse(build_journey_svg(view)))["jv-tp-1"])
    # Unowned first: two shown, then the rest counted, the unowned among them named.
    flagged = [t for t in texts if t.startswith("NO OWNER")]
    assert flagged == ["NO OWNER · nobody's 2", "NO OWNER · nobody's 3"]
    assert "+3 more, 2 with NO OWNER" in texts


# Text: escaping, cutting, ids -----------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "Tom & Jerry's \"shop\" <b>",
    "end of ]]> cdata",
    "bell\x07 null\x00 esc\x1b vt\x0b ff\x0c del\x7f nl\nnext",
    "مكتب المساعدة القانونية",  # right to left
    "\u202eevil override\u202c",
    "Family 👨\u200d👩\u200d👧 café 🏠",
    "\ud800 lone surrogate",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_is_escaped_everywhere(text):
    steps = [tp(1, 1, 10, text, place=text, barriers=[3]), tp(2, None, None, text)]
    view = make_view(
        [(1, text)], [(10, text, "other")], steps,
        [barrier(3, text, at=[1])],
        pseudonym=text,
    )
    svg = build_journey_svg(view)
    root = parse(svg)  # well-formed, or this raises
    assert "<script" not in svg.lower() and "<b>" not in svg and "]]>" not in svg
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\ud800-\udfff]", svg)
    assert root.find(f"{SVG}script") is None
    shown = " ".join(all_text(el) for el in root.iter())
    printable = " ".join(re.sub(r"[\x00-\x1f\x7f\u202a-\u202e\ud800-\udfff]", " ", text).split())
    assert printable[:6] in shown  # the text itself survives, escaped, not dropped
    # User text only ever in text nodes: never in an attribute.
    for el in root.iter():
        for value in el.attrib.values():
            assert printable[:6] not in value


def test_ids_are_opaque_and_there_are_no_scripts_styles_links_or_comments():
    steps = [tp(1, 1, 10, "x", barriers=[3]), tp(2, None, None, "y", feeling=2)]
    view = make_view([(1, 'id="evil"')], [(10, "tp-1 jv-key", "other")], steps, [barrier(3, at=[1])])
    svg = build_journey_svg(view)
    root = parse(svg)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"jv-[a-z]+(-\d+)?", i) for i in ids), ids
    assert "<!--" not in svg and "href" not in svg and "<style" not in svg and "class=" not in svg
    assert "<script" not in svg and "url(" not in svg


def test_svg_root_is_accessible_and_sized():
    root = parse(build_journey_svg(small_view()))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    ids = groups_by_id(root)
    assert [ids[i].tag for i in labelled] == [f"{SVG}title", f"{SVG}desc"]
    assert ids["jv-title"].text == "Journey view: Family T."
    assert "4 steps in 2 stages" in ids["jv-desc"].text
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert int(root.get("width")) >= 900 and int(root.get("height")) > 300


def test_long_labels_are_cut_with_an_ellipsis_and_kept_whole_in_the_tooltip():
    action = "Went to the office " * 500
    view = small_view(steps=[tp(1, 1, 10, action)])
    card = groups_by_id(parse(build_journey_svg(view, max_label=20)))["jv-tp-1"]
    (shown,) = [t for t in texts_of(card) if t.startswith("Went")]
    assert shown.endswith("…") and len(shown) <= 20
    assert " ".join(action.split()) in card.find(f"{SVG}title").text


def test_every_drawn_line_fits_its_box_on_the_big_map():
    """Text never overlaps: each card line fits inside its card, each lane name in the lane
    header, and the step numbers over the feeling strip stay apart (by the renderer's own,
    generous character widths)."""
    view = synthetic_view()
    layout = layout_journey(view)
    ids = groups_by_id(parse(build_journey_svg(view)))

    def width(text_el) -> float:
        size = float(text_el.get("font-size") or 11)
        total = text_width(text_el.text or "", size, bold=text_el.get("font-weight") == "bold")
        for span in text_el:
            total += text_width(span.text or "", size, bold=span.get("font-weight") == "bold")
            total += text_width(span.tail or "", size)
        return total

    for card in layout.cards:
        for text_el in ids[f"jv-tp-{card.touchpoint_id}"].iter(f"{SVG}text"):
            assert float(text_el.get("x")) + width(text_el) <= card.x + card.w - CARD_PAD + 0.5
    for i in range(len(layout.lanes)):
        for text_el in ids[f"jv-lane-{i}"].iter(f"{SVG}text"):
            assert width(text_el) <= HEADER_W - 16
    numbers = sorted(
        (float(t.get("y")), float(t.get("x")), width(t))
        for key, g in ids.items()
        if key.startswith("jv-feel-")
        for t in g.iter(f"{SVG}text")
    )
    assert len(numbers) == sum(c.number_y is not None for c in layout.cards) > 400
    for (y1, x1, w1), (y2, x2, w2) in zip(numbers, numbers[1:], strict=False):
        assert y1 != y2 or x1 + w1 / 2 < x2 - w2 / 2


def test_fit_cuts_by_width_and_by_characters():
    assert fit("short", 200, 12) == "short"
    assert fit("a" * 40, 1000, 12, max_chars=10) == "a" * 9 + "…"
    cut = fit("W" * 100, 120, 12)
    assert cut.endswith("…") and text_width(cut, 12) <= 120
    assert fit("line\nbreak\ttab", 500, 12) == "line break tab"
    assert not fit("👨\u200d👩\u200d👧" * 30, 60, 12).endswith("\u200d…")
    # Cut right-to-left text keeps its ellipsis at its own end (the left), by a right-to-left mark.
    assert fit("مكتب المساعدة القانونية " * 5, 100, 12).endswith("…\u200f")
    assert fit("Legal aid " * 20, 100, 12)[-1] == "…"


def test_empty_map_says_there_are_no_touchpoints_yet():
    view = make_view([(1, "Crisis")], [(10, "Food Bank", "nonprofit")], [])
    root = parse(build_journey_svg(view))
    ids = groups_by_id(root)
    assert EMPTY_MESSAGE in texts_of(ids["jv-empty"])
    assert not any(i.startswith("jv-tp-") for i in ids)
    assert ids["jv-desc"].text == "No touchpoints yet."


# Colour -----------------------------------------------------------------------------------------


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_text_colour_keeps_aa_contrast_on_every_background():
    steps = [tp(1, 1, 10, "call", barriers=[7, 8], feeling=-2, channel="phone", days_waited=3)]
    barriers = [barrier(7, "Power off", at=[1]), barrier(8, "Wait", owner_agency_id=10, at=[1])]
    root = parse(build_journey_svg(small_view(steps=steps, barriers=barriers)))
    text_fills = {root.get("fill")} | {
        el.get("fill") for el in root.iter() if el.tag in (f"{SVG}text", f"{SVG}tspan") and el.get("fill")
    }
    backgrounds = {el.get("fill") for el in root.iter(f"{SVG}rect") if el.get("fill") not in (None, "none")}
    assert len(text_fills) >= 3 and len(backgrounds) >= 5
    for ink in text_fills:
        for paper in backgrounds:
            assert contrast(ink, paper) >= 4.5, (ink, paper)
