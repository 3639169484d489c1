"""metrics.family_figures: the numbers the family's side of the story adds up to."""

from __future__ import annotations

import pytest

from journeymap.domain.barriers import add_barrier, set_owner
from journeymap.domain.family import start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.readmodel.metrics import Figure, family_figures
from journeymap.samples import demo
from tests.actors import SETUP


def figures_by_label(view) -> dict[str, int]:
    figures = family_figures(view)
    assert all(isinstance(f, Figure) for f in figures)
    by_label = {f.label: f.value for f in figures}
    assert len(by_label) == len(figures), "two figures share a label"
    return by_label


@pytest.fixture
def figures(app, view_of):
    m = start_map("Family M.")
    stage = add_stage(m, "Crisis", actor=SETUP)
    clinic = add_agency(m, "Clinic", "health", actor=SETUP)
    add_agency(m, "School", "school", actor=SETUP)
    nurse = add_caseworker(m, agency_id=clinic.id, role="Nurse", actor=SETUP)
    add_caseworker(m, agency_id=clinic.id, role="Receptionist", holds_file=False, actor=SETUP)
    add_caseworker(m, agency_id=None, role="Pastor", holds_file=True, status="left", actor=SETUP)
    tps = [
        add_touchpoint(m, stage_id=stage.id, action="Visit", place="Eastside Clinic",
                       caseworker_id=nurse.id, retold_story=True, days_waited=3,
                       documents="Photo ID, Medicaid card", actor=SETUP),
        add_touchpoint(m, stage_id=stage.id, action="Follow-up", place="  eastside clinic ",
                       retold_story=True, days_waited=None,
                       documents="Photo ID\nLease\r\nPay stubs,,\n , ", actor=SETUP),
        add_touchpoint(m, stage_id=None, action="Call", place="EASTSIDE CLINIC", days_waited=10, actor=SETUP),
        add_touchpoint(m, stage_id=None, action="Letter", place="Home", retold_story=False,
                       days_waited=0, actor=SETUP),
        add_touchpoint(m, stage_id=None, action="Somewhere", place="   ", actor=SETUP),
    ]
    add_barrier(m, [tps[0].id], title="Nobody's job", actor=SETUP)
    add_barrier(m, [], title="Also nobody's", actor=SETUP)
    owned = add_barrier(m, [tps[1].id], title="Owned", actor=SETUP)
    set_owner(m, owned, clinic.id, None, actor=SETUP)
    db.session.commit()
    return figures_by_label(view_of(m.id))


def test_counts_touchpoints_agencies_and_files(figures):
    assert figures["things the family had to do"] == 5
    assert figures["agencies involved"] == 2
    assert figures["caseworkers holding a file"] == 2


def test_places_are_distinct_ignoring_case_and_blank(figures):
    assert figures["places they had to go"] == 2  # Eastside Clinic (three spellings), Home


def test_times_the_story_was_retold(figures):
    assert figures["times they told their story again"] == 2


def test_documents_split_on_commas_and_newlines(figures):
    assert figures["documents asked for"] == 5  # ID + Medicaid card, ID + lease + pay stubs


def test_days_waited_sum_with_unknown_as_zero(figures):
    assert figures["days spent waiting"] == 13


def test_barriers_and_those_no_one_owns(figures):
    assert figures["barriers"] == 3
    assert figures["barriers no one owns"] == 2


def test_an_empty_map_is_all_zeros(app, view_of):
    m = start_map("Family E.")
    db.session.commit()
    assert set(figures_by_label(view_of(m.id)).values()) == {0}


def test_demo_figures_add_up(app, view_of):
    m = demo.load_demo()
    db.session.commit()
    view = view_of(m.id)
    figures = figures_by_label(view)
    assert figures["things the family had to do"] == len(demo.TOUCHPOINTS)
    assert figures["barriers no one owns"] == sum(
        1 for b in demo.BARRIERS.values() if b["owner"] is None
    )
    assert figures["days spent waiting"] == sum(
        t.get("days_waited") or 0 for t in demo.TOUCHPOINTS.values()
    )
    assert figures["places they had to go"] == len(
        {t["place"].casefold() for t in demo.TOUCHPOINTS.values()}
    )
