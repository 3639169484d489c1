"""render/brief.py: the steering brief's figures, tables, changes since the last meeting, page budget, PDF."""

from __future__ import annotations

import contextlib
import re
import subprocess
import zlib
from datetime import UTC, date, datetime

import pytest

from journeymap.domain.barriers import add_barrier, set_owner
from journeymap.domain.family import start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.exports.deidentify import deidentify
from journeymap.extensions import db
from journeymap.readmodel.since_meeting import Change, SinceMeeting
from journeymap.render import brief as brief_module
from journeymap.render.brief import (
    MAX_PEOPLE_DRAWN,
    SiloPicture,
    brief_pdf,
    build_brief,
    silo_options,
    where_hit,
)
from journeymap.render.brief_paper import A4_PAPER, ANY_PAPER, Paper
from tests.actors import SETUP
from tests.history_v1 import HistoryFact, owners_recorded

MADE_ON = date(2025, 3, 4)
T1 = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
T2 = datetime(2025, 2, 11, 9, 0, tzinfo=UTC)
T3 = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def hand_made(app, view_of):
    """Two stages, two agencies, three caseworkers (two holding a file), four touchpoints and
    four barriers: two no one owns (one critical, one low), one owned, one owned by a person."""
    m = start_map("Family H.", "Their story.", "Their hopes.")
    crisis = add_stage(m, "Crisis", actor=SETUP)
    intake = add_stage(m, "Intake", actor=SETUP)
    housing = add_agency(m, "Housing Office", "housing", actor=SETUP)
    school = add_agency(m, "Westside School", "school", actor=SETUP)
    clerk = add_caseworker(m, name="Ada", role="Clerk", agency_id=housing.id, actor=SETUP)
    add_caseworker(m, name="Bo", role="Counsellor", agency_id=school.id, actor=SETUP)
    add_caseworker(m, role="Receptionist", agency_id=housing.id, holds_file=False, actor=SETUP)
    tps = [
        add_touchpoint(m, stage_id=crisis.id, action="Call", place="Housing Office",
                       agency_id=housing.id, days_waited=4, retold_story=True,
                       documents="ID, Lease", actor=SETUP),
        add_touchpoint(m, stage_id=crisis.id, action="Visit", place="housing office ",
                       agency_id=housing.id, days_waited=10, retold_story=True, documents="ID", actor=SETUP),
        add_touchpoint(m, stage_id=intake.id, action="Meeting", place="School",
                       agency_id=school.id, documents="Report card", actor=SETUP),
        add_touchpoint(m, stage_id=None, action="Letter", place="", days_waited=1, actor=SETUP),
    ]
    low = add_barrier(m, [tps[3].id], title="Letters in English only", severity="low", actor=SETUP)
    critical = add_barrier(m, [tps[2].id, tps[0].id, tps[1].id], title="No heat", severity="critical",
        actor=SETUP)
    owned = add_barrier(m, [tps[2].id], title="Bus pass", severity="high", actor=SETUP)
    set_owner(m, owned, school.id, None, actor=SETUP)
    by_person = add_barrier(m, [], title="Forms again", severity="medium", actor=SETUP)
    set_owner(m, by_person, housing.id, clerk.id, actor=SETUP)
    db.session.commit()
    return {"view": view_of(m.id), "low": low.id, "critical": critical.id, "owned": owned.id,
            "by_person": by_person.id}


def figures_of(brief) -> dict[str, int]:
    return {f.label: f.value for group in brief.figure_groups for f in group.figures}


def test_figures_on_a_small_hand_made_map(hand_made):
    brief = build_brief(hand_made["view"], None, full=False, made_on=MADE_ON)
    assert figures_of(brief) == {
        "things the family had to do": 4,
        "places they had to go": 2,  # Housing Office twice (spelled two ways), School; blank not counted
        "times they told their story again": 2,
        "documents asked for": 4,  # ID, Lease, ID, Report card: every time they were asked
        "days spent waiting": 15,
        "agencies involved": 2,
        "caseworkers holding a file": 2,
        "caseworkers who left": 0,
        "handovers with nothing passed on": 0,
        "barriers": 4,
        "barriers no one owns": 2,
        "times they were sent on": 0,  # no handoffs on this map
        "handoffs received": 0,
        "handoffs dropped": 0,
        "days lost in handoffs": 0,
    }
    assert [g.title for g in brief.figure_groups] == ["The family's side", "The services",
                                                      "Barriers and handoffs"]
    flagged = [f.label for g in brief.figure_groups for f in g.figures if f.flagged]
    assert flagged == ["barriers no one owns"]


def test_figures_are_the_same_de_identified(hand_made):
    view = hand_made["view"]
    assert figures_of(build_brief(deidentify(view), None, full=False, made_on=MADE_ON)) == figures_of(
        build_brief(view, None, full=True, made_on=MADE_ON)
    )


def test_nothing_flagged_when_every_barrier_has_an_owner(app, view_of):
    m = start_map("Family E.")
    db.session.commit()
    brief = build_brief(view_of(m.id), None, full=False, made_on=MADE_ON)
    assert not any(f.flagged for g in brief.figure_groups for f in g.figures)
    assert brief.unowned == () and brief.recorded == () and brief.barrier_count == 0


def test_unowned_table_most_severe_first_with_where_the_family_hit_it(hand_made):
    brief = build_brief(hand_made["view"], None, full=True, made_on=MADE_ON)
    assert [row.barrier_id for row in brief.unowned] == [hand_made["critical"], hand_made["low"]]
    critical, low = brief.unowned
    assert (critical.severity, critical.severity_label) == ("critical", "Critical")
    # In journey order, once per stage and agency, whatever order the links were made in.
    assert critical.where == ("Crisis · Housing Office", "Intake · Westside School")
    assert critical.where_more == 0
    assert low.where == ("Not in a stage yet · agency not recorded",)
    assert critical.owner == "" and critical.owner_since is None
    assert brief.unowned_more == 0 and brief.recorded == ()


def test_where_hit_lists_each_place_once(hand_made):
    view = hand_made["view"]
    assert where_hit(view, view.barrier(hand_made["owned"])) == ["Intake · Westside School"]
    assert where_hit(view, view.barrier(hand_made["by_person"])) == []


# What changed since the last meeting (owners recorded: tests/history_v1.py) ---

def added(barrier_id, at=T1, **owners):
    return HistoryFact(barrier_id, "added", at, {"Barrier": "x", "Severity": "High", **owners})


def owner_change(barrier_id, before, after, at=T2):
    return HistoryFact(barrier_id, "changed", at, {"Owner": [before, after]})


def edit(barrier_id, at=T2, **fields):
    names = {"agency": "Owning agency", "caseworker": "Owning caseworker", "title": "Barrier"}
    return HistoryFact(barrier_id, "changed", at, {names[k]: v for k, v in fields.items()})


@pytest.mark.parametrize("facts, expected", [
    # Added with no owner, then the one-step form: recorded at that moment.
    ([added(1), owner_change(1, "No one", "Housing Office")], {1: T2}),
    # Added with no owner, then an edit that names an agency (the edit form says "—" for none).
    ([added(1), edit(1, agency=["—", "Housing Office"])], {1: T2}),
    ([added(1), edit(1, caseworker=["—", "Ada, Clerk (Housing Office)"])], {1: T2}),
    # Added with an owner: it never had none.
    ([added(1, **{"Owning agency": "Housing Office"}), edit(1, agency=["Housing Office", "School"])], {}),
    # Owned, then no one, then owned again: recorded when it was last given an owner.
    ([added(1, **{"Owning agency": "A"}), edit(1, agency=["A", "—"]),
      owner_change(1, "No one", "B", at=T3)], {1: T3}),
    # Given an owner, then back to no one: nothing recorded (it is in the unowned table).
    ([added(1), owner_change(1, "No one", "A"), edit(1, at=T3, agency=["A", "—"])], {}),
    # Given an owner, then a different owner: still since the first time it had one.
    ([added(1), owner_change(1, "No one", "A"), owner_change(1, "A", "B", at=T3)], {1: T2}),
    # Loaded without an "added" entry (demo, import): the one-step form says it had no owner.
    ([owner_change(1, "No one", "A")], {1: T2}),
    # Without an "added" entry, an edit naming one owner field cannot tell whether the other
    # was set: not claimed.
    ([edit(1, agency=["—", "A"])], {}),
    # ... but an edit naming both, both empty before, can.
    ([edit(1, agency=["—", "A"], caseworker=["—", "Ada"])], {1: T2}),
    # An edit of something else says nothing about the owner.
    ([added(1), edit(1, title=["Old", "New"])], {}),
    # Each barrier on its own.
    ([added(1), added(2), owner_change(2, "No one", "A"), owner_change(1, "No one", "B", at=T3)],
     {1: T3, 2: T2}),
])
def test_owners_recorded_reads_the_history(facts, expected):
    assert owners_recorded(facts) == expected


def since(meeting_day=date(2025, 2, 1), **changes) -> SinceMeeting:
    groups = ("newly_owned", "kept", "progress", "overdue", "declined", "still_unowned", "new_barriers")
    return SinceMeeting(meeting_day=meeting_day, today=MADE_ON,
                        **{g: tuple(changes.get(g, ())) for g in groups})


def test_changes_since_the_last_meeting_are_rows_with_their_day_and_owner(hand_made):
    view = hand_made["view"]
    changes = since(newly_owned=[Change(hand_made["owned"], T2.date())],
                    new_barriers=[Change(hand_made["low"], T3.date())],
                    still_unowned=[Change(hand_made["low"], T3.date()), Change(hand_made["critical"], None)])
    full = build_brief(view, changes, full=True, made_on=MADE_ON)
    assert full.last_meeting == date(2025, 2, 1) and full.last_meeting_text == "1 February 2025"
    owned, new = full.recorded
    assert owned.barrier_id == hand_made["owned"] and owned.owner == "Owned by Westside School"
    assert owned.since_text == "11 February 2025" and owned.when_word == "since"
    assert new.barrier_id == hand_made["low"] and new.owner == "New barrier" and new.when_word == "added"
    # The barriers no one owns say since when, where it is known.
    by_id = {r.barrier_id: r for r in full.unowned}
    assert by_id[hand_made["low"]].unowned_since_text == "12 March 2025"
    assert by_id[hand_made["critical"]].unowned_since is None

    # De-identified: the same rows, without the days de-identification removes (when a barrier was
    # added, owned or answered for), as it removes those fields.
    plain = build_brief(deidentify(view), changes, full=False, made_on=MADE_ON)
    assert [r.barrier_id for r in plain.recorded] == [r.barrier_id for r in full.recorded]
    assert all(r.owner_since is None for r in plain.recorded)
    assert all(r.unowned_since is None for r in plain.unowned)


def test_a_de_identified_brief_keeps_the_days_of_kept_fields(hand_made):
    """A next step's due day and a progress entry's day are kept by de-identification: so here."""
    due, done = date(2025, 2, 20), date(2025, 2, 25)
    changes = since(overdue=[Change(hand_made["owned"], due, ("commitment", "due_on"), 1)],
                    progress=[Change(hand_made["owned"], done, ("progress", "on_date"), 1, 2)])
    plain = build_brief(deidentify(hand_made["view"]), changes, full=False, made_on=MADE_ON)
    assert [(r.when_word, r.owner_since) for r in plain.recorded] == [("due", due), ("on", done)]
    assert plain.recorded[0].owner == "◷ Next step overdue"


def test_owner_shown_de_identified_has_no_name(hand_made):
    view = hand_made["view"]
    changes = since(newly_owned=[Change(hand_made["by_person"], T2.date())])
    full = build_brief(view, changes, full=True, made_on=MADE_ON)
    plain = build_brief(deidentify(view), changes, full=False, made_on=MADE_ON)
    assert full.recorded[0].owner == "Owned by Ada, Clerk at Housing Office"
    assert plain.recorded[0].owner == "Owned by Clerk at Housing Office"


def test_without_a_meeting_there_are_no_change_rows(hand_made):
    brief = build_brief(hand_made["view"], None, full=True, made_on=MADE_ON)
    assert brief.last_meeting is None and brief.recorded == () and brief.recorded_more == 0
    assert all(r.unowned_since is None for r in brief.unowned)


def test_story_only_in_full_detail(hand_made):
    assert build_brief(hand_made["view"], None, full=True, made_on=MADE_ON).story == "Their story."
    assert build_brief(hand_made["view"], None, full=False, made_on=MADE_ON).story == ""
    assert build_brief(deidentify(hand_made["view"]), None, full=False, made_on=MADE_ON).story == ""


def test_made_on_reads_the_same_everywhere():
    assert brief_module.day_text(date(2025, 6, 5)) == "5 June 2025"


# One page ------------------------------------------------------------------------------------

def many_barriers(app, view_of, n: int, *, title: str = "Barrier", places: int = 1):
    m = start_map("Family L.")
    stages = [add_stage(m, f"Stage {i}", actor=SETUP) for i in range(places)]
    agency = add_agency(m, "Agency", "county", actor=SETUP)
    tps = [add_touchpoint(m, stage_id=s.id, action="Step", agency_id=agency.id, actor=SETUP) for s in stages]
    for i in range(n):
        add_barrier(m, [tp.id for tp in tps], title=f"{title} {i}",
                    severity=["low", "medium", "high", "critical"][i % 4], actor=SETUP)
    db.session.commit()
    return view_of(m.id)


def test_long_tables_show_the_most_severe_and_count_the_rest(app, view_of):
    view = many_barriers(app, view_of, 40)
    brief = build_brief(view, None, full=False, made_on=MADE_ON)
    assert 1 <= len(brief.unowned) <= brief_module.MAX_UNOWNED_ROWS
    assert brief.unowned_more == 40 - len(brief.unowned)
    assert {row.severity for row in brief.unowned} == {"critical"}
    assert brief.unowned_total == 40


def test_longer_rows_leave_a_smaller_map_and_fewer_rows(app, view_of):
    short = build_brief(many_barriers(app, view_of, 3), None, full=False, made_on=MADE_ON)
    tall = build_brief(many_barriers(app, view_of, 30, title="W" * 200, places=6), None, full=True,
                       made_on=MADE_ON)
    assert short.map_height > tall.map_height >= Paper.MIN_MAP
    assert short.map_height <= Paper.MAX_MAP and short.map_height % Paper.STEP == 0
    assert len(tall.unowned) < len(build_brief(many_barriers(app, view_of, 30), None, full=False,
                                               made_on=MADE_ON).unowned)
    assert all(len(row.title) <= brief_module.MAX_TITLE for row in tall.unowned)
    assert all(len(row.where) <= brief_module.MAX_PLACES for row in tall.unowned)
    assert tall.unowned[0].where_more == 4


def test_a4_leaves_more_room_than_any_paper(app, view_of):
    view = many_barriers(app, view_of, 12)
    a4 = build_brief(view, None, full=False, made_on=MADE_ON, page_height=A4_PAPER)
    anywhere = build_brief(view, None, full=False, made_on=MADE_ON, page_height=ANY_PAPER)
    assert (len(a4.unowned), a4.map_height) > (len(anywhere.unowned), anywhere.map_height)


def test_big_maps_draw_one_box_per_agency(app, view_of):
    m = start_map("Family B.")
    agency = add_agency(m, "Agency", "county", actor=SETUP)
    for i in range(MAX_PEOPLE_DRAWN + 1):
        add_caseworker(m, role=f"Worker {i}", agency_id=agency.id, actor=SETUP)
    db.session.commit()
    options, notice = silo_options(view_of(m.id))
    assert not options.show_caseworkers and "41 caseworkers" in notice
    assert silo_options(many_barriers(app, view_of, 2)) == (brief_module.SiloOptions(), None)


# The PDF ---------------------------------------------------------------------------------------

def pdf_bytes(pdf: bytes) -> bytes:
    """The PDF's bytes with every compressed stream (object streams too, where WeasyPrint keeps
    the metadata) inflated, to search for what must not be there."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):  # a stream that is not deflated
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)


def contains(pdf: bytes, text: str) -> bool:
    inflated = pdf_bytes(pdf)
    return any(text.encode(enc) in inflated for enc in ("utf-8", "utf-16-be", "latin-1"))


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_pdf_fetches_nothing(tmp_path):
    """Only data: URIs are read: a file or a web address in the HTML or the CSS is refused."""
    from PIL import Image

    picture = tmp_path / "secret.png"
    Image.new("RGB", (50, 50), "red").save(picture)
    html = (f'<html><head><title>T</title></head><body><p>Hello</p><img src="file://{picture}">'
            '<img src="http://127.0.0.1:9/x.png"></body></html>')
    css = f'body {{ background: url("file://{picture}"); }} @import url("http://127.0.0.1:9/x.css");'
    pdf = brief_pdf(html, css, title="Steering brief: Family P.")
    assert pdf.startswith(b"%PDF")
    assert not re.search(rb"/Subtype\s*/Image", pdf_bytes(pdf))
    assert "Hello" in pdf_text(pdf, tmp_path)


def test_pdf_draws_a_data_uri_svg(tmp_path):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
           b'<text x="5" y="20" font-size="12">Drawn from memory</text></svg>')
    uri = SiloPicture(svg=svg).data_uri
    pdf = brief_pdf(f'<html><body><img src="{uri}"></body></html>', "", title="T")
    assert "Drawn from memory" in pdf_text(pdf, tmp_path)
    assert SiloPicture().data_uri == ""


def test_pdf_metadata_is_the_title_given_and_no_author(tmp_path):
    pdf = brief_pdf('<html><head><title>Ada Lovelace</title><meta name="author" content="Ada">'
                    '<meta name="description" content="Ada"><meta name="keywords" content="Ada">'
                    '</head><body>x</body></html>', "", title="Steering brief: Family P.")
    assert not contains(pdf, "Ada")
    assert contains(pdf, "Steering brief: Family P.")
    path = tmp_path / "m.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Title:           Steering brief: Family P." in info
    assert "Author" not in info


def test_handoff_figures_count_the_days_from_the_full_view(app, view_of):
    """The demo's school referral was sent 23 days ago and never received; Legal Aid received the
    clinic's 3 days after it was sent. A de-identified view has no days: they come from the whole."""
    from datetime import date

    from journeymap.exports.deidentify import deidentify
    from journeymap.extensions import db
    from journeymap.samples import demo

    journey_map = demo.load_demo()
    db.session.commit()
    view = view_of(journey_map.id)
    today = date.today()
    figures = figures_of(build_brief(deidentify(view), None, full=False, made_on=today, whole=view))
    assert (figures["times they were sent on"], figures["handoffs received"], figures["handoffs dropped"],
            figures["days lost in handoffs"]) == (2, 1, 1, 23 + 3)
    flagged = [f.label for g in build_brief(view, None, full=True, made_on=today).figure_groups
               for f in g.figures if f.flagged]
    assert "handoffs dropped" in flagged
