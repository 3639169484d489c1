"""What a save answers with: the item that changed, not the whole journey (issue 14, point 1).

A room of 45 people saving touchpoints should cost the server 45 cards, not 45 journeys; the
journey is redrawn only when a touchpoint changes stage (it moves) or is the map's first (the page's
words change)."""

from __future__ import annotations

from journeymap.extensions import db
from journeymap.models import Touchpoint
from tests.markup import select, select_one
from tests.routes.conftest import HX, assert_fragment, assert_status_oob, post_change


def _touchpoint(stage_id) -> dict:
    return {"action": "Asked about the bus pass", "stage_id": str(stage_id or ""), "channel": "",
            "reported_by": "family"}


def test_a_touchpoint_added_to_a_stage_comes_alone_and_joins_the_end_of_its_stage(client, small):
    response = client.post(f"/maps/{small.id}/touchpoints", data=_touchpoint(small.stage1), headers=HX)
    body = assert_fragment(response)
    assert "HX-Retarget" not in response.headers
    assert 'id="journey-region"' not in body
    assert "Second visit" not in body  # the stage's other touchpoints are not sent again
    appended = select_one(body, f'[hx-swap-oob="beforeend:#stage-{small.stage1}-touchpoints"]')
    assert "Asked about the bus pass" in appended.select_one("li.touchpoint").text
    assert select_one(body, "#touchpoint-new form")  # the add form, empty, in place
    assert_status_oob(body)


def test_a_touchpoint_added_without_a_stage_joins_the_ones_not_in_a_stage(client, small):
    body = assert_fragment(client.post(f"/maps/{small.id}/touchpoints", data=_touchpoint(None), headers=HX))
    assert select(body, '[hx-swap-oob="beforeend:#stage-none-touchpoints"] li.touchpoint')


def test_the_first_touchpoint_of_a_map_redraws_the_journey(client, small):
    db.session.query(Touchpoint).filter_by(map_id=small.id).delete()
    db.session.commit()
    response = client.post(f"/maps/{small.id}/touchpoints", data=_touchpoint(small.stage1), headers=HX)
    assert response.headers["HX-Retarget"] == "#journey-region"
    assert "Every touchpoint is in a stage." in assert_fragment(response)


def test_a_touchpoint_saved_in_its_stage_answers_with_its_card_alone(client, small):
    url = f"/maps/{small.id}/touchpoints/{small.tp1}/edit"
    response = post_change(client, url, data={**_touchpoint(small.stage1), "action": "First call, again"},
                           headers=HX)
    body = assert_fragment(response)
    assert "HX-Retarget" not in response.headers
    assert 'id="journey-region"' not in body and "Second visit" not in body
    assert "First call, again" in select_one(body, f"#touchpoint-{small.tp1}").text
    assert_status_oob(body)


def test_a_touchpoint_moved_to_another_stage_redraws_the_journey(client, small):
    url = f"/maps/{small.id}/touchpoints/{small.tp1}/edit"
    response = post_change(client, url, data=_touchpoint(small.stage2), headers=HX)
    assert response.headers["HX-Retarget"] == "#journey-region"
    region = select_one(assert_fragment(response), "#journey-region")
    assert region.select_one(f"#stage-{small.stage2}-touchpoints #touchpoint-{small.tp1}")
