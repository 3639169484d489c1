"""Every add, save, delete and move answers htmx with a short, specific sentence for the page's
polite live region (an HX-Trigger `jm:announce`, said by static/js/focus.js); a plain form post
has nothing to announce to."""

from __future__ import annotations

import json

from tests.markup import select_one
from tests.routes.conftest import HX, post_change
from tests.routes.test_crud import BY_NAME, item_id, kinds

NOUNS = {"member": "Household member", "agency": "Agency", "caseworker": "Caseworker", "stage": "Stage",
         "touchpoint": "Touchpoint", "barrier": "Barrier"}


def announcement(response) -> str:
    assert response.status_code == 200, response.status_code
    return json.loads(response.headers["HX-Trigger"])["jm:announce"]


@kinds
def test_add_is_announced_with_what_was_added(client, small, kind):
    data = kind.add(small)
    response = client.post(f"/maps/{small.id}/{kind.plural}", data=data, headers=HX)
    assert announcement(response) == f"{NOUNS[kind.name]} added: {data[kind.text]}"


@kinds
def test_save_is_announced(client, small, kind):
    url = f"/maps/{small.id}/{kind.plural}/{item_id(small, kind)}/edit"
    data = kind.edit(small)
    response = post_change(client, url, data=data, headers=HX)
    assert announcement(response) == f"{NOUNS[kind.name]} saved: {data[kind.text]}"


@kinds
def test_delete_is_announced(client, small, view_of, kind):
    the_id = item_id(small, kind)
    text = getattr(next(i for i in kind.items(view_of(small.id)) if i.id == the_id), kind.text)
    response = post_change(client, f"/maps/{small.id}/{kind.plural}/{the_id}/delete", headers=HX)
    assert announcement(response) == f"{NOUNS[kind.name]} deleted: {text}"


def test_moves_are_announced_with_their_direction(client, small, view_of):
    stage = view_of(small.id).stage(small.stage2)
    response = client.post(f"/maps/{small.id}/stages/{small.stage2}/move", data={"step": "-1"}, headers=HX)
    assert announcement(response) == f"Stage moved earlier: {stage.name}"
    tp = view_of(small.id).touchpoint(small.tp1)
    response = client.post(f"/maps/{small.id}/touchpoints/{small.tp1}/move", data={"step": "1"}, headers=HX)
    assert announcement(response) == f"Touchpoint moved later: {tp.action}"


def test_a_name_in_any_script_travels_as_ascii_and_comes_back_whole(client, small):
    name = "Oficina de Vivienda — Peña ‮"
    response = client.post(f"/maps/{small.id}/agencies", data={"name": name, "sector": "county"},
                           headers=HX)
    assert response.headers["HX-Trigger"].isascii()
    assert announcement(response) == f"Agency added: {name}"


def test_plain_form_posts_announce_nothing(client, small):
    kind = BY_NAME["touchpoint"]
    response = client.post(f"/maps/{small.id}/{kind.plural}", data=kind.add(small))
    assert response.status_code == 303
    assert "HX-Trigger" not in response.headers


def test_an_item_shown_again_puts_the_focus_on_its_edit_control(client, small):
    """Cancel (or Escape) on an edit form swaps the item back: the keyboard lands on its Edit."""
    body = client.get(f"/maps/{small.id}/touchpoints/{small.tp1}", headers=HX).get_data(as_text=True)
    edit = select_one(body, f"a[hx-get='/maps/{small.id}/touchpoints/{small.tp1}/edit']")
    assert edit.has("autofocus")
