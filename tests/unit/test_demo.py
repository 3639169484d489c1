"""The demo map: the family whose power was shut off, and the fifteen people with a file on them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from journeymap.extensions import db
from journeymap.kinds import vocab
from journeymap.models import JourneyMap
from journeymap.render.silo import build_silo_graph
from journeymap.samples import demo

ELECTRICITY = "Electricity shut off — no heat or hot water"


@pytest.fixture
def view(app, view_of):
    journey_map = demo.load_demo()
    db.session.commit()
    return view_of(journey_map.id)


def test_demo_is_fifteen_files_across_sectors(view):
    assert view.pseudonym == demo.PSEUDONYM
    assert len(view.caseworkers) >= 14
    assert sum(cw.holds_file for cw in view.caseworkers) >= 14
    assert {"school", "county", "state", "nonprofit", "faith"} <= {a.sector for a in view.agencies}
    assert any(cw.has_left for cw in view.caseworkers)
    assert len(view.members) == 5


def test_demo_stages_are_named_in_order_and_hold_every_touchpoint(view):
    assert [s.name for s in view.named_stages] == [
        "Crisis", "Asking for help", "Intake", "Waiting", "Follow-up"
    ]
    assert len(view.touchpoints) >= 12
    assert all(tp.stage_id is not None for tp in view.touchpoints)
    assert all(stage.touchpoints for stage in view.named_stages)


def test_demo_records_who_the_family_met_even_when_unknown(view):
    agency_only = [tp for tp in view.touchpoints if tp.agency_id and tp.caseworker_id is None]
    neither = [tp for tp in view.touchpoints if not tp.agency_id and not tp.caseworker_id]
    assert agency_only and len(neither) == 1
    for tp in view.touchpoints:
        if tp.caseworker_id is not None:
            assert tp.agency_id == view.caseworker(tp.caseworker_id).agency_id
    assert sum(tp.retold_story for tp in view.touchpoints) >= len(view.touchpoints) // 2


def test_demo_barriers_no_one_owns(view):
    unowned = view.unowned_barriers
    assert len(unowned) >= 3
    electricity = next(b for b in view.barriers if b.title == ELECTRICITY)
    assert electricity.is_unowned
    assert electricity.severity == "critical" and electricity.category == "basic_needs"
    assert electricity.touchpoint_ids
    assert all(view.touchpoint(tp) for tp in electricity.touchpoint_ids)
    owned = [b for b in view.barriers if not b.is_unowned]
    assert owned and all(view.owner_text(b) for b in owned)
    assert all(1 <= len(b.touchpoint_ids) <= 3 for b in view.barriers)


def test_demo_uses_only_stored_vocabulary_values(view):
    assert {m.age_band for m in view.members} <= set(vocab.values(vocab.AGE_BANDS))
    assert {a.sector for a in view.agencies} <= set(vocab.values(vocab.SECTORS))
    assert {c.status for c in view.caseworkers} <= set(vocab.values(vocab.CASEWORKER_STATUSES))
    tps = view.touchpoints
    assert {tp.channel for tp in tps} <= set(vocab.values(vocab.CHANNELS))
    assert {tp.feeling for tp in tps} <= set(vocab.values(vocab.FEELINGS))
    assert {tp.reported_by for tp in tps} <= set(vocab.values(vocab.REPORTERS))
    assert {b.category for b in view.barriers} <= set(vocab.values(vocab.BARRIER_CATEGORIES))
    assert {b.severity for b in view.barriers} <= set(vocab.values(vocab.SEVERITIES))


def test_demo_keys_for_agencies_and_caseworkers_do_not_collide():
    # A touchpoint's "who" and a barrier's "owner" may name either, so the keys must be distinct.
    assert not set(demo.AGENCIES) & set(demo.CASEWORKERS)


def test_load_demo_leaves_the_commit_to_the_caller(app):
    demo.load_demo()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(JourneyMap)) == 0


def test_demo_builds_a_silo_map(view):
    source = build_silo_graph(view).source
    assert f"No one owns these ({len(view.unowned_barriers)})" in source
    assert "(has left)" in source


def test_the_demo_had_a_steering_meeting_three_weeks_ago_with_news_since(view):
    from datetime import timedelta

    from journeymap.models.utctime import utcnow
    from journeymap.readmodel.since_meeting import since_meeting

    today = utcnow().date()
    (meeting,) = view.meetings
    assert view.last_meeting(today) == meeting
    assert meeting.held_on == today - timedelta(days=demo.MEETING_DAYS_AGO)
    assert all(agency for _, agency in meeting.attendee_lines[:5])  # by role and agency, no names
    news = since_meeting(view, meeting.held_on, today)
    # Something in every part on first run.
    for part in ("newly_owned", "kept", "progress", "overdue", "declined", "still_unowned", "new_barriers"):
        assert getattr(news, part), part
    assert len(news.new_barriers) == len(demo.NEW_SINCE_MEETING)  # not every barrier


def test_demo_has_one_introduction_made_and_several_to_make(view):
    from journeymap.readmodel.introductions import introductions

    (made,) = view.introductions
    assert {view.caseworker(made.caseworker_a_id).name, view.caseworker(made.caseworker_b_id).name} == {
        "Dana", "Rosa"}
    found = introductions(view)
    assert len(found.caseworker_pairs) >= 5 and found.caseworker_total > len(found.caseworker_pairs) - 1
    assert 0 < found.holders_in_touch < found.holder_pairs


def test_demo_clinic_has_nobody_at_the_table(view):
    from journeymap.readmodel.at_the_table import at_the_table

    table = at_the_table(view, [], demo.utcnow().date())
    assert [row.agency.name for row in table.missing] == [demo.AGENCIES["clinic"][0]]
    assert table.agencies[0].agency.name == demo.AGENCIES["clinic"][0]
    assert table.agencies[0].words == "Nobody at the table"
def test_the_demo_has_a_dropped_referral_from_the_school_and_a_completed_handoff(view):
    from journeymap.clock import today
    from journeymap.readmodel import handoffs

    (dropped,) = handoffs.dropped(view, today())
    assert view.agency(dropped.from_agency_id).name.startswith("Lincoln Unified School District")
    assert view.agency(dropped.to_agency_id).name.startswith("County Human Services")
    assert dropped.status == "sent" and handoffs.days_waiting(dropped, today()) > handoffs.DEFAULT_DAYS
    (completed,) = [h for h in view.handoffs if h.status == "completed"]
    assert completed.received_on and completed.answered_on and completed.completed_on
    assert handoffs.flagged(view, today()) == [dropped]
