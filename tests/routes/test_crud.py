"""Add, edit and delete for every kind of item, as a plain form post (303 and the database
changed) and as htmx (200, a fragment with the item, and the map status swapped out of band)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.markup import select, select_one
from tests.routes.conftest import (
    HX,
    SmallMap,
    assert_fragment,
    assert_redirect,
    assert_status_oob,
    post_change,
)


@dataclass(frozen=True)
class Kind:
    name: str
    plural: str
    page: str  # the page a browser is sent back to, after /maps/<id>
    region: str | None  # id of the region htmx re-renders, for kinds shown in several places
    add: Any  # small map -> form data for a new item
    edit: Any  # small map -> form data for an edit
    items: Any  # map view -> the items of this kind
    text: str  # attribute holding the text typed in the form's first field
    # Added to its list alone, though its kind has a region (a touchpoint goes last in its stage).
    add_appends: bool = False


KINDS = [
    Kind(
        "member", "household", "", None,
        add=lambda m: {"role": "Grandfather", "age_band": "65+"},
        edit=lambda m: {"role": "Step-father", "age_band": "45-64"},
        items=lambda v: v.members, text="role",
    ),
    Kind(
        "agency", "agencies", "/people", "people-region",
        add=lambda m: {"name": "Food Bank of the Valley", "sector": "nonprofit"},
        edit=lambda m: {"name": "Valley Food Pantry", "sector": "community"},
        items=lambda v: v.agencies, text="name",
    ),
    Kind(
        "caseworker", "caseworkers", "/people", "people-region",
        add=lambda m: {"name": "Bea", "role": "School nurse", "agency_id": str(m.agency),
                       "holds_file": "y", "status": "active"},
        edit=lambda m: {"name": "Beatrice", "role": "Head nurse", "agency_id": "",
                        "status": "left"},
        items=lambda v: v.caseworkers, text="name",
    ),
    Kind(
        "stage", "stages", "/journey", "journey-region",
        add=lambda m: {"name": "Waiting for an answer"},
        edit=lambda m: {"name": "Follow-up"},
        items=lambda v: v.named_stages, text="name",
    ),
    Kind(
        "touchpoint", "touchpoints", "/journey", "journey-region",
        add=lambda m: {
            "action": "Filled in the renewal form", "place": "Public library",
            "stage_id": str(m.stage2), "agency_id": str(m.agency),
            "caseworker_id": str(m.caseworker), "channel": "online", "days_waited": "12",
            "documents": "Photo ID, Lease", "retold_story": "y", "feeling": "-1",
            "reported_by": "family",
        },
        edit=lambda m: {"action": "Mailed the renewal form", "place": "", "stage_id": "",
                        "agency_id": "", "caseworker_id": "", "channel": "mail",
                        "days_waited": "", "documents": "", "feeling": "2",
                        "reported_by": "family"},  # a facilitator sitting with the family
        items=lambda v: v.touchpoints, text="action", add_appends=True,
    ),
    Kind(
        "barrier", "barriers", "/barriers", None,
        add=lambda m: {"title": "Bus fare to every office", "description": "Two buses each way",
                       "category": "cost", "severity": "low",
                       "touchpoint_ids": [str(m.tp2), str(m.tp3)]},
        edit=lambda m: {"title": "Bus fare", "description": "", "category": "access",
                        "severity": "critical", "touchpoint_ids": [str(m.tp1)],
                        "owner_agency_id": str(m.agency)},
        items=lambda v: v.barriers, text="title",
    ),
]
BY_NAME = {kind.name: kind for kind in KINDS}
kinds = pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])


def new_item(view, kind: Kind, before):
    known = {item.id for item in before}
    (item,) = [item for item in kind.items(view) if item.id not in known]
    return item


def item_id(small: SmallMap, kind: Kind) -> int:
    return small.ids()[kind.name]


# Add ------------------------------------------------------------------------------------------


@kinds
def test_add_as_a_plain_form(client, small, view_of, kind):
    before = kind.items(view_of(small.id))
    data = kind.add(small)
    response = client.post(f"/maps/{small.id}/{kind.plural}", data=data)
    view = view_of(small.id)
    item = new_item(view, kind, before)
    assert_redirect(response, f"/maps/{small.id}{kind.page}")
    assert response.headers["Location"].endswith(f"#{kind.name}-{item.id}")
    assert getattr(item, kind.text) == data[kind.text]


@kinds
def test_add_with_htmx(client, small, view_of, kind):
    before = kind.items(view_of(small.id))
    data = kind.add(small)
    response = client.post(f"/maps/{small.id}/{kind.plural}", data=data, headers=HX)
    body = assert_fragment(response)
    item = new_item(view_of(small.id), kind, before)
    assert f'id="{kind.name}-{item.id}"' in body
    assert data[kind.text] in body
    assert_status_oob(body)
    # A fresh, empty add form comes back, ready for the next one.
    form = select_one(body, f"#{kind.name}-new form")
    assert data[kind.text] not in [field.get("value") for field in form.select("input, textarea")]
    # Nor in its words, leaving aside the choices it offers (the new caseworker is one of the people
    # who could have taken over from someone who left).
    without_choices = re.sub(r"<option\b[^>]*>.*?</option>", "", body, flags=re.S)
    assert data[kind.text] not in select_one(without_choices, f"#{kind.name}-new form").text
    if kind.region and not kind.add_appends:
        # The region is redrawn in place of the form, so the form comes out of band.
        assert response.headers["HX-Retarget"] == f"#{kind.region}"
        assert f'id="{kind.region}"' in body
        assert select_one(body, f"#{kind.name}-new").has("hx-swap-oob")
    else:
        # The form replaces itself; the new item joins its list out of band.
        new = f"{kind.name}-{item.id}"
        assert select(body, f'[hx-swap-oob] [id="{new}"], [hx-swap-oob][id="{new}"]')


def test_add_member_fragment_joins_the_household_list(client, small):
    body = assert_fragment(
        client.post(f"/maps/{small.id}/household", data={"role": "Aunt", "age_band": "25-44"},
                    headers=HX)
    )
    assert 'hx-swap-oob="beforeend:#members"' in body


def test_add_barrier_fields(client, small, view_of):
    before = view_of(small.id).barriers
    client.post(f"/maps/{small.id}/barriers", data=BY_NAME["barrier"].add(small))
    barrier = new_item(view_of(small.id), BY_NAME["barrier"], before)
    assert (barrier.description, barrier.category, barrier.severity) == (
        "Two buses each way", "cost", "low"
    )
    assert barrier.touchpoint_ids == (small.tp2, small.tp3)
    assert barrier.is_unowned


def test_add_touchpoint_fields(client, small, view_of):
    before = view_of(small.id).touchpoints
    client.post(f"/maps/{small.id}/touchpoints", data=BY_NAME["touchpoint"].add(small))
    view = view_of(small.id)
    tp = new_item(view, BY_NAME["touchpoint"], before)
    assert (tp.place, tp.stage_id, tp.agency_id, tp.caseworker_id) == (
        "Public library", small.stage2, small.agency, small.caseworker
    )
    assert (tp.channel, tp.days_waited, tp.documents, tp.retold_story, tp.feeling, tp.reported_by) == (
        "online", 12, "Photo ID, Lease", True, -1, "family"
    )
    # Appended at the end of its stage.
    assert [t.id for t in view.stage(small.stage2).touchpoints] == [small.tp3, tp.id]


def test_add_touchpoint_with_only_a_caseworker_records_their_agency(client, small, view_of):
    before = view_of(small.id).touchpoints
    client.post(f"/maps/{small.id}/touchpoints",
                data={"action": "Met Ada", "caseworker_id": str(small.caseworker)})
    tp = new_item(view_of(small.id), BY_NAME["touchpoint"], before)
    assert (tp.agency_id, tp.caseworker_id) == (small.agency, small.caseworker)


def test_add_caseworker_fields(client, small, view_of):
    before = view_of(small.id).caseworkers
    client.post(f"/maps/{small.id}/caseworkers", data={"role": "Outreach", "status": "left"})
    worker = new_item(view_of(small.id), BY_NAME["caseworker"], before)
    # An unchecked box is not sent at all by a browser: it means "does not hold a file".
    assert (worker.name, worker.role, worker.agency_id, worker.holds_file, worker.status) == (
        "", "Outreach", None, False, "left"
    )


# Edit -----------------------------------------------------------------------------------------


@kinds
def test_edit_as_a_plain_form(client, small, view_of, kind):
    url = f"/maps/{small.id}/{kind.plural}/{item_id(small, kind)}/edit"
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "<html" in form_page.get_data(as_text=True)
    data = kind.edit(small)
    response = post_change(client, url, data=data)
    assert_redirect(response, f"/maps/{small.id}{kind.page}")
    item = next(i for i in kind.items(view_of(small.id)) if i.id == item_id(small, kind))
    assert getattr(item, kind.text) == data[kind.text]


@kinds
def test_edit_with_htmx(client, small, view_of, kind):
    the_id = item_id(small, kind)
    url = f"/maps/{small.id}/{kind.plural}/{the_id}/edit"
    form = assert_fragment(client.get(url, headers=HX))
    assert f'hx-post="{url}"' in form
    data = kind.edit(small)
    response = post_change(client, url, data=data, headers=HX)
    body = assert_fragment(response)
    assert data[kind.text] in body
    assert f'id="{kind.name}-{the_id}"' in body
    assert_status_oob(body)
    if kind.region:
        assert response.headers["HX-Retarget"] == f"#{kind.region}"
    item = next(i for i in kind.items(view_of(small.id)) if i.id == the_id)
    assert getattr(item, kind.text) == data[kind.text]


def test_edit_touchpoint_fields(client, small, view_of):
    post_change(client, f"/maps/{small.id}/touchpoints/{small.tp1}/edit",
                data=BY_NAME["touchpoint"].edit(small))
    tp = view_of(small.id).touchpoint(small.tp1)
    assert (tp.place, tp.stage_id, tp.agency_id, tp.caseworker_id, tp.channel, tp.days_waited) == (
        "", None, None, None, "mail", None
    )
    assert (tp.documents, tp.retold_story, tp.feeling, tp.reported_by) == ("", False, 2, "family")


def test_edit_touchpoint_into_another_stage_puts_it_last_there(client, small, view_of):
    post_change(client, f"/maps/{small.id}/touchpoints/{small.tp1}/edit",
                data={"action": "First call", "stage_id": str(small.stage2), "channel": "",
                      "reported_by": "family"})
    view = view_of(small.id)
    assert [t.id for t in view.stage(small.stage1).touchpoints] == [small.tp2]
    assert [t.id for t in view.stage(small.stage2).touchpoints] == [small.tp3, small.tp1]


def test_edit_barrier_links_and_owner(client, small, view_of):
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/edit",
                data=BY_NAME["barrier"].edit(small))
    barrier = view_of(small.id).barrier(small.barrier)
    assert barrier.touchpoint_ids == (small.tp1,)
    assert (barrier.category, barrier.severity, barrier.owner_agency_id) == (
        "access", "critical", small.agency
    )
    assert not barrier.is_unowned
    # Unchecking every touchpoint and choosing "No one" again unlinks and un-owns it.
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/edit",
                data={"title": "Bus fare", "owner_agency_id": "", "owner_caseworker_id": ""})
    barrier = view_of(small.id).barrier(small.barrier)
    assert barrier.touchpoint_ids == ()
    assert barrier.is_unowned


def test_edit_form_is_prefilled(client, small):
    body = client.get(f"/maps/{small.id}/barriers/{small.barrier}/edit", headers=HX).get_data(as_text=True)
    assert 'value="No heat"' in body
    checked = select(body, 'input[name="touchpoint_ids"][checked]')
    assert [box.get("value") for box in checked] == [str(small.tp1)]


# Delete ---------------------------------------------------------------------------------------


@kinds
def test_delete_as_a_plain_form(client, small, view_of, kind):
    the_id = item_id(small, kind)
    response = post_change(client, f"/maps/{small.id}/{kind.plural}/{the_id}/delete")
    assert_redirect(response, f"/maps/{small.id}{kind.page}")
    assert the_id not in {i.id for i in kind.items(view_of(small.id))}


@kinds
def test_delete_with_htmx(client, small, view_of, kind):
    the_id = item_id(small, kind)
    response = post_change(client, f"/maps/{small.id}/{kind.plural}/{the_id}/delete", headers=HX)
    body = assert_fragment(response)
    assert f'id="{kind.name}-{the_id}"' not in body
    assert_status_oob(body)
    if kind.region:
        assert response.headers["HX-Retarget"] == f"#{kind.region}"
    assert the_id not in {i.id for i in kind.items(view_of(small.id))}
    # Deleted twice (a second tab): 404, not 500.
    assert client.post(f"/maps/{small.id}/{kind.plural}/{the_id}/delete", headers=HX).status_code == 404


def test_deleting_the_only_unowned_barrier_clears_the_flag(client, small):
    body = assert_fragment(
        post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/delete", headers=HX)
    )
    assert "No barriers recorded yet" in body
    assert "no one owns" not in body


def test_every_write_bumps_the_map_revision(client, small, view_of):
    revision = view_of(small.id).revision
    for kind in KINDS:
        client.post(f"/maps/{small.id}/{kind.plural}", data=kind.add(small))
        now = view_of(small.id).revision
        assert now > revision, kind.name
        revision = now
