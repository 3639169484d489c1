"""Rules every write keeps, whichever route it comes through: versions are the ones sent, a
caseworker's touchpoints are their own, owned barriers change only by an edit, and no number
typed into a form or URL can make the server fail."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from journeymap.extensions import db
from journeymap.models import Barrier, Touchpoint
from tests.routes.conftest import HX, add_to_map, assert_redirect, client_as, post_change, sign_in

CASEWORKER = "casey@example.org"


def plain_client(app, email):
    """A client that sends exactly what the test gives: no version filled in."""
    with app.app_context():
        return sign_in(FlaskClient(app, app.response_class, use_cookies=True), email)


def test_an_edit_with_no_version_field_at_all_changes_nothing(app, small):
    from tests.routes.conftest import FACILITATOR

    client = plain_client(app, FACILITATOR)
    response = client.post(f"/maps/{small.id}/touchpoints/{small.tp1}/edit",
                           data={"action": "Overwritten", "channel": "", "stage_id": "", "agency_id": "",
                                 "caseworker_id": "", "reported_by": "family"})
    assert response.status_code == 409
    assert db.session.get(Touchpoint, small.tp1).action == "First call"


@pytest.fixture
def casey(app, small):
    add_to_map(small.id, CASEWORKER, "caseworker", caseworker_id=small.caseworker)
    return client_as(app, CASEWORKER)


def test_a_caseworkers_touchpoint_from_the_journey_page_is_their_own(casey, small, other):
    response = casey.post(f"/maps/{small.id}/touchpoints", data={
        "action": "Home visit", "stage_id": "", "agency_id": "", "caseworker_id": "", "channel": "",
        "reported_by": "family"})
    assert_redirect(response)
    db.session.expire_all()
    made = db.session.scalar(db.select(Touchpoint).where(Touchpoint.action == "Home visit"))
    assert (made.caseworker_id, made.agency_id) == (small.caseworker, small.agency)
    assert made.reported_by == "caseworker"


def test_a_caseworker_who_has_not_said_who_they_are_cannot_add_on_the_journey_page(app, small):
    add_to_map(small.id, CASEWORKER, "caseworker")
    casey = client_as(app, CASEWORKER)
    page = casey.get(f"/maps/{small.id}/journey").get_data(as_text=True)
    assert "say which caseworker you are" in page
    response = casey.post(f"/maps/{small.id}/touchpoints", data={"action": "Anything"})
    assert response.status_code == 403


def test_the_owner_form_cannot_take_an_owned_barrier_from_its_owner(casey, client, small):
    db.session.get(Barrier, small.barrier).owner_agency_id = small.agency
    db.session.commit()
    response = post_change(casey, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                          data={"owner": f"caseworker:{small.caseworker}"})
    assert response.status_code == 403
    # A facilitator may (they can edit barriers anyway).
    assert_redirect(post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                                data={"owner": f"caseworker:{small.caseworker}"}))


def test_a_touchpoint_moved_to_another_stage_is_a_new_version(client, small):
    seen = db.session.get(Touchpoint, small.tp2).version
    client.post(f"/maps/{small.id}/touchpoints/{small.tp2}/move", data={"step": "1"})
    db.session.expire_all()
    assert db.session.get(Touchpoint, small.tp2).stage_id == small.stage2
    response = client.post(f"/maps/{small.id}/touchpoints/{small.tp2}/edit", data={
        "action": "Second visit", "stage_id": str(small.stage1), "agency_id": "", "caseworker_id": "",
        "channel": "", "reported_by": "facilitator", "version": str(seen)})
    assert response.status_code == 409  # saving the old form would have moved it back silently


HUGE = "9" * 5000


@pytest.mark.parametrize("number", ["9" * 20, HUGE, "-1", "١٢"])
def test_no_number_typed_anywhere_makes_the_server_fail(client, small, number):
    tp = f"/maps/{small.id}/touchpoints/{small.tp1}"
    edit = client.post(tp + "/edit", data={
        "action": "x", "stage_id": "", "agency_id": "", "caseworker_id": "", "channel": "",
        "reported_by": "family", "version": number})
    assert edit.status_code == 409
    assert client.post(tp + "/delete", data={"version": number}).status_code == 409
    assert client.post(f"/maps/{small.id}/live", data={"seen": number}, headers=HX).status_code == 200
    assert client.get(f"/maps/{small.id}/history?page={number}").status_code == 200
    owner = post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                        data={"owner": f"agency:{number}"})
    assert owner.status_code == 422
