"""deidentify: nothing the family's story, names or dates could be recognised by; the same shape."""

from __future__ import annotations

import dataclasses
import json

import pytest

from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.exports.csv_out import barriers_csv, touchpoints_csv
from journeymap.exports.deidentify import REPLACEMENTS, deidentify, household_role
from journeymap.exports.json_out import map_to_json_dict
from journeymap.extensions import db
from journeymap.kinds.fields import Privacy
from journeymap.kinds.items import KINDS
from journeymap.readmodel import metrics, snapshot
from journeymap.render.silo import build_silo_graph
from journeymap.samples import demo
from tests.actors import SETUP

# Text about the family, one marker per field: none may survive.
REMOVED = {
    "situation": "MARKER_situation_7f3",
    "hopes": "MARKER_hopes_a91",
    "member": "MARKER_member_c02",
    "caseworker": "MARKER_caseworker_name_5be",
    "action": "MARKER_action_e44",
    "place": "MARKER_place_9d1",
    "document": "MARKER_document_06a",
    "title": "MARKER_barrier_title_b7c",
    "description": "MARKER_barrier_description_31f",
    "stage": "MARKER_stage_name_7a2",
}
# Text about the services, which the meeting is there to discuss: kept (see the module docstring).
KEPT = {"agency": "KEPT_agency", "role": "KEPT_role"}


def build_marked_map():
    journey_map = start_map("Family M.", REMOVED["situation"], REMOVED["hopes"])
    journey_map.from_family = True
    add_member(journey_map, f"Grandma {REMOVED['member']}", "65+", from_family=True, actor=SETUP)
    add_member(journey_map, REMOVED["member"], "0-4", actor=SETUP)
    stages = [add_stage(journey_map, f"{REMOVED['stage']} {n}", actor=SETUP) for n in (1, 2)]
    agencies = [add_agency(journey_map, f"{KEPT['agency']} {n}", "county", actor=SETUP) for n in (1, 2)]
    named = add_caseworker(
        journey_map, agency_id=agencies[0].id, name=REMOVED["caseworker"], role=KEPT["role"], actor=SETUP
    )
    name_only = add_caseworker(journey_map, agency_id=agencies[1].id, name=REMOVED["caseworker"], actor=SETUP)
    touchpoints = []
    for n in range(4):
        touchpoints.append(
            add_touchpoint(
                journey_map,
                stage_id=stages[n % 2].id if n < 3 else None,
                action=f"{REMOVED['action']} {n}",
                place=REMOVED["place"] if n % 2 else f"{REMOVED['place']} elsewhere",
                agency_id=agencies[n % 2].id,
                caseworker_id=(named, name_only)[n % 2].id,
                channel=("phone", None)[n % 2],
                days_waited=n * 10,
                documents=f"{REMOVED['document']} A, {REMOVED['document']} B\nPhoto ID",
                retold_story=bool(n % 2),
                feeling=n - 2,
                reported_by="family",
                from_family=n == 2, actor=SETUP
            )
        )
    add_barrier(
        journey_map, [touchpoints[0].id, touchpoints[3].id], title=REMOVED["title"],
        description=REMOVED["description"], category="waiting", severity="high",
        owner_agency_id=agencies[0].id, owner_caseworker_id=named.id, actor=SETUP
    )
    add_barrier(
        journey_map, [touchpoints[1].id], title=REMOVED["title"], category="trust", from_family=True,
            actor=SETUP
    )
    db.session.commit()
    return journey_map


@pytest.fixture
def marked(app, view_of):
    return view_of(build_marked_map().id)


def every_text_of(view) -> str:
    """Everything a de-identified view can be shown or exported as."""
    return "\n".join(
        [
            repr(view),
            repr([view._agency_by_id, view._caseworker_by_id, view._touchpoint_by_id, view._barrier_by_id]),
            json.dumps(map_to_json_dict(view), ensure_ascii=False),
            touchpoints_csv(view),
            barriers_csv(view),
            build_silo_graph(view).source,
        ]
    )


def test_no_marker_survives(marked):
    before = every_text_of(marked)
    assert all(marker in before for marker in REMOVED.values())  # the markers were there to find
    after = every_text_of(deidentify(marked))
    assert "MARKER" not in after


def test_service_names_and_the_pseudonym_are_kept(marked):
    result = deidentify(marked)
    assert result.pseudonym == "Family M."
    assert [a.name for a in result.agencies] == [f"{KEPT['agency']} 1", f"{KEPT['agency']} 2"]
    assert [s.name for s in result.named_stages] == ["Stage 1", "Stage 2"]
    assert [s.name for s in result.stages] == ["Stage 1", "Stage 2", "Not in a stage yet"]
    assert sorted(c.role for c in result.caseworkers) == ["Caseworker", KEPT["role"]]
    assert all(c.name == "" for c in result.caseworkers)


def test_generated_text(marked):
    result = deidentify(marked)
    assert (result.situation, result.hopes) == ("", "")
    assert (result.created_at, result.updated_at) == (None, None)
    assert [(m.role, m.age_band) for m in result.members] == [
        ("Grandmother", "65+"), ("Household member", "0-4")
    ]
    actions = [tp.action for tp in result.touchpoints]
    assert actions == [
        f"Touchpoint 1 (Phone, {KEPT['agency']} 1)",
        f"Touchpoint 2 (Phone, {KEPT['agency']} 1)",
        f"Touchpoint 3 ({KEPT['agency']} 2)",
        f"Touchpoint 4 ({KEPT['agency']} 2)",
    ]
    assert [tp.place for tp in result.touchpoints] == ["Place 1", "Place 1", "Place 2", "Place 2"]
    assert result.touchpoints[0].document_list == ["Document 1", "Document 2", "Document 3"]
    assert [b.title for b in result.barriers] == ["Barrier 1: Waiting", "Barrier 2: Trust and safety"]
    assert all(b.description == "" for b in result.barriers)


def test_structure_and_figures_are_kept(marked):
    result = deidentify(marked)
    assert result.id == marked.id and result.revision == marked.revision

    def shape(view):
        return {
            "map": (view.id, view.revision, view.version, view.from_family),
            "members": [(m.id, m.age_band, m.version, m.from_family) for m in view.members],
            "stages": [(s.id, s.position, [tp.id for tp in s.touchpoints]) for s in view.stages],
            "named": [s.id for s in view.named_stages],
            "agencies": [(a.id, a.sector) for a in view.agencies],
            "caseworkers": [(c.id, c.agency_id, c.holds_file, c.status) for c in view.caseworkers],
            "touchpoints": [
                (tp.id, tp.stage_id, tp.position, tp.agency_id, tp.caseworker_id, tp.channel,
                 tp.days_waited, tp.retold_story, tp.feeling, tp.reported_by, tp.barrier_ids,
                 len(tp.document_list), tp.version, tp.from_family)
                for tp in view.touchpoints
            ],
            "barriers": [
                (b.id, b.category, b.severity, b.owner_agency_id, b.owner_caseworker_id,
                 b.touchpoint_ids, b.version, b.from_family)
                for b in view.barriers
            ],
            "unowned": [b.id for b in view.unowned_barriers],
            "figures": metrics.family_figures(view),
        }

    assert shape(result) == shape(marked)
    assert result.from_family and result.barriers[1].from_family  # the marks were there to keep
    # The lookups hand out the de-identified items, not the originals.
    tp = marked.touchpoints[0]
    assert result.touchpoint(tp.id) == result.touchpoints[0] != tp
    assert result.caseworker(tp.caseworker_id).name == ""
    assert result.barriers_at(tp.id)[0].title == "Barrier 1: Waiting"
    assert result.owner_text(result.barriers[0]) == f"{KEPT['role']} at {KEPT['agency']} 1"


def test_who_typed_it_in_is_dropped(marked):
    """created_by_id points at a user account: a person, and not the meeting's business."""
    touchpoints = {tp.id: dataclasses.replace(tp, created_by_id=99) for tp in marked.touchpoints}
    barriers = tuple(dataclasses.replace(b, created_by_id=99) for b in marked.barriers)
    stamped = dataclasses.replace(
        marked,
        stages=tuple(
            dataclasses.replace(s, touchpoints=tuple(touchpoints[tp.id] for tp in s.touchpoints))
            for s in marked.stages
        ),
        barriers=barriers,
    )
    result = deidentify(stamped)
    assert {tp.created_by_id for tp in result.touchpoints} == {None}
    assert {b.created_by_id for b in result.barriers} == {None}
    assert {tp.created_by_id for tp in result._touchpoint_by_id.values()} == {None}


def test_the_original_view_is_untouched(marked):
    deidentify(marked)
    assert marked.situation == REMOVED["situation"]
    assert marked.touchpoints[0].action.startswith(REMOVED["action"])


def test_the_demo_deidentified(app, view_of):
    journey_map = demo.load_demo()
    db.session.commit()
    view = view_of(journey_map.id)
    result = deidentify(view)
    text = every_text_of(result)
    for name in ("Dana", "Marcus", "Tanya", "Rosa", "Luis", "asthma", "shut-off notice", "coats"):
        assert name not in text
    assert [m.role for m in result.members] == ["Mother", "Father", "Daughter", "Son", "Son"]
    assert metrics.family_figures(result) == metrics.family_figures(view)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Mother", "Mother"),
        ("  grandma Ruth", "Grandmother"),
        ("Son (asthma)", "Son"),
        ("Eldest child", "Child"),
        ("Oldest", "Household member"),
        ("Sonia", "Household member"),
        ("Mom's boyfriend", "Partner"),
        ("3rd child", "Child"),
        ("", "Household member"),
    ],
)
def test_household_roles_come_from_a_fixed_list(typed, shown):
    assert household_role(typed) == shown


def test_every_field_of_the_view_has_been_reviewed():
    """A new field on a view could carry text about the family: it is in the view only through
    its kind's declaration, which gives it a privacy class; a REPLACED field needs its generator."""
    for kind in KINDS.values():
        view_class = snapshot.MapView if kind.name == "family" else snapshot.ITEM_VIEW_OF[kind.name]
        declared = {f.name for f in kind.fields}
        assert declared <= {f.name for f in dataclasses.fields(view_class)}, kind.name
        for field in kind.fields:
            assert isinstance(field.privacy, Privacy), f"{kind.name}.{field.name}"
            if field.privacy is Privacy.REPLACED:
                assert (kind.name, field.name) in REPLACEMENTS, f"{kind.name}.{field.name} has no generator"
