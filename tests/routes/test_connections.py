"""The Connections page: introductions to make, recording one (plain form and htmx), bad input
beside the field, 404s, a caseworker limited to their own pairs, and who is at the table."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from journeymap.extensions import db
from journeymap.models import Agency, Caseworker, HistoryEntry, Introduction
from tests.routes.conftest import (
    HX,
    add_to_map,
    assert_fragment,
    assert_redirect,
    client_as,
    error_of,
    html,
)

HOSTILE = '<script>alert("x")</script> & "Bo"'


@pytest.fixture
def bo(small) -> int:
    """A caseworker at a second agency, never in touch with small's caseworker (Ada)."""
    agency = Agency(map_id=small.id, name="Food Bank", sector="nonprofit")
    db.session.add(agency)
    db.session.flush()
    worker = Caseworker(map_id=small.id, name=HOSTILE, role="Volunteer", agency_id=agency.id)
    db.session.add(worker)
    db.session.commit()
    return worker.id


def form(small, bo, **changes) -> dict:
    return {"caseworker_a_id": str(small.caseworker), "caseworker_b_id": str(bo), "agency_a_id": "",
            "agency_b_id": "", "made_on": "2026-11-16", "how": "phone", "note": "", **changes}


def listed(body: str, first: int, second: int) -> bool:
    """The pair is on the list of introductions to make (in the list's order, by name)."""
    return f'id="to-make-c{first}-c{second}"' in body or f'id="to-make-c{second}-c{first}"' in body


def page(client, small, **args) -> str:
    response = client.get(f"/maps/{small.id}/connections", query_string=args)
    assert response.status_code == 200
    return html(response)


def test_the_pair_is_listed_then_recorded_and_leaves_the_list(client, small, bo):
    body = page(client, small)
    assert listed(body, small.caseworker, bo)
    assert "0 of the 1 pair of people holding a file have been in touch." in body
    assert HOSTILE not in body and "&lt;script&gt;" in body  # escaped
    assert_redirect(client.post(f"/maps/{small.id}/introductions", data=form(small, bo)))
    body = page(client, small)
    assert not listed(body, small.caseworker, bo)
    assert "1 of the 1 pair of people holding a file has been in touch." in body
    assert 'id="introduction-' in body and "Phone" in body
    entry = db.session.scalars(select(HistoryEntry).order_by(HistoryEntry.id.desc())).first()
    assert (entry.action, entry.kind) == ("added", "introduction")
    assert "Volunteer" in entry.summary
    history = html(client.get(f"/maps/{small.id}/history"))
    assert "introduction" in history and "Phone" in history and "When" in history


def test_htmx_redraws_the_region(client, small, bo):
    body = assert_fragment(client.post(f"/maps/{small.id}/introductions", data=form(small, bo), headers=HX))
    assert 'id="connections-region"' in body and 'id="introduction-new"' in body


def test_a_link_of_the_list_fills_in_the_form(client, small, bo):
    body = page(client, small, pair=f"c{small.caseworker}-c{bo}")
    assert f'<option selected value="{bo}">' in body or f'<option value="{bo}" selected>' in body


@pytest.mark.parametrize("pair", ["x1-x2", "c1", "c999999-c999998", "c1-a1", "a999999-a999998"])
def test_an_unknown_pair_in_a_link_is_404(client, small, pair):
    assert client.get(f"/maps/{small.id}/connections", query_string={"pair": pair}).status_code == 404


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"caseworker_b_id": ""}, "caseworker_a_id", "Choose two caseworkers, or two agencies."),
    ({"caseworker_a_id": "", "caseworker_b_id": ""}, "caseworker_b_id", "Choose two caseworkers"),
    ({"caseworker_b_id": "SELF"}, "caseworker_b_id", "cannot be introduced to themselves"),
    ({"agency_a_id": "AG", "agency_b_id": "AG2"}, "agency_b_id", "not both"),
    ({"made_on": "16/11/2026"}, "made_on", ""),
    ({"made_on": ""}, "made_on", ""),
    ({"how": "telepathy"}, "how", ""),
    ({"note": "x" * 501}, "note", "500"),
    ({"caseworker_b_id": "999999"}, "caseworker_b_id", ""),
])
def test_bad_input_is_shown_beside_the_field_with_the_input_kept(client, small, bo, changes, field, words):
    agencies = db.session.scalars(select(Agency.id).where(Agency.map_id == small.id)
                                  .order_by(Agency.id)).all()
    values = {"SELF": str(small.caseworker), "AG": str(agencies[0]), "AG2": str(agencies[1])}
    changes = {k: values.get(v, v) for k, v in changes.items()}
    response = client.post(f"/maps/{small.id}/introductions", data=form(small, bo, **changes))
    assert response.status_code == 422
    body = html(response)
    error = error_of(body, f"introduction-new-{field}")
    assert error is not None and words in error, body[:500]
    if "note" in changes:
        assert "x" * 501 in body  # kept
    assert db.session.scalar(select(Introduction.id)) is None


def test_colleagues_and_pairs_already_in_touch_are_refused(client, small, bo):
    assert_redirect(client.post(f"/maps/{small.id}/introductions", data=form(small, bo)))
    again = client.post(f"/maps/{small.id}/introductions", data=form(small, bo))
    assert again.status_code == 422
    assert "already been in touch" in error_of(html(again), "introduction-new-caseworker_b_id")


def test_a_caseworker_records_only_pairs_including_them(app, small, bo):
    other = Caseworker(map_id=small.id, name="Cy", role="Nurse")
    db.session.add(other)
    db.session.commit()
    add_to_map(small.id, "cw@example.org", "caseworker", caseworker_id=small.caseworker)
    them = client_as(app, "cw@example.org")
    refused = them.post(f"/maps/{small.id}/introductions",
                        data=form(small, bo, caseworker_a_id=str(other.id)))
    assert refused.status_code == 422
    assert "yourself or your agency" in html(refused)
    assert_redirect(them.post(f"/maps/{small.id}/introductions", data=form(small, bo)))
    body = page(them, small)
    assert listed(body, other.id, bo)
    # No button for a pair that is not theirs.
    assert f"pair=c{other.id}-c{bo}" not in body and f"pair=c{bo}-c{other.id}" not in body


def test_an_introduction_is_deleted_and_the_pair_comes_back(client, small, bo, view_of):
    client.post(f"/maps/{small.id}/introductions", data=form(small, bo))
    (made,) = view_of(small.id).introductions
    response = client.post(f"/maps/{small.id}/introductions/{made.id}/delete", data={"version": "1"})
    assert_redirect(response)
    assert view_of(small.id).introductions == ()
    assert listed(page(client, small), small.caseworker, bo)


def test_another_maps_introduction_is_404(client, small, other, bo):
    client.post(f"/maps/{small.id}/introductions", data=form(small, bo))
    made = db.session.scalar(select(Introduction.id))
    assert client.get(f"/maps/{other.id}/introductions/{made}").status_code in (404,)
    deleted = client.post(f"/maps/{other.id}/introductions/{made}/delete", data={"version": "1"})
    assert deleted.status_code == 404


def test_who_is_at_the_table_lists_agencies_holding_a_file_with_nobody_first(client, small, bo):
    body = page(client, small)
    assert "Who is at the table" in body and "Nobody at the table" in body
    assert "The family did not take part." in body


def test_the_silo_page_has_the_toggle_off_by_default_and_carries_it(client, small, bo):
    body = html(client.get(f"/maps/{small.id}/silo"))
    assert 'name="introductions" value="show">' in body
    shown = html(client.get(f"/maps/{small.id}/silo", query_string={"introductions": "show"}))
    assert 'name="introductions" value="show" checked' in shown and "introductions=show" in shown
    assert client.get(f"/maps/{small.id}/silo", query_string={"introductions": "yes"}).status_code == 404
