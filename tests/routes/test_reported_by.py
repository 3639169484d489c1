"""Who reported a touchpoint is part of the map's provenance: what the family adds or corrects is
reported by the family, whatever the form's default; others choose."""

from __future__ import annotations

from journeymap.extensions import db
from journeymap.models import Touchpoint
from tests.routes.conftest import add_to_map, client_as, html, make_user, post_change

FAMILY = "family-member@example.org"
# What a browser sends when the family leaves the form as it is: its default was the facilitator.
AS_THE_FORM_LEFT_IT = {"channel": "", "reported_by": "facilitator"}


def family_client(app, small):
    make_user(FAMILY)
    add_to_map(small.id, FAMILY, "family")
    db.session.commit()
    return client_as(app, FAMILY)


def test_a_touchpoint_the_family_adds_is_reported_by_the_family(app, small):
    family = family_client(app, small)
    response = family.post(f"/maps/{small.id}/touchpoints", data={
        "action": "Went to the food bank", "stage_id": str(small.stage1), **AS_THE_FORM_LEFT_IT})
    assert response.status_code in (200, 303), html(response)[:2000]
    added = db.session.scalar(db.select(Touchpoint).where(Touchpoint.action == "Went to the food bank"))
    assert (added.reported_by, added.from_family) == ("family", True)


def test_a_touchpoint_the_family_corrects_becomes_reported_by_the_family(app, small):
    family = family_client(app, small)
    url = f"/maps/{small.id}/touchpoints/{small.tp2}/edit"
    response = post_change(family, url, {"action": "Second visit, with the baby",
                                         "stage_id": str(small.stage1), **AS_THE_FORM_LEFT_IT})
    assert response.status_code in (200, 303), html(response)[:2000]
    db.session.expire_all()
    assert db.session.get(Touchpoint, small.tp2).reported_by == "family"


def test_the_family_is_told_rather_than_asked_who_reported_it(app, small, client):
    family = family_client(app, small)
    page = html(family.get(f"/maps/{small.id}/journey"))
    assert "Reported by the family" in page and 'name="reported_by"' not in page
    assert 'name="reported_by"' in html(client.get(f"/maps/{small.id}/journey"))  # the facilitator chooses
