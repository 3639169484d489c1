"""The question the tool exists to ask: whose job is it to fix this? A barrier no one owns is
flagged in the map status on every page; one step records an owner and clears the flag."""

from __future__ import annotations

import pytest

from journeymap.domain.people import add_caseworker
from journeymap.extensions import db
from journeymap.models import JourneyMap
from tests.actors import SETUP
from tests.markup import select, select_one
from tests.routes.conftest import (
    HX,
    add_to_map,
    assert_fragment,
    assert_redirect,
    assert_status_oob,
    client_as,
    html,
    page_urls,
    post_change,
)

FLAG = "1 barrier no one owns"
QUESTION = "Whose job is it to fix this?"


def owner_url(small, barrier_id=None) -> str:
    return f"/maps/{small.id}/barriers/{barrier_id or small.barrier}/owner"


def status_of(body: str) -> str:
    return select_one(body, "p#map-status").text


def owner_choices(body: str, small):
    """The owner form's select of someone to own small's barrier."""
    return select_one(body, f'select#owner-{small.barrier}[name="owner"]')


def test_an_unowned_barrier_is_flagged_on_every_map_page(client, small):
    for url in page_urls(small.id):
        assert FLAG in status_of(html(client.get(url))), url


def test_the_barriers_page_asks_the_question_of_an_unowned_barrier(client, small):
    card = select_one(html(client.get(f"/maps/{small.id}/barriers")), f"#barrier-{small.barrier}")
    assert "No one owns this" in card.text
    assert QUESTION in card.text
    assert card.select_one("form.owner-form").get("action") == owner_url(small)
    assert {f"agency:{small.agency}", f"caseworker:{small.caseworker}"} <= {
        option.get("value") for option in card.select("option")}


def test_the_silo_page_lists_the_unowned_barrier(client, small):
    body = html(client.get(f"/maps/{small.id}/silo"))
    assert "No one owns these (1)" in body


def test_record_an_agency_as_owner(client, small, view_of):
    response = post_change(client, owner_url(small), data={"owner": f"agency:{small.agency}"})
    assert_redirect(response, f"/maps/{small.id}/barriers#barrier-{small.barrier}")
    view = view_of(small.id)
    barrier = view.barrier(small.barrier)
    assert (barrier.owner_agency_id, barrier.owner_caseworker_id) == (small.agency, None)
    assert view.unowned_barriers == []
    body = html(client.get(f"/maps/{small.id}/barriers"))
    assert "Every barrier has an owner" in status_of(body)
    assert QUESTION not in body.split('id="barrier-new"')[0]  # the question is answered
    assert "Owner:" in body and "Test Housing Office" in body


def test_record_a_caseworker_as_owner_records_their_agency_too(client, small, view_of):
    post_change(client, owner_url(small), data={"owner": f"caseworker:{small.caseworker}"})
    barrier = view_of(small.id).barrier(small.barrier)
    assert (barrier.owner_agency_id, barrier.owner_caseworker_id) == (small.agency, small.caseworker)
    body = html(client.get(f"/maps/{small.id}/barriers"))
    assert "Ada, Intake worker at Test Housing Office" in body


def test_record_a_caseworker_without_an_agency_as_owner(client, small, view_of):
    journey_map = db.session.get(JourneyMap, small.id)
    loner = add_caseworker(journey_map, name="Sam", role="Volunteer", agency_id=None, actor=SETUP)
    db.session.commit()
    post_change(client, owner_url(small), data={"owner": f"caseworker:{loner.id}"})
    view = view_of(small.id)
    barrier = view.barrier(small.barrier)
    assert (barrier.owner_agency_id, barrier.owner_caseworker_id) == (None, loner.id)
    assert view.unowned_barriers == []
    assert "Every barrier has an owner" in html(client.get(f"/maps/{small.id}/silo"))


def test_record_owner_with_htmx(client, small, view_of):
    response = post_change(client, owner_url(small), data={"owner": f"agency:{small.agency}"}, headers=HX)
    body = assert_fragment(response)
    assert f'id="barrier-{small.barrier}"' in body
    assert "Owner recorded. This barrier is no longer flagged." in body
    assert_status_oob(body)
    assert "Every barrier has an owner" in status_of(body)
    assert not view_of(small.id).barrier(small.barrier).is_unowned


def test_the_flag_counts_down_one_barrier_at_a_time(client, demo_id, view_of):
    view = view_of(demo_id)
    unowned = view.unowned_barriers
    assert len(unowned) == 4
    agency = view.agencies[0]
    for left in (3, 2, 1, 0):
        response = post_change(
            client,
            f"/maps/{demo_id}/barriers/{unowned[3 - left].id}/owner",
            data={"owner": f"agency:{agency.id}"}, headers=HX,
        )
        status = status_of(assert_fragment(response))
        if left:
            noun = "barrier" if left == 1 else "barriers"
            assert f"{left} {noun} no one owns" in status
        else:
            assert "Every barrier has an owner" in status
    assert "no one owns" not in html(client.get("/"))


def test_recording_an_owner_again_changes_the_owner(client, small, view_of):
    post_change(client, owner_url(small), data={"owner": f"caseworker:{small.caseworker}"})
    post_change(client, owner_url(small), data={"owner": f"agency:{small.agency}"})
    barrier = view_of(small.id).barrier(small.barrier)
    assert (barrier.owner_agency_id, barrier.owner_caseworker_id) == (small.agency, None)


BAD_OWNERS = {
    "empty": lambda small, other: "",
    "no such agency": lambda small, other: "agency:999999",
    "no such caseworker": lambda small, other: "caseworker:999999",
    "caseworker abc": lambda small, other: "caseworker:abc",
    "agency without id": lambda small, other: "agency:",
    "negative id": lambda small, other: f"agency:-{small.agency}",
    "float id": lambda small, other: f"agency:{small.agency}.0",
    "unknown kind": lambda small, other: f"person:{small.caseworker}",
    "bare id": lambda small, other: str(small.agency),
    "another map's agency": lambda small, other: f"agency:{other.agency}",
    "another map's caseworker": lambda small, other: f"caseworker:{other.caseworker}",
    "a barrier": lambda small, other: f"barrier:{small.barrier}",
    "nul": lambda small, other: f"agency:{small.agency}\x00",
    # str.isdigit() is true for these, int() refuses them.
    "superscript digit": lambda small, other: "agency:\u00b2",  # ²
    "circled digit": lambda small, other: "caseworker:\u2460",  # ①
}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("bad", BAD_OWNERS, ids=list(BAD_OWNERS))
def test_an_invalid_owner_is_422_and_records_nothing(client, small, other, view_of, bad, htmx):
    value = BAD_OWNERS[bad](small, other)
    before = view_of(small.id)
    response = post_change(client, owner_url(small), data={"owner": value}, headers=HX if htmx else {})
    assert response.status_code == 422, html(response)[:500]
    body = html(response)
    assert ("<html" in body) is not htmx
    error = select_one(body, f'p.error[id="owner-{small.barrier}-error"][role="alert"]')
    assert "Choose who will own this barrier." in error.text
    assert 'aria-invalid="true"' in body
    after = view_of(small.id)
    assert after.barrier(small.barrier).is_unowned
    assert after.revision == before.revision
    assert view_of(other.id).barrier(other.barrier).is_unowned


def test_no_owner_field_at_all_is_422(client, small):
    assert post_change(client, owner_url(small), data={}).status_code == 422


def test_an_owned_barrier_can_be_given_back_to_no_one_by_editing(client, small, view_of):
    post_change(client, owner_url(small), data={"owner": f"agency:{small.agency}"})
    post_change(
        client,
        f"/maps/{small.id}/barriers/{small.barrier}/edit",
        data={"title": "No heat", "category": "other", "severity": "high",
              "owner_agency_id": "", "owner_caseworker_id": ""},
    )
    assert view_of(small.id).barrier(small.barrier).is_unowned
    assert FLAG in html(client.get(f"/maps/{small.id}"))


def test_barrier_form_refuses_a_caseworker_from_a_different_agency(client, small, view_of):
    client.post(f"/maps/{small.id}/agencies", data={"name": "Second Office", "sector": "state"})
    second = next(a for a in view_of(small.id).agencies if a.name == "Second Office")
    response = client.post(
        f"/maps/{small.id}/barriers",
        data={"title": "Mismatch", "category": "other", "severity": "low",
              "owner_agency_id": str(second.id), "owner_caseworker_id": str(small.caseworker)},
    )
    assert response.status_code == 422
    assert "This caseworker is recorded at Test Housing Office" in html(response)
    assert all(b.title != "Mismatch" for b in view_of(small.id).barriers)


# A long list of owners: the card asks for its owner form ----------------------------------------


@pytest.fixture
def long_list(app, monkeypatch):
    """The small map's two owners (an agency, a caseworker) count as a long list."""
    monkeypatch.setitem(app.config, "OWNER_CHOICES_INLINE", 1)


def test_with_a_long_list_of_owners_the_card_asks_for_the_form_instead_of_carrying_it(
    client, small, long_list
):
    card = select_one(html(client.get(f"/maps/{small.id}/barriers")), f"#barrier-{small.barrier}")
    assert card.select("select, option") == []
    assert QUESTION in card.text
    form = card.select_one("form.owner-form")
    assert (form.get("action"), form.get("method")) == (owner_url(small), "get")
    assert form.select_one("button").text == "Choose an owner for No heat"
    assert form.select_one("button .visually-hidden").text == "for No heat"


def test_the_owner_form_asked_for_with_htmx_comes_with_the_focus_on_its_choices(client, small, long_list):
    body = assert_fragment(client.get(owner_url(small), headers=HX))
    assert f'id="owner-form-{small.barrier}"' in body
    assert owner_choices(body, small).has("autofocus")
    assert f'value="agency:{small.agency}"' in body and f'value="caseworker:{small.caseworker}"' in body
    # In use from the start, so a live refresh keeps it open; and it can be closed again.
    assert 'data-dirty="1"' in body and 'name="opened" value="1"' in body
    assert f'hx-get="{owner_url(small)}?closed=1"' in body and ">Close</a>" in body


def test_closing_the_opened_owner_form_gives_the_button_back_with_the_focus(client, small, long_list):
    body = assert_fragment(client.get(owner_url(small) + "?closed=1", headers=HX))
    assert "<select" not in body
    buttons = select(body, 'button[type="submit"].primary')
    (button,) = [b for b in buttons if b.text.startswith("Choose an owner")]
    assert button.has("autofocus")


def test_a_choice_missing_from_the_opened_form_is_announced_and_keeps_it_open(client, small, long_list):
    response = post_change(client, owner_url(small), data={"owner": "", "opened": "1"}, headers=HX)
    body = assert_fragment(response, 422)
    assert select_one(body, f'p.error[id="owner-{small.barrier}-error"]').get("role") == "alert"
    choices = owner_choices(body, small)
    assert choices.has("autofocus") and choices.get("aria-invalid") == "true"
    assert 'data-dirty="1"' in body and ">Close</a>" in body


def test_an_inline_owner_form_answered_with_an_error_puts_the_focus_back_on_its_choices(client, small):
    body = assert_fragment(post_change(client, owner_url(small), data={"owner": ""}, headers=HX), 422)
    assert owner_choices(body, small).has("autofocus")
    assert 'data-dirty' not in body and "Close" not in body


def test_a_viewer_gets_no_owner_question_on_a_long_list_either(app, small, long_list):
    add_to_map(small.id, "lee@example.org", "viewer")
    body = html(client_as(app, "lee@example.org").get(f"/maps/{small.id}/barriers"))
    assert "Choose an owner" not in body and QUESTION not in body
    assert client_as(app, "lee@example.org").get(owner_url(small)).status_code == 403


def test_the_owner_form_opens_on_a_page_of_its_own_without_javascript(client, small, long_list, view_of):
    page = client.get(owner_url(small))
    assert page.status_code == 200
    body = html(page)
    assert "<h1>Whose job is it to fix “No heat”?</h1>" in body
    assert f'method="post" action="{owner_url(small)}"' in body
    assert_redirect(post_change(client, owner_url(small), data={"owner": f"agency:{small.agency}"}))
    assert view_of(small.id).barrier(small.barrier).owner_agency_id == small.agency


def test_asking_for_the_owner_form_of_a_barrier_owned_meanwhile_shows_the_card_as_it_is(
    client, small, long_list
):
    assert_redirect(post_change(client, owner_url(small), data={"owner": f"agency:{small.agency}"}))
    card = client.get(owner_url(small), headers=HX)
    assert card.status_code == 200
    assert card.headers["HX-Retarget"] == f"#barrier-{small.barrier}"
    assert "Test Housing Office" in html(card) and "<select" not in html(card)
    assert "Fran Facilitator (facilitator) changed this barrier a moment ago" in html(card)
    assert_redirect(client.get(owner_url(small)), f"/maps/{small.id}/barriers#barrier-{small.barrier}")


def test_another_maps_barrier_has_no_owner_form_here(client, small, other):
    assert client.get(f"/maps/{small.id}/barriers/{other.barrier}/owner").status_code == 404
    assert client.get(f"/maps/{small.id}/barriers/999999/owner", headers=HX).status_code == 404


def test_a_caseworker_always_has_the_form_on_the_card_their_choices_are_two(app, small, long_list):
    add_to_map(small.id, "rosa@example.org", "caseworker", caseworker_id=small.caseworker)
    body = html(client_as(app, "rosa@example.org").get(f"/maps/{small.id}/barriers"))
    choices = select_one(body, f'select#owner-{small.barrier}[name="owner"]').select("option[value]")
    assert [option.get("value") for option in choices if option.get("value")] == [
        f"agency:{small.agency}", f"caseworker:{small.caseworker}"]
