"""GET /maps/<id>/live/items: the items a change touched, as a page shows them now, and the map's
status (journeymap/live_items.py; static/js/live.js puts them in place)."""

from __future__ import annotations

from journeymap.domain.barriers import set_owner
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.models import Barrier, JourneyMap, Membership, Touchpoint
from tests.markup import select, select_one
from tests.routes.conftest import assert_fragment

SOMEONE = Actor(None, "Someone", "facilitator")


def items(client, small, page: str, *dom_ids: str) -> str:
    query = "&".join([f"page={page}"] + [f"item={dom_id}" for dom_id in dom_ids])
    return assert_fragment(client.get(f"/maps/{small.id}/live/items?{query}"))


def test_a_touchpoint_comes_with_its_list_and_the_one_before_it(client, small):
    body = items(client, small, "journey", f"touchpoint-{small.tp2}", f"touchpoint-{small.tp3}")
    second = select_one(body, f'template[data-item="touchpoint-{small.tp2}"]')
    assert second.get("data-list") == f"stage-{small.stage1}-touchpoints"
    assert second.get("data-after") == f"touchpoint-{small.tp1}"
    assert "Second visit" in second.text
    third = select_one(body, f'template[data-item="touchpoint-{small.tp3}"]')
    assert (third.get("data-list"), third.get("data-after")) == (f"stage-{small.stage2}-touchpoints", "")
    # In the page's order, each after the one before it; with the map's status.
    assert [t.get("data-item") for t in select(body, "template")] == [f"touchpoint-{small.tp2}",
                                                                  f"touchpoint-{small.tp3}"]
    revision = db.session.get(JourneyMap, small.id).revision
    assert select_one(body, "#map-status").get("data-revision") == str(revision)


def test_a_deleted_item_is_marked_gone_and_other_kinds_are_not_this_pages(client, small):
    body = items(client, small, "journey", "touchpoint-999", f"stage-{small.stage1}", "agency-1")
    assert [(t.get("data-item"), t.has("data-gone")) for t in select(body, "template")] == [
        ("touchpoint-999", True)]


def test_barriers_come_in_the_pages_order_those_no_one_owns_first(client, small):
    owned = db.session.get(Barrier, small.barrier)
    set_owner(db.session.get(JourneyMap, small.id), owned, small.agency, None, actor=SOMEONE)
    db.session.commit()
    client.post(f"/maps/{small.id}/barriers", data={"title": "No bus", "severity": "low"})
    new_id = db.session.scalar(db.select(Barrier.id).where(Barrier.title == "No bus"))
    body = items(client, small, "barriers", f"barrier-{small.barrier}", f"barrier-{new_id}")
    placed = [(t.get("data-item"), t.get("data-after")) for t in select(body, "template")]
    assert placed == [(f"barrier-{new_id}", ""), (f"barrier-{small.barrier}", f"barrier-{new_id}")]


def test_a_page_that_takes_no_items_gets_the_status_alone(client, small):
    body = items(client, small, "silo", f"touchpoint-{small.tp1}")
    assert select(body, "template") == [] and select_one(body, "#map-status")


def test_typed_text_is_escaped(client, small):
    db.session.execute(db.update(Touchpoint).where(Touchpoint.id == small.tp1)
                       .values(action="<script>alert(1)</script>"))
    db.session.commit()
    body = items(client, small, "journey", f"touchpoint-{small.tp1}")
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_not_a_member_gets_404(client, small, other):
    db.session.execute(db.delete(Membership).where(Membership.map_id == other.id))
    db.session.commit()
    assert client.get(f"/maps/{other.id}/live/items?page=journey").status_code == 404


def test_another_kind_brings_the_cards_that_show_it_now(client, small):
    """A barrier changed, on the journey page: the touchpoints it is linked to (the page adds
    those that showed it before); a touchpoint changed, on the barriers page: its barriers."""
    body = items(client, small, "journey", f"barrier-{small.barrier}")
    assert [t.get("data-item") for t in select(body, "template")] == [f"touchpoint-{small.tp1}"]
    body = items(client, small, "barriers", f"touchpoint-{small.tp1}", f"touchpoint-{small.tp3}")
    assert [t.get("data-item") for t in select(body, "template")] == [f"barrier-{small.barrier}"]
