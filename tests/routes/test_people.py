"""Agencies and caseworkers: deleting one keeps everything that mentions it, with the agency or
person now unknown; a barrier it owned becomes a barrier no one owns."""

from __future__ import annotations

from tests.markup import select_one
from tests.routes.conftest import HX, assert_fragment, assert_redirect, assert_status_oob, html, post_change


def test_deleting_an_agency_keeps_its_caseworkers_and_touchpoints(client, small, view_of):
    assert_redirect(post_change(client, f"/maps/{small.id}/agencies/{small.agency}/delete"),
                    f"/maps/{small.id}/people")
    view = view_of(small.id)
    assert view.agencies == ()
    worker = view.caseworker(small.caseworker)
    assert worker is not None and worker.agency_id is None
    tp = view.touchpoint(small.tp1)
    assert (tp.agency_id, tp.caseworker_id) == (None, small.caseworker)
    people = html(client.get(f"/maps/{small.id}/people"))
    assert "Agency not recorded" in people
    assert "Ada, Intake worker" in people


def test_deleting_the_owning_agency_makes_its_barrier_unowned(client, small, view_of):
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                data={"owner": f"agency:{small.agency}"})
    assert view_of(small.id).unowned_barriers == []
    response = post_change(client, f"/maps/{small.id}/agencies/{small.agency}/delete", headers=HX)
    body = assert_fragment(response)
    assert_status_oob(body)
    assert "1 barrier no one owns" in body
    barrier = view_of(small.id).barrier(small.barrier)
    assert barrier is not None and barrier.is_unowned


def test_deleting_an_owning_caseworker_leaves_their_agency_as_owner(client, small, view_of):
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                data={"owner": f"caseworker:{small.caseworker}"})
    post_change(client, f"/maps/{small.id}/caseworkers/{small.caseworker}/delete")
    barrier = view_of(small.id).barrier(small.barrier)
    assert (barrier.owner_agency_id, barrier.owner_caseworker_id) == (small.agency, None)


def test_deleting_the_only_owner_makes_the_barrier_unowned(client, small, view_of):
    # Owned by a caseworker alone (no agency): deleting them leaves no one.
    post_change(client, f"/maps/{small.id}/caseworkers/{small.caseworker}/edit",
                data={"name": "Ada", "role": "Intake worker", "agency_id": "", "status": "active"})
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                data={"owner": f"caseworker:{small.caseworker}"})
    assert not view_of(small.id).barrier(small.barrier).is_unowned
    post_change(client, f"/maps/{small.id}/caseworkers/{small.caseworker}/delete")
    view = view_of(small.id)
    assert view.barrier(small.barrier).is_unowned
    assert view.touchpoint(small.tp1).caseworker_id is None
    assert view.touchpoint(small.tp1).agency_id == small.agency


def test_adding_an_agency_with_htmx_refreshes_the_caseworker_agency_choices(client, small):
    body = assert_fragment(
        client.post(f"/maps/{small.id}/agencies", data={"name": "New Office", "sector": "state"},
                    headers=HX)
    )
    agencies = select_one(body, "select#caseworker-new-agency_id")
    assert agencies.get("hx-swap-oob") == "true"
    assert {"New Office", "Test Housing Office"} <= {option.text for option in agencies.select("option")}


def test_renaming_an_agency_shows_everywhere_it_appears(client, small):
    post_change(client, f"/maps/{small.id}/agencies/{small.agency}/edit",
                data={"name": "Renamed Office", "sector": "housing"})
    for url in (f"/maps/{small.id}/people", f"/maps/{small.id}/journey", f"/maps/{small.id}/silo"):
        body = html(client.get(url))
        assert "Renamed Office" in body, url
        assert "Test Housing Office" not in body, url


def test_caseworker_status_and_file(client, small, view_of):
    post_change(client, f"/maps/{small.id}/caseworkers/{small.caseworker}/edit",
                data={"name": "Ada", "role": "Intake worker", "agency_id": str(small.agency),
                      "status": "left"})
    worker = view_of(small.id).caseworker(small.caseworker)
    assert (worker.status, worker.holds_file) == ("left", False)
    assert "has left" in html(client.get(f"/maps/{small.id}/people"))
