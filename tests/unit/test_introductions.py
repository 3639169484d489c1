"""Introductions to make (journeymap.readmodel.introductions) and who is at the table
(journeymap.readmodel.at_the_table): pure functions of a map view, tested on small views."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from journeymap.readmodel import introductions as intro
from journeymap.readmodel.at_the_table import Seat, at_the_table
from journeymap.readmodel.snapshot import (
    AgencyView,
    BarrierView,
    CaseworkerView,
    MapView,
    StageView,
    TouchpointView,
)
from journeymap.readmodel.views import HandoffView, IntroductionView, MeetingView
from journeymap.render.silo import SiloOptions, build_silo_graph

A, B, C = 1, 2, 3  # agencies


def worker(id_, name, agency, *, left=False, file=True):
    return CaseworkerView(id=id_, name=name, role="", agency_id=agency, holds_file=file,
                          status="left" if left else "active")


def step(id_, *, worker=None, agency=None):
    return TouchpointView(id=id_, action=f"Step {id_}", caseworker_id=worker, agency_id=agency)


def map_of(workers=(), steps=(), barriers=(), intros=(), meetings=(), agencies=(A, B, C), handoffs=()):
    return MapView(
        id=1, pseudonym="Family F.",
        agencies=tuple(AgencyView(id=a, name=f"Agency {a}") for a in agencies),
        caseworkers=tuple(workers), stages=(StageView(id=1, name="S", touchpoints=tuple(steps)),),
        barriers=tuple(barriers), introductions=tuple(intros), meetings=tuple(meetings),
        handoffs=tuple(handoffs),
    )


ADA, BO, CY, DI = (worker(1, "Ada", A), worker(2, "Bo", B), worker(3, "Cy", C), worker(4, "Di", A))


def pairs(view):
    found = intro.introductions(view)
    return {frozenset((s.first.name, s.second.name)) for s in found.caseworker_pairs}


@pytest.mark.parametrize(("why", "extra", "in_touch"), [
    ("strangers", {}, False),
    ("an introduction recorded", {"intros": [IntroductionView(id=1, caseworker_a_id=1, caseworker_b_id=2,
                                                              made_on=date(2026, 11, 1))]}, True),
    ("owner of a barrier met at the other's step", {
        "steps": [step(1, worker=2, agency=B)],
        "barriers": [BarrierView(id=1, title="X", owner_caseworker_id=1, touchpoint_ids=(1,))]}, True),
    ("only both met the family where one barrier showed up", {
        "steps": [step(1, worker=1, agency=A), step(2, worker=2, agency=B)],
        "barriers": [BarrierView(id=1, title="X", touchpoint_ids=(1, 2))]}, False),
])
def test_who_has_been_in_touch(why, extra, in_touch):
    view = map_of(workers=(ADA, BO), **extra)
    assert (frozenset(("Ada", "Bo")) not in pairs(view)) is in_touch, why
    assert intro.in_touch(view, "c1", "c2") is in_touch


def test_colleagues_are_in_touch_and_never_listed():
    view = map_of(workers=(ADA, DI))
    assert pairs(view) == set()
    assert intro.in_touch(view, "c1", "c4")
    assert intro.introductions(view).summary == "1 of the 1 pair of people holding a file has been in touch."


def test_the_most_useful_come_first_active_holding_a_file_sharing_a_barrier():
    gone, no_file = worker(5, "Al", C, left=True), worker(6, "Abe", C, file=False)
    view = map_of(workers=(ADA, BO, CY, gone, no_file),
                  steps=[step(1, worker=2, agency=B), step(2, worker=3, agency=C)],
                  barriers=[BarrierView(id=1, title="X", touchpoint_ids=(1, 2))])
    found = intro.introductions(view).caseworker_pairs
    first = found[0]
    assert {first.first.name, first.second.name} == {"Bo", "Cy"} and first.share_barrier
    assert first.reasons == ["both involved with the same barrier", "both hold a file"]
    assert [s.both_active for s in found] == sorted((s.both_active for s in found), reverse=True)
    assert "one of them has left" in found[-1].reasons


def test_agencies_are_in_touch_when_their_people_are():
    view = map_of(workers=(ADA, BO, CY), intros=[IntroductionView(id=1, caseworker_a_id=1, caseworker_b_id=2,
                                                                  made_on=date(2026, 11, 1))])
    found = intro.introductions(view)
    names = {frozenset((s.first.name, s.second.name)) for s in found.agency_pairs}
    assert frozenset(("Agency 1", "Agency 2")) not in names
    assert frozenset(("Agency 1", "Agency 3")) in names


def test_the_summary_counts_pairs_of_people_holding_a_file():
    view = map_of(workers=(ADA, BO, CY, worker(7, "Ed", C, file=False)),
                  intros=[IntroductionView(id=1, caseworker_a_id=1, caseworker_b_id=2,
                                           made_on=date(2026, 1, 1))])
    assert intro.introductions(view).summary == "1 of the 3 pairs of people holding a file has been in touch."
    assert intro.handoff_pairs(view) == set()  # no handoffs on this map


def test_the_list_is_cut_and_says_how_many_more():
    many = [worker(i, f"W{i:02}", None) for i in range(1, 12)]
    found = intro.introductions(map_of(workers=many), shown=5)
    assert len(found.caseworker_pairs) == 5 and found.caseworker_total == 55


# Who is at the table ------------------------------------------------------------------------------

SEEN = datetime(2026, 11, 20, 10, tzinfo=UTC)


@pytest.mark.parametrize(("seats", "attendees", "nobody", "family"), [
    ([], "", ["Agency 1", "Agency 2"], False),
    ([Seat("caseworker", 1, None)], "", ["Agency 2"], False),  # a member, never seen: still at the table
    ([], "Supervisor, agency 2\nMother, family", ["Agency 1"], True),  # case-insensitive names
    ([Seat("family", None, SEEN)], "", ["Agency 1", "Agency 2"], True),
    ([Seat("family", None, datetime(2026, 11, 1, tzinfo=UTC))], "", ["Agency 1", "Agency 2"], False),
])
def test_who_is_at_the_table(seats, attendees, nobody, family):
    meeting = MeetingView(id=1, held_on=date(2026, 11, 16), attendees=attendees)
    view = map_of(workers=(ADA, BO), meetings=[meeting])
    table = at_the_table(view, seats, date(2026, 12, 1))
    assert [row.agency.name for row in table.missing] == nobody
    assert [row.agency.name for row in table.agencies[:len(nobody)]] == nobody  # listed first
    assert table.family_took_part is family
    assert all(row.words == "Nobody at the table" for row in table.missing)


def test_a_member_seen_since_the_meeting_took_part():
    view = map_of(workers=(ADA,), meetings=[MeetingView(id=1, held_on=date(2026, 11, 16))])
    (row, *_) = at_the_table(view, [Seat("caseworker", 1, SEEN)], date(2026, 12, 1)).agencies
    assert row.agency.name == "Agency 1" and row.took_part and row.members == 1


# The silo map ------------------------------------------------------------------------------------

@pytest.mark.parametrize("shown", [True, False])
def test_introductions_are_drawn_dotted_and_labelled_only_when_asked(shown):
    view = map_of(workers=(ADA, BO), steps=[step(1, worker=1, agency=A), step(2, worker=2, agency=B)],
                  intros=[IntroductionView(id=1, caseworker_a_id=1, caseworker_b_id=2, how="phone",
                                           made_on=date(2026, 11, 1))])
    source = build_silo_graph(view, SiloOptions(show_introductions=shown)).source
    assert ("introduced: phone" in source) is shown
    assert ("style=dotted" in source) is shown
    counted = build_silo_graph(view, SiloOptions(show_introductions=True, show_caseworkers=False)).source
    assert "agency_1 -> agency_2" in counted and "introduced: phone" in counted


def brute_force(view, shown):
    """Every pair walked and sorted: what introductions() must agree with, however it gets there."""
    facts = intro._facts(view)
    workers = sorted(view.caseworkers, key=lambda w: (w.name.casefold(), w.id))
    found = []
    for i, a in enumerate(workers):
        for j in range(i + 1, len(workers)):
            b = workers[j]
            pair = frozenset((f"c{a.id}", f"c{b.id}"))
            if (a.agency_id is not None and a.agency_id == b.agency_id) or pair in facts.in_touch:
                continue
            key = (a.has_left or b.has_left, not (a.holds_file and b.holds_file), pair not in facts.sharing)
            found.append((key, i, j, a.name, b.name))
    found.sort()
    return [(x[3], x[4]) for x in found[:shown]], len(found)


@pytest.mark.parametrize("seed", range(12))
def test_the_quick_way_agrees_with_walking_every_pair(seed):
    import random

    rnd = random.Random(seed)
    workers = [worker(i, f"W{rnd.randrange(100):02}{i}", rnd.choice([A, B, C, None]),
                      left=rnd.random() < .3, file=rnd.random() < .7) for i in range(1, 16)]
    steps = [step(i, worker=rnd.randrange(1, 16), agency=rnd.choice([A, B, C])) for i in range(1, 10)]
    barriers = [BarrierView(id=b, title="X", owner_caseworker_id=rnd.choice([None, rnd.randrange(1, 16)]),
                            touchpoint_ids=tuple(rnd.sample(range(1, 10), 3))) for b in range(1, 4)]
    intros = [IntroductionView(id=1, caseworker_a_id=1, caseworker_b_id=2, made_on=date(2026, 1, 1))]
    view = map_of(workers=workers, steps=steps, barriers=barriers, intros=intros)
    for shown in (3, 10, 200):
        expected, total = brute_force(view, shown)
        found = intro.introductions(view, shown=shown)
        assert [(s.first.name, s.second.name) for s in found.caseworker_pairs] == expected
        assert found.caseworker_total == total


@pytest.mark.parametrize(("status", "in_touch"), [("sent", False), ("received", True), ("declined", True),
                                                  ("completed", True)])
def test_a_handoff_someone_received_puts_the_two_in_touch(status, in_touch):
    """A referral still "sent" (dropped or not yet) connected no one: the pair stays on the list,
    and so do their agencies; one received connects the two caseworkers and their agencies."""
    handoff = HandoffView(id=1, from_caseworker_id=1, to_caseworker_id=2, status=status)
    view = map_of(workers=[ADA, BO], handoffs=[handoff])
    assert (frozenset(("Ada", "Bo")) not in pairs(view)) is in_touch
    assert (intro.Pair(("a1", "a2")) in intro.handoff_pairs(view)) is in_touch
