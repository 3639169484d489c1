"""The family's word on their map: the family (or a facilitator sitting with them) confirms or
disputes touchpoints and barriers; the marks, the counts, the history and the refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from journeymap.extensions import db
from journeymap.models import FamilyWord, HistoryEntry
from tests.routes.conftest import HX, add_to_map, assert_fragment, assert_redirect, client_as, error_of, html

FAMILY = "family-word@example.org"
HOSTILE = '<script>alert("x")</script> =cmd'


@pytest.fixture
def family(app, small):
    add_to_map(small.id, FAMILY, "family")
    return client_as(app, FAMILY)


def word_url(small, kind="touchpoints", item=None):
    return f"/maps/{small.id}/{kind}/{item or small.tp1}/word"


def words(map_id: int) -> dict:
    db.session.expire_all()
    return {(w.item_kind, w.item_id): (w.verdict, w.comment, w.on_behalf, w.version)
            for w in db.session.scalars(select(FamilyWord).where(FamilyWord.map_id == map_id))}


def test_the_family_disputes_a_step_in_their_own_words_and_it_shows(family, small):
    response = family.post(word_url(small), data={"verdict": "disputed", "comment": "Nobody called back",
                                                  "version": "0"})
    assert_redirect(response, f"/maps/{small.id}/journey")
    assert words(small.id) == {("touchpoint", small.tp1): ("disputed", "Nobody called back", False, 1)}
    page = html(family.get(f"/maps/{small.id}/journey"))
    assert "Disputed by the family" in page and "Nobody called back" in page
    entry = db.session.scalars(select(HistoryEntry).where(HistoryEntry.action == "disputed")).one()
    assert (entry.kind, entry.item_id, entry.actor_role, entry.changes) == (
        "touchpoint", small.tp1, "family", {"comment": "Nobody called back", "on_behalf": False})


def test_a_facilitator_gives_it_on_the_familys_behalf(client, small):
    response = client.post(word_url(small, "barriers", small.barrier), headers=HX,
                           data={"verdict": "confirmed", "comment": "", "version": "0"})
    body = assert_fragment(response)
    assert "Confirmed by the family" in body and "given with the facilitator" in body
    assert words(small.id) == {("barrier", small.barrier): ("confirmed", "", True, 1)}
    entry = db.session.scalars(select(HistoryEntry).where(HistoryEntry.action == "confirmed")).one()
    assert entry.changes == {"on_behalf": True}
    assert "on the family&#39;s behalf" in html(client.get(f"/maps/{small.id}/history")).replace("’", "&#39;")


def test_changing_the_word_replaces_it_and_withdrawing_removes_it(family, small):
    family.post(word_url(small), data={"verdict": "confirmed", "comment": "", "version": "0"})
    family.post(word_url(small), data={"verdict": "disputed", "comment": "It was the other office",
                                       "version": "1"})
    assert words(small.id) == {("touchpoint", small.tp1): ("disputed", "It was the other office", False, 2)}
    family.post(word_url(small), data={"verdict": "withdraw", "comment": "", "version": "2"})
    assert words(small.id) == {}
    actions = db.session.scalars(select(HistoryEntry.action).where(HistoryEntry.kind == "touchpoint",
                                                                   HistoryEntry.item_id == small.tp1)
                                  .order_by(HistoryEntry.id)).all()
    assert actions[-3:] == ["confirmed", "disputed", "withdrew word on"]


def test_a_word_changed_meanwhile_is_a_conflict_and_the_comment_is_kept(family, client, small):
    client.post(word_url(small), data={"verdict": "confirmed", "comment": "", "version": "0"})
    response = family.post(word_url(small), headers=HX,
                           data={"verdict": "disputed", "comment": "Not true", "version": "0"})
    body = assert_fragment(response, 409)
    assert "changed while you were writing" in body and "Not true" in body
    assert words(small.id)[("touchpoint", small.tp1)][0] == "confirmed"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"verdict": "maybe", "comment": "x"}, "verdict", "Choose Confirm or Dispute."),
    ({"comment": "x"}, "verdict", "Choose Confirm or Dispute."),
    ({"verdict": "disputed", "comment": "y" * 2001}, "comment", "2000 characters"),
])
def test_bad_input_is_answered_beside_the_field_with_the_input_kept(family, small, data, field, message):
    for headers in (HX, {}):
        response = family.post(word_url(small), headers=headers, data={**data, "version": "0"})
        assert response.status_code == 422
        body = html(response)
        assert message in (error_of(body, f"word-touchpoint-{small.tp1}-{field}") or "")
        assert data["comment"][:50] in body
    assert words(small.id) == {}


def test_hostile_comments_are_escaped(family, small):
    family.post(word_url(small), data={"verdict": "disputed", "comment": HOSTILE, "version": "0"})
    page = html(family.get(f"/maps/{small.id}/journey"))
    assert HOSTILE not in page and "&lt;script&gt;" in page


def test_others_read_but_cannot_give_it(app, small):
    for role in ("caseworker", "contributor", "viewer"):
        email = f"{role}-word@example.org"
        add_to_map(small.id, email, role)
        someone = client_as(app, email)
        assert someone.post(word_url(small), data={"verdict": "confirmed", "version": "0"}).status_code == 403
        assert "Confirm: this is right" not in html(someone.get(f"/maps/{small.id}/journey"))


def test_unknown_and_other_maps_items_are_404(family, small, other):
    for url in (word_url(small, item=999_999), word_url(small, item=other.tp1),
                word_url(small, "barriers", other.barrier), f"/maps/{small.id}/stages/{small.stage1}/word"):
        assert family.post(url, data={"verdict": "confirmed", "version": "0"}).status_code == 404


def test_deleting_the_item_deletes_its_word(client, small):
    client.post(word_url(small, "barriers", small.barrier), data={"verdict": "disputed", "version": "0"})
    from tests.routes.conftest import post_change
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/delete")
    assert words(small.id) == {}


def test_the_brief_and_barriers_page_count_and_mark(family, client, small):
    family.post(word_url(small), data={"verdict": "confirmed", "version": "0"})
    family.post(word_url(small, item=small.tp2),
                data={"verdict": "disputed", "comment": "No", "version": "0"})
    family.post(word_url(small, "barriers", small.barrier), data={"verdict": "disputed", "version": "0"})
    brief = html(client.get(f"/maps/{small.id}/brief"))
    assert "The family confirmed 1 of 3 steps; 1 disputed." in brief
    assert "The family confirmed 0 of 1 barrier; 1 disputed." in brief
    assert "Disputed by the family" in html(client.get(f"/maps/{small.id}/barriers"))


def test_disputed_items_are_marked_in_the_text_lists_and_the_present_page(family, client, small):
    family.post(word_url(small), data={"verdict": "disputed", "comment": "Not so", "version": "0"})
    family.post(word_url(small, "barriers", small.barrier), data={"verdict": "disputed", "version": "0"})
    for page in ("journey-view", "silo"):
        assert "Disputed by the family" in html(client.get(f"/maps/{small.id}/{page}")), page
    assert "The family confirmed 0 of 3 steps; 1 disputed." in html(client.get(f"/maps/{small.id}/present"))
    drawing = client.get(f"/maps/{small.id}/silo-map.svg")
    assert drawing.status_code == 200 and b"Disputed by the family" in drawing.data


def test_the_csv_has_the_familys_word(family, client, small):
    family.post(word_url(small), data={"verdict": "disputed", "comment": "=Not so", "version": "0"})
    response = client.post(f"/maps/{small.id}/data/export",
                           data={"format": "touchpoints-csv", "detail": "full"})
    text = response.get_data(as_text=True)
    assert "Family's word" in text and "Disputed by the family: =Not so" in text
