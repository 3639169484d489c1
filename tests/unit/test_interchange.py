"""Interchange: the version 3 JSON round trip (with next steps, progress and steering meetings),
version 1 and 2 import, bad files, and CSV safe for spreadsheets."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import add_member, start_map
from journeymap.domain.imports import import_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.exports.csv_out import barriers_csv, safe_cell, touchpoints_csv
from journeymap.exports.deidentify import deidentify
from journeymap.exports.json_in import ImportProblem, read_document
from journeymap.exports.json_out import FOLLOW_UP, map_to_json_dict
from journeymap.extensions import db
from journeymap.kinds.fields import Privacy
from journeymap.kinds.items import COMMITMENT
from journeymap.readmodel.since_meeting import since_meeting
from journeymap.readmodel.snapshot import UNSTAGED_NAME
from journeymap.samples import demo
from tests.actors import SETUP
from tests.conftest import count_maps
from tests.version1 import map_to_dict


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@pytest.fixture
def demo_view(app, view_of):
    journey_map = demo.load_demo()
    db.session.commit()
    return view_of(journey_map.id)


def reimport(view_of, data: dict):
    journey_map = import_map(db.session, data)
    db.session.commit()
    return view_of(journey_map.id)


# Export and round trip --------------------------------------------------------------------------


def before_turnover(data: dict) -> dict:
    """A document without who left when, who took over and what was passed on: files of version 1
    (tests/version1.py) were written before caseworkers had them."""
    for worker in data["caseworkers"]:
        for name in ("left_on", "successor", "handover"):
            worker[name] = None
    return data


def as_version_2(data: dict) -> dict:
    """A version 3 or 4 document as version 2 wrote it: without what followed a barrier, meetings
    or introductions."""
    old = copy.deepcopy(data)
    old["format_version"] = 2
    del old["meetings"]
    old.pop("family_word", None)  # version 4's
    old.pop("introductions", None)
    del old["handoffs"]  # and what version 4 added
    del old["family"]["handoff_days"]
    for barrier in old["barriers"]:
        for name in (*FOLLOW_UP["barrier"], "commitments"):
            del barrier[name]
    return old


def test_export_has_no_database_ids_and_only_the_times_that_follow_up_needs(demo_view):
    data = map_to_json_dict(demo_view)
    assert data["format"] == "journeymap" and data["format_version"] == 4
    text = dumps(data)
    for word in ('"id"', "_id", "revision", "updated_at", "position", "\"version\"", "created_by"):
        assert word not in text
    assert '"created_at"' in text  # when a barrier, a next step, a progress entry was added
    assert [a["key"] for a in data["agencies"]] == [f"a{n}" for n in range(1, 10)]
    assert data["family"]["pseudonym"] == demo.PSEUDONYM
    assert len(data["household"]) == 5
    assert [s["name"] for s in data["stages"]] == list(demo.STAGES.values())


def test_round_trip_of_the_demo_is_exact(demo_view, view_of):
    first = map_to_json_dict(demo_view)
    copy_view = reimport(view_of, copy.deepcopy(first))
    assert copy_view.id != demo_view.id
    second = map_to_json_dict(copy_view)
    assert second == first
    assert dumps(second) == dumps(first)
    # And once more, from the copy: a file's second life is like its first.
    assert map_to_json_dict(reimport(view_of, second)) == first
    assert count_maps() == 3


def test_round_trip_keeps_what_the_map_says(demo_view, view_of):
    copy_view = reimport(view_of, map_to_json_dict(demo_view))
    assert [tp.action for tp in copy_view.touchpoints] == [tp.action for tp in demo_view.touchpoints]
    assert [b.title for b in copy_view.unowned_barriers] == [b.title for b in demo_view.unowned_barriers]
    assert [copy_view.owner_text(b) for b in copy_view.barriers] == [
        demo_view.owner_text(b) for b in demo_view.barriers
    ]
    assert touchpoints_csv(copy_view) == touchpoints_csv(demo_view)
    assert barriers_csv(copy_view) == barriers_csv(demo_view)


def test_round_trip_of_edge_cases(app, view_of):
    """Unstaged touchpoints, an empty stage, a caseworker with no agency, a gap in positions,
    an owner who is only a caseworker, text with spaces and line breaks kept exactly."""
    journey_map = start_map("  Family E.  ", "Line one\r\nLine two\ttabbed", "")
    journey_map.from_family = True
    add_member(journey_map, "Father", "unsaid", from_family=True, actor=SETUP)
    stage = add_stage(journey_map, "Only stage", actor=SETUP)
    add_stage(journey_map, "Empty stage", actor=SETUP)
    agency = add_agency(journey_map, "Same name", "other", actor=SETUP)
    add_agency(journey_map, "Same name", "county", actor=SETUP)
    loner = add_caseworker(journey_map, name="Solo", role="", actor=SETUP)
    t1 = add_touchpoint(journey_map, stage_id=None, action="loose", caseworker_id=loner.id, actor=SETUP)
    t2 = add_touchpoint(journey_map, stage_id=stage.id, action="first", agency_id=agency.id, feeling=0,
        actor=SETUP)
    gone = add_touchpoint(journey_map, stage_id=stage.id, action="deleted later",
        actor=SETUP)
    add_touchpoint(journey_map, stage_id=stage.id, action="after the gap", days_waited=0, from_family=True,
        actor=SETUP)
    db.session.delete(gone)
    add_barrier(journey_map, [t1.id, t2.id], title="Two places", owner_caseworker_id=loner.id, actor=SETUP)
    add_barrier(journey_map, [], title="Nowhere", from_family=True, actor=SETUP)
    db.session.commit()
    first = map_to_json_dict(view_of(journey_map.id))
    assert first["touchpoints"][-1]["stage"] is None
    # Journey order: "first" (t1), "after the gap" (t2), then the unstaged "loose" (t3).
    assert [t["action"] for t in first["touchpoints"]] == ["first", "after the gap", "loose"]
    assert first["barriers"][0]["touchpoints"] == ["t1", "t3"]
    assert first["barriers"][0]["owner_caseworker"] == "c1"
    assert first["family"]["from_family"] and first["household"][0]["from_family"]
    assert [t["from_family"] for t in first["touchpoints"]] == [False, True, False]
    assert [b["from_family"] for b in first["barriers"]] == [False, True]
    second = map_to_json_dict(reimport(view_of, first))
    assert dumps(second) == dumps(first)
    assert second["family"]["pseudonym"] == "  Family E.  "


def test_a_hand_written_file_with_only_the_required_fields(app, view_of):
    view = reimport(
        view_of,
        {
            "format": "journeymap", "format_version": 2,
            "family": {"pseudonym": "Family H."},
            "household": [{"role": "Mother"}],
            "agencies": [{"key": "school", "name": "School"}],
            "caseworkers": [{"key": "ssw", "role": "Social worker", "agency": "school"}],
            "stages": [{"key": "start", "name": "Start"}],
            "touchpoints": [{"key": "visit", "action": "Visit", "stage": "start", "caseworker": "ssw"}],
            "barriers": [{"key": "far", "title": "Far away", "touchpoints": ["visit", "visit"]}],
        },
    )
    assert view.members[0].age_band == "unsaid"
    assert view.agencies[0].sector == "other"
    tp = view.touchpoints[0]
    assert (tp.channel, tp.feeling, tp.reported_by, tp.retold_story) == (None, None, "facilitator", False)
    assert view.caseworker(tp.caseworker_id).role == "Social worker"
    assert view.barriers[0].touchpoint_ids == (tp.id,)
    assert view.barriers[0].is_unowned


# Version 1 --------------------------------------------------------------------------------------


def test_version_1_export_imports(demo_view, view_of):
    old = json.loads(dumps(map_to_dict(demo_view)))  # as the download writes it
    assert old["format_version"] == 1
    copy_view = reimport(view_of, old)
    expected = before_turnover(as_version_2(map_to_json_dict(demo_view)))
    assert as_version_2(map_to_json_dict(copy_view)) == expected
    # When its barriers were added is not known: none is "new since the last meeting".
    assert all(b.created_at is None for b in copy_view.barriers) and copy_view.meetings == ()


def test_version_2_export_imports(demo_view, view_of):
    old = as_version_2(map_to_json_dict(demo_view))
    copy_view = reimport(view_of, json.loads(dumps(old)))
    again = map_to_json_dict(copy_view)
    assert as_version_2(again) == old
    assert again["meetings"] == [] and all(b["commitments"] == [] for b in again["barriers"])
    assert all(b["created_at"] is None for b in again["barriers"])


def test_version_4_carries_the_familys_word_and_without_it_imports_with_none(demo_view, view_of):
    data = map_to_json_dict(demo_view)
    disputed = [w for w in data["family_word"] if w["verdict"] == "disputed"]
    assert len(disputed) == len(demo.DISPUTED_STEPS) and all(w["item"].startswith("t") for w in disputed)
    assert "Nobody asked us why" in disputed[0]["comment"]
    copy_view = reimport(view_of, copy.deepcopy(data))
    assert len(copy_view.family_words) == len(demo_view.family_words)
    assert {w.verdict for w in copy_view.family_words} == {"confirmed", "disputed"}
    without = copy.deepcopy(data)
    del without["family_word"]
    assert reimport(view_of, without).family_words == ()


@pytest.mark.parametrize(("change", "message"), [
    (lambda words: words.append({"item": "t999", "verdict": "confirmed"}), "no touchpoint or barrier 't999'"),
    (lambda words: words.append(dict(words[0])), "is already given by"),
    (lambda words: words[0].update(verdict="maybe"), "family_word[0].verdict"),
])
def test_bad_family_words_are_refused(demo_view, change, message):
    data = map_to_json_dict(demo_view)
    change(data["family_word"])
    with pytest.raises(ImportProblem, match=re.escape(message)):
        read_document(json.loads(dumps(data)))


def test_version_3_carries_next_steps_progress_answers_and_meetings(demo_view, view_of):
    data = map_to_json_dict(demo_view)
    (meeting,) = data["meetings"]
    assert meeting["held_on"] == demo_view.meetings[0].held_on.isoformat()
    assert "County Housing Authority" in meeting["attendees"]
    steps = [c for b in data["barriers"] for c in b["commitments"]]
    assert len(steps) == len(demo.FOLLOW_UP) and {c["status"] for c in steps} == {"open", "done"}
    assert any(c["progress"] for c in steps) and all(c["who_caseworker"].startswith("c") for c in steps)
    assert {b["owner_answer"] for b in data["barriers"]} >= {"accepted", "declined"}
    declined = next(b for b in data["barriers"] if b["owner_answer"] == "declined")
    assert declined["decline_reason"] and declined["owner_answered_at"].endswith("+00:00")

    # What changed since the last meeting is the same for the imported copy.
    copy_view = reimport(view_of, data)
    today = demo_view.meetings[0].held_on + timedelta(days=demo.MEETING_DAYS_AGO)

    def news(view):
        found = since_meeting(view, view.meetings[0].held_on, today)
        title = {b.id: b.title for b in view.barriers}
        return {part: [(title[c.barrier_id], c.day) for c in getattr(found, part)]
                for part in ("newly_owned", "kept", "progress", "overdue", "declined", "still_unowned",
                             "new_barriers")}

    assert news(copy_view) == news(demo_view) and news(demo_view)["kept"]


def test_a_de_identified_version_3_file_imports_as_its_privacy_classes_say(demo_view, view_of):
    data = map_to_json_dict(deidentify(demo_view))
    steps = [c for b in data["barriers"] for c in b["commitments"]]
    for step in steps:
        for field in COMMITMENT.fields:
            if field.privacy is Privacy.REMOVED and field.name in step:
                assert step[field.name] in ("", None), field.name
    assert all(b["created_at"] is None and b["decline_reason"] == "" for b in data["barriers"])
    assert data["meetings"][0]["held_on"]  # a day of the services' meeting, kept as declared
    copy_view = reimport(view_of, data)
    assert len(copy_view.commitments) == len(steps)
    assert map_to_json_dict(deidentify(copy_view)) == data


def test_version_1_ids_need_only_resolve_within_the_file(demo_view, view_of):
    """A file from another database: its ids mean nothing here, and are not reused."""
    old = map_to_dict(demo_view)
    shift = {"agency_id", "caseworker_id", "stage_id", "owner_agency_id", "owner_caseworker_id"}
    for section in ("agencies", "caseworkers", "stages", "touchpoints", "barriers"):
        for item in old[section]:
            item["id"] += 1000
            for name in shift & item.keys():
                if item[name] is not None:
                    item[name] += 1000
            if "touchpoint_ids" in item:
                item["touchpoint_ids"] = [t + 1000 for t in item["touchpoint_ids"]]
    copy_view = reimport(view_of, old)
    expected = before_turnover(as_version_2(map_to_json_dict(demo_view)))
    assert as_version_2(map_to_json_dict(copy_view)) == expected
    assert max(a.id for a in copy_view.agencies) < 1000


# Bad files ---------------------------------------------------------------------------------------


def good() -> dict:
    """A small valid version 2 file; each bad case below breaks one thing in it."""
    return {
        "format": "journeymap",
        "format_version": 2,
        "family": {"pseudonym": "Family B.", "situation": "", "hopes": ""},
        "household": [{"role": "Mother", "age_band": "25-44"}],
        "agencies": [{"key": "a1", "name": "Housing", "sector": "housing"}],
        "caseworkers": [
            {"key": "c1", "name": "", "role": "Intake", "agency": "a1", "holds_file": True,
             "status": "active"},
        ],
        "stages": [{"key": "s1", "name": "Crisis"}],
        "touchpoints": [
            {"key": f"t{n}", "stage": "s1", "action": f"Step {n}", "place": "", "agency": "a1",
             "caseworker": "c1", "channel": "phone", "days_waited": 3, "documents": "",
             "retold_story": False, "feeling": -1, "reported_by": "family"}
            for n in range(1, 5)
        ],
        "barriers": [
            {"key": "b1", "title": "Wait", "description": "", "category": "waiting",
             "severity": "high", "owner_agency": None, "owner_caseworker": None,
             "touchpoints": ["t1"]},
        ],
    }


def breaking(change):
    """A file made by one change to the good one (whatever the change returns is ignored)."""

    def make():
        data = good()
        change(data)
        return data

    return make


BAD_FILES = [
    # (id, how the file is broken, the message)
    ("not a dict", lambda: [good()], "expected a JSON object at the top, found a list"),
    ("a string", lambda: "journeymap", "found text 'journeymap'"),
    ("no format", breaking(lambda d: d.pop("format")), "format: missing"),
    ("wrong format name", breaking(lambda d: d.update(format="trello")),
     "This is not a journeymap file (its \"format\" should be 'journeymap', found text 'trello')"),
    ("future version", breaking(lambda d: d.update(format_version=5)),
     "format_version: version 5 is not supported (a newer journeymap wrote it"),
    ("version zero", breaking(lambda d: d.update(format_version=0)), "version 0 is not supported"),
    ("version as text", breaking(lambda d: d.update(format_version="2")),
     "format_version: expected a whole number, found text '2'"),
    ("no family", breaking(lambda d: d.pop("family")), "family: missing"),
    ("family is a list", breaking(lambda d: d.update(family=[])), "family: expected an object, found a list"),
    ("no pseudonym", breaking(lambda d: d["family"].pop("pseudonym")), "family.pseudonym: missing"),
    ("blank pseudonym", breaking(lambda d: d["family"].update(pseudonym="   ")),
     "family.pseudonym: must not be empty"),
    ("pseudonym too long", breaking(lambda d: d["family"].update(pseudonym="x" * 121)),
     "family.pseudonym: 121 characters is too long (at most 120)"),
    ("situation too long", breaking(lambda d: d["family"].update(situation="x" * 5001)),
     "family.situation: 5,001 characters is too long (at most 5,000)"),
    ("situation a number", breaking(lambda d: d["family"].update(situation=5)),
     "family.situation: expected text, found a number 5"),
    ("NUL in text", breaking(lambda d: d["family"].update(hopes="a\x00b")),
     "family.hopes: contains control characters"),
    ("lone surrogate", breaking(lambda d: d["family"].update(hopes="a\ud800b")),
     "family.hopes: contains control characters or invalid text"),
    ("no touchpoints list", breaking(lambda d: d.pop("touchpoints")), "touchpoints: missing"),
    ("touchpoints an object", breaking(lambda d: d.update(touchpoints={})),
     "touchpoints: expected a list, found an object"),
    ("touchpoint not an object", breaking(lambda d: d["touchpoints"].append("t5")),
     "touchpoints[4]: expected an object, found text 't5'"),
    ("member role too long", breaking(lambda d: d["household"][0].update(role="x" * 81)),
     "household[0].role: 81 characters is too long (at most 80)"),
    ("bad age band", breaking(lambda d: d["household"][0].update(age_band="30")),
     "household[0].age_band: found text '30'; expected one of \"0-4\""),
    ("agency without key", breaking(lambda d: d["agencies"][0].pop("key")), "agencies[0].key: missing"),
    ("agency key a number", breaking(lambda d: d["agencies"][0].update(key=1)),
     "agencies[0].key: expected a key (text), found a number 1"),
    ("duplicate key", breaking(lambda d: d["agencies"].append({"key": "a1", "name": "Again"})),
     "agencies[1].key: 'a1' is already used by agencies[0]"),
    ("agency name too long", breaking(lambda d: d["agencies"][0].update(name="x" * 201)),
     "agencies[0].name: 201 characters is too long (at most 200)"),
    ("bad sector", breaking(lambda d: d["agencies"][0].update(sector="police")),
     "agencies[0].sector: found text 'police'; expected one of"),
    ("nameless roleless caseworker", breaking(lambda d: d["caseworkers"][0].update(role=" ")),
     "caseworkers[0]: a caseworker needs a name, a role, or both"),
    ("caseworker at unknown agency", breaking(lambda d: d["caseworkers"][0].update(agency="a9")),
     "caseworkers[0].agency: no agency 'a9' in this file"),
    ("from_family as text", breaking(lambda d: d["touchpoints"][0].update(from_family="no")),
     "touchpoints[0].from_family: expected true or false, found text 'no'"),
    ("holds_file as text", breaking(lambda d: d["caseworkers"][0].update(holds_file="yes")),
     "caseworkers[0].holds_file: expected true or false, found text 'yes'"),
    ("bad status", breaking(lambda d: d["caseworkers"][0].update(status="retired")),
     "caseworkers[0].status: found text 'retired'; expected one of \"active\", \"left\""),
    ("unknown agency", breaking(lambda d: d["touchpoints"][3].update(agency="a9")),
     "touchpoints[3].agency: no agency 'a9' in this file"),
    ("unknown caseworker", breaking(lambda d: d["touchpoints"][0].update(caseworker="c2")),
     "touchpoints[0].caseworker: no caseworker 'c2' in this file"),
    ("unknown stage", breaking(lambda d: d["touchpoints"][1].update(stage="s0")),
     "touchpoints[1].stage: no stage 's0' in this file"),
    ("reference of the wrong kind", breaking(lambda d: d["touchpoints"][1].update(stage="a1")),
     "touchpoints[1].stage: no stage 'a1' in this file"),
    ("reference as a number", breaking(lambda d: d["touchpoints"][1].update(agency=1)),
     "touchpoints[1].agency: expected a key (text) or null, found a number 1"),
    ("reference as an object", breaking(lambda d: d["touchpoints"][1].update(agency={"key": "a1"})),
     "touchpoints[1].agency: expected a key (text) or null, found an object"),
    ("no action", breaking(lambda d: d["touchpoints"][2].pop("action")), "touchpoints[2].action: missing"),
    ("action too long", breaking(lambda d: d["touchpoints"][2].update(action="x" * 301)),
     "touchpoints[2].action: 301 characters is too long (at most 300)"),
    ("documents too long", breaking(lambda d: d["touchpoints"][2].update(documents="x" * 2001)),
     "touchpoints[2].documents: 2,001 characters is too long (at most 2,000)"),
    ("bad channel", breaking(lambda d: d["touchpoints"][0].update(channel="fax")),
     "touchpoints[0].channel: found text 'fax'; expected one of \"in_person\", \"phone\""),
    ("feeling out of range", breaking(lambda d: d["touchpoints"][0].update(feeling=3)),
     "touchpoints[0].feeling: found a number 3; expected one of -2, -1, 0, 1, 2, null"),
    ("feeling as text", breaking(lambda d: d["touchpoints"][0].update(feeling="-1")),
     "touchpoints[0].feeling: found text '-1'; expected one of -2"),
    ("feeling as true", breaking(lambda d: d["touchpoints"][0].update(feeling=True)),
     "touchpoints[0].feeling: found true; expected one of -2"),
    ("days as a fraction", breaking(lambda d: d["touchpoints"][0].update(days_waited=2.5)),
     "touchpoints[0].days_waited: expected a whole number or null, found a number 2.5"),
    ("negative days", breaking(lambda d: d["touchpoints"][0].update(days_waited=-1)),
     "touchpoints[0].days_waited: -1 is outside 0 to 3,650"),
    ("retold as 1", breaking(lambda d: d["touchpoints"][0].update(retold_story=1)),
     "touchpoints[0].retold_story: expected true or false, found a number 1"),
    ("bad reporter", breaking(lambda d: d["touchpoints"][0].update(reported_by="neighbour")),
     "touchpoints[0].reported_by: found text 'neighbour'"),
    ("bad category", breaking(lambda d: d["barriers"][0].update(category="weather")),
     "barriers[0].category: found text 'weather'"),
    ("bad severity", breaking(lambda d: d["barriers"][0].update(severity=None)),
     "barriers[0].severity: found null; expected one of \"low\""),
    ("title too long", breaking(lambda d: d["barriers"][0].update(title="x" * 201)),
     "barriers[0].title: 201 characters is too long (at most 200)"),
    ("unknown owner", breaking(lambda d: d["barriers"][0].update(owner_caseworker="c9")),
     "barriers[0].owner_caseworker: no caseworker 'c9' in this file"),
    ("unknown barrier touchpoint", breaking(lambda d: d["barriers"][0].update(touchpoints=["t1", "t99"])),
     "barriers[0].touchpoints[1]: no touchpoint 't99' in this file"),
    ("barrier touchpoints not a list", breaking(lambda d: d["barriers"][0].update(touchpoints="t1")),
     "barriers[0].touchpoints: expected a list, found text 't1'"),
    ("null barrier touchpoint", breaking(lambda d: d["barriers"][0].update(touchpoints=[None])),
     "barriers[0].touchpoints[0]: expected a touchpoint, found null"),
]


@pytest.mark.parametrize(
    ("make", "message"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_bad_files_are_refused_with_a_clear_message(app, make, message):
    data = make()
    with pytest.raises(ImportProblem) as caught:
        import_map(db.session, data)
    assert message in str(caught.value)
    db.session.commit()
    assert count_maps() == 0  # refused before anything was added


def good_3() -> dict:
    """The good file as version 3, with a next step, its progress and a meeting."""
    data = good()
    data["format_version"] = 3
    data["barriers"][0].update(
        created_at="2026-11-01T09:00:00+00:00", owner_recorded_at=None, owner_answer="accepted",
        owner_answered_at="2026-11-20T10:00:00+00:00", owner_answered_by="Intake",
        decline_reason="", owner_agency="a1",
        commitments=[{"next_step": "Call", "who_caseworker": "c1", "who_text": "", "due_on": "2026-12-01",
                      "status": "open", "what_changed": "", "closed_at": None,
                      "created_at": "2026-11-20T10:00:00+00:00",
                      "progress": [{"on_date": "2026-11-25", "what_was_done": "Rang", "what_is_blocking": "",
                                    "by_name": "Intake", "created_at": "2026-11-25T10:00:00+00:00"}]}])
    data["meetings"] = [{"held_on": "2026-11-16", "attendees": "Chair, Housing"}]
    return data


def breaking_3(change):
    def make():
        data = good_3()
        change(data)
        return data

    return make


def step_of(data: dict) -> dict:
    return data["barriers"][0]["commitments"][0]


BAD_VERSION_3 = [
    ("time without an offset", lambda d: d["barriers"][0].update(created_at="2026-11-01T09:00:00"),
     "barriers[0].created_at: expected a time such as"),
    ("time as a number", lambda d: d["barriers"][0].update(owner_answered_at=12),
     "barriers[0].owner_answered_at: expected a time such as"),
    ("impossible day", lambda d: step_of(d).update(due_on="2026-02-30"),
     "barriers[0].commitments[0].due_on: expected a day from 2000-01-01 to 2099-12-31"),
    ("day in another century", lambda d: d["meetings"][0].update(held_on="1899-11-16"),
     "meetings[0].held_on: expected a day"),
    ("meeting without a day", lambda d: d["meetings"][0].pop("held_on"), "meetings[0].held_on: missing"),
    ("unknown caseworker", lambda d: step_of(d).update(who_caseworker="c9"),
     "barriers[0].commitments[0].who_caseworker: no caseworker 'c9' in this file"),
    ("unknown status", lambda d: step_of(d).update(status="maybe"),
     "barriers[0].commitments[0].status: found text 'maybe'"),
    ("two open next steps", lambda d: d["barriers"][0]["commitments"].append(copy.deepcopy(step_of(d))),
     "barriers[0].commitments[1].status: a barrier has at most one open next step"),
    ("10,000 characters", lambda d: d["meetings"][0].update(attendees="x" * 10_000),
     "meetings[0].attendees: 10,000 characters is too long (at most 2,000)"),
    ("unknown answer", lambda d: d["barriers"][0].update(owner_answer="perhaps"),
     "barriers[0].owner_answer: found text 'perhaps'"),
    ("progress not a list", lambda d: step_of(d).update(progress="Rang"),
     "barriers[0].commitments[0].progress: expected a list"),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in BAD_VERSION_3],
                         ids=[c[0] for c in BAD_VERSION_3])
def test_bad_version_3_files_are_refused_with_a_clear_message(app, change, message):
    with pytest.raises(ImportProblem) as caught:
        import_map(db.session, breaking_3(change)())
    assert message in str(caught.value)
    db.session.commit()
    assert count_maps() == 0


def test_the_good_version_3_file_is_good_and_round_trips(app, view_of):
    view = reimport(view_of, good_3())
    (step,) = view.commitments
    assert step.due_on == date(2026, 12, 1) and step.progress[0].what_was_done == "Rang"
    assert view.meetings[0].held_on == date(2026, 11, 16)
    assert view.barriers[0].owner_answered_at == datetime(2026, 11, 20, 10, tzinfo=UTC)
    again = map_to_json_dict(view)
    assert again["meetings"] == good_3()["meetings"]
    assert {k: again["barriers"][0][k] for k in good_3()["barriers"][0]} == good_3()["barriers"][0]


def test_the_good_file_of_the_bad_cases_is_good(app, view_of):
    view = reimport(view_of, good())
    assert len(view.touchpoints) == 4


BAD_VERSION_1 = [
    ("unknown agency id", lambda d: d["touchpoints"][0].update(agency_id=999),
     "touchpoints[0].agency_id: no agency with id 999 in this file"),
    ("id as text", lambda d: d["agencies"][0].update(id="1"),
     "agencies[0].id: expected an id (a whole number), found text '1'"),
    ("stage reference as text", lambda d: d["touchpoints"][0].update(stage_id="s1"),
     "touchpoints[0].stage_id: expected an id (a whole number) or null, found text 's1'"),
    ("unknown touchpoint id", lambda d: d["barriers"][0]["touchpoint_ids"].append(999),
     "no touchpoint with id 999 in this file"),
    ("no map section", lambda d: d.pop("map"), "map: missing"),
]


@pytest.mark.parametrize(
    ("change", "message"), [case[1:] for case in BAD_VERSION_1], ids=[case[0] for case in BAD_VERSION_1]
)
def test_bad_version_1_files_name_the_version_1_fields(demo_view, change, message):
    data = map_to_dict(demo_view)
    change(data)
    with pytest.raises(ImportProblem, match=re.escape(message)):
        import_map(db.session, data)


# CSV -------------------------------------------------------------------------------------------


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize(
    ("typed", "cell"),
    [
        ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Plain text", "Plain text"),
        ("Called 3 times = no answer", "Called 3 times = no answer"),
        ("'quoted already", "'quoted already"),
        ("", ""),
    ],
    ids=["hyperlink", "plus", "minus", "at", "tab", "cr", "plain", "equals inside", "apostrophe", "empty"],
)
def test_csv_cells_cannot_become_formulas(app, view_of, typed, cell):
    journey_map = start_map("Family C.")
    stage = add_stage(journey_map, typed or "Stage", actor=SETUP)
    agency = add_agency(journey_map, typed or "Agency", "other", actor=SETUP)
    worker = add_caseworker(journey_map, role=typed or "Role", agency_id=agency.id, actor=SETUP)
    tp = add_touchpoint(
        journey_map, stage_id=stage.id, action=typed, place=typed, agency_id=agency.id,
        caseworker_id=worker.id, feeling=-2, days_waited=4, actor=SETUP
    )
    add_barrier(journey_map, [tp.id], title=typed, description=typed, owner_caseworker_id=worker.id,
                owner_agency_id=agency.id, actor=SETUP)
    db.session.commit()
    view = view_of(journey_map.id)

    header, row = read_csv(touchpoints_csv(view))
    values = dict(zip(header, row, strict=True))
    assert values["What the family had to do"] == cell
    assert values["Where"] == cell
    if typed:
        assert values["Stage"] == values["Agency"] == values["Caseworker"] == cell
    assert values["Feeling"] == "Very hard"
    assert values["Feeling score (-2 to +2)"] == "-2"  # a number of ours: left as a number
    assert values["Days waited"] == "4"

    header, row = read_csv(barriers_csv(view))
    values = dict(zip(header, row, strict=True))
    assert values["Title"] == values["What happened"] == cell
    # The cell starts with the step number, so the text after it cannot start a formula.
    assert values["Where it showed up"] == f"1. {typed}"
    assert values["Owning caseworker"] == (cell if typed else "Role")
    assert values["Whose job"] == (f"{cell} at {typed}" if typed else "Role at Agency")


def test_safe_cell_escapes_only_text():
    assert safe_cell(-2) == -2
    assert safe_cell("-2") == "'-2"
    assert safe_cell(None) is None


def test_csv_of_the_demo(demo_view):
    rows = read_csv(touchpoints_csv(demo_view))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Step", "Stage", "What the family had to do"]
    assert len(body) == len(demo_view.touchpoints)
    assert [int(r[0]) for r in body] == list(range(1, len(body) + 1))
    first = dict(zip(header, body[0], strict=True))
    assert first["Stage"] == "Crisis"
    assert first["Agency"] == "Valley Electric Company"
    assert first["How"] == "Phone"
    assert first["Told their story again"] == "Yes"
    assert first["Documents asked for"] == "Account number; Shut-off notice"
    assert "Electricity shut off — no heat or hot water" in first["Barriers"]

    rows = read_csv(barriers_csv(demo_view))
    header, body = rows[0], rows[1:]
    assert len(body) == len(demo_view.barriers)
    by_title = {r[1]: dict(zip(header, r, strict=True)) for r in body}
    assert by_title["Each agency asks for the same documents"]["Whose job"] == "No one"
    wait = by_title["45-day wait for energy assistance"]
    assert wait["Owning agency"] == wait["Whose job"] == "Tri-County Community Action: Energy Assistance"
    assert wait["Owning caseworker"] == ""
    absences = by_title["Children missing school; absences treated as truancy"]
    assert absences["Whose job"] == "Dana, School social worker at Lincoln Unified School District"
    assert by_title["Housing voucher waitlist is two years long"]["Touchpoints"] == "1"


def test_csv_names_the_unstaged_group_and_survives_line_breaks(app, view_of):
    journey_map = start_map("Family L.")
    add_touchpoint(journey_map, stage_id=None, action="Two\nlines", documents="ID\nLease, Bill", actor=SETUP)
    db.session.commit()
    header, row = read_csv(touchpoints_csv(view_of(journey_map.id)))
    values = dict(zip(header, row, strict=True))
    assert values["Stage"] == UNSTAGED_NAME
    assert values["What the family had to do"] == "Two\nlines"
    assert values["Documents asked for"] == "ID; Lease; Bill"
    assert values["Feeling"] == values["Feeling score (-2 to +2)"] == values["Agency"] == ""


def test_version_3_round_trip_on_postgresql_after_the_migrations(postgres_app):
    """The meeting table and barrier.created_at as `flask db upgrade` makes them on PostgreSQL:
    the demo with its meeting, answers, next steps and progress goes out and comes back exactly."""
    from journeymap.readmodel.snapshot import load_map_view

    assert db.engine.dialect.name == "postgresql"
    journey_map = demo.load_demo()
    db.session.commit()
    first = map_to_json_dict(load_map_view(db.session, journey_map.id))
    assert first["meetings"] and first["barriers"][0]["created_at"]
    copy_map = import_map(db.session, copy.deepcopy(first))
    db.session.commit()
    assert dumps(map_to_json_dict(load_map_view(db.session, copy_map.id))) == dumps(first)
    old = import_map(db.session, as_version_2(first))  # a version 2 file: no day a barrier was added
    db.session.commit()
    assert all(b.created_at is None for b in load_map_view(db.session, old.id).barriers)


def test_version_4_carries_introductions_and_a_v4_file_without_them_imports(demo_view, view_of):
    data = map_to_json_dict(demo_view)
    (made,) = data["introductions"]
    assert made["key"] == "i1" and made["caseworker_a"].startswith("c") and made["agency_a"] is None
    assert made["how"] == "phone" and made["made_on"]
    copy = reimport(view_of, copy_without(data, "introductions"))
    assert copy.introductions == ()


@pytest.mark.parametrize("change", [
    {"caseworker_b": None},  # half a pair
    {"agency_a": "a1", "agency_b": "a2"},  # two pairs at once
    {"caseworker_b": "SAME"},  # someone introduced to themselves
])
def test_a_broken_introduction_is_refused_with_where(demo_view, change):
    data = map_to_json_dict(demo_view)
    made = data["introductions"][0]
    change = {k: (made["caseworker_a"] if v == "SAME" else v) for k, v in change.items()}
    made.update(change)
    with pytest.raises(ImportProblem, match=r"introductions\[0\]"):
        read_document(data)


def copy_without(data: dict, key: str) -> dict:
    kept = copy.deepcopy(data)
    del kept[key]
    return kept
