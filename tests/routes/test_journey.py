"""The journey: reordering stages and touchpoints, deleting a stage, and the touchpoint form's
"add an agency / caseworker here" buttons that keep everything else typed."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from tests.markup import ids_in_order, select_one, texts
from tests.routes.conftest import (
    HX,
    assert_fragment,
    assert_redirect,
    assert_status_oob,
    error_of,
    html,
    post_change,
)


def order(view) -> list[tuple[int | None, list[int]]]:
    """(stage id, touchpoint ids) for each group, in journey order."""
    return [(stage.id, [tp.id for tp in stage.touchpoints]) for stage in view.stages]


def move(client, small, what: str, item_id: int, step, **kw):
    return client.post(f"/maps/{small.id}/{what}/{item_id}/move", data={"step": step}, **kw)


# Moving touchpoints ---------------------------------------------------------------------------


def test_move_touchpoint_earlier_within_its_stage(client, small, view_of):
    assert_redirect(move(client, small, "touchpoints", small.tp2, "-1"), f"/maps/{small.id}/journey")
    assert order(view_of(small.id)) == [
        (small.stage1, [small.tp2, small.tp1]), (small.stage2, [small.tp3])
    ]


def test_move_touchpoint_later_within_its_stage(client, small, view_of):
    move(client, small, "touchpoints", small.tp1, "1")
    assert order(view_of(small.id))[0] == (small.stage1, [small.tp2, small.tp1])


def test_move_touchpoint_later_across_a_stage_boundary(client, small, view_of):
    move(client, small, "touchpoints", small.tp2, "1")
    assert order(view_of(small.id)) == [
        (small.stage1, [small.tp1]), (small.stage2, [small.tp2, small.tp3])
    ]


def test_move_touchpoint_earlier_across_a_stage_boundary(client, small, view_of):
    move(client, small, "touchpoints", small.tp3, "-1")
    assert order(view_of(small.id)) == [
        (small.stage1, [small.tp1, small.tp2, small.tp3]), (small.stage2, [])
    ]


def test_later_at_the_end_of_the_journey_keeps_it_in_its_stage(client, small, view_of):
    before = view_of(small.id)
    assert_redirect(move(client, small, "touchpoints", small.tp3, "1"))
    assert order(view_of(small.id)) == order(before)


def test_earlier_at_the_start_of_the_journey_changes_nothing(client, small, view_of):
    before = order(view_of(small.id))
    assert_redirect(move(client, small, "touchpoints", small.tp1, "-1"))
    assert order(view_of(small.id)) == before


def test_an_unstaged_touchpoint_moves_up_into_the_last_stage(client, small, view_of):
    client.post(f"/maps/{small.id}/touchpoints",
                data={"action": "Loose one", "stage_id": "", "channel": "", "reported_by": "family"})
    loose = view_of(small.id).stages[-1].touchpoints[0]
    assert view_of(small.id).stages[-1].id is None
    move(client, small, "touchpoints", loose.id, "-1")
    view = view_of(small.id)
    assert order(view) == [
        (small.stage1, [small.tp1, small.tp2]), (small.stage2, [small.tp3, loose.id])
    ]


def test_a_whole_journey_can_be_reordered_with_the_buttons(client, small, view_of):
    # Walk tp1 from first to last, one press at a time.
    for _ in range(3):
        move(client, small, "touchpoints", small.tp1, "1")
    view = view_of(small.id)
    assert [tp.id for tp in view.touchpoints] == [small.tp2, small.tp3, small.tp1]
    assert view.touchpoint(small.tp1).stage_id == small.stage2


def test_move_touchpoint_with_htmx_rerenders_the_journey(client, small, view_of):
    response = move(client, small, "touchpoints", small.tp2, "-1", headers=HX)
    body = assert_fragment(response)
    assert response.headers["HX-Retarget"] == "#journey-region"
    assert 'id="journey-region"' in body
    assert ids_in_order(body, f"#touchpoint-{small.tp1}, #touchpoint-{small.tp2}") == [
        f"touchpoint-{small.tp2}", f"touchpoint-{small.tp1}"]
    # Focus stays on the button that was pressed, for keyboard users.
    assert select_one(body, f'#touchpoint-{small.tp2} button[value="-1"]').has("autofocus")
    assert_status_oob(body)


@pytest.mark.parametrize("step", ["0", "x", "", "2", "-2", "1.0", "one"])
@pytest.mark.parametrize("what", ["touchpoints", "stages"])
def test_a_bad_step_is_400_and_moves_nothing(client, small, view_of, what, step):
    before = view_of(small.id)
    item_id = small.tp2 if what == "touchpoints" else small.stage2
    assert move(client, small, what, item_id, step).status_code == 400
    after = view_of(small.id)
    assert (order(after), after.revision) == (order(before), before.revision)


def test_a_missing_step_is_400(client, small):
    assert client.post(f"/maps/{small.id}/touchpoints/{small.tp1}/move").status_code == 400


# Moving stages ---------------------------------------------------------------------------------


def test_move_stage(client, small, view_of):
    assert_redirect(move(client, small, "stages", small.stage2, "-1"), f"/maps/{small.id}/journey")
    view = view_of(small.id)
    assert [s.id for s in view.named_stages] == [small.stage2, small.stage1]
    # Its touchpoints move with it.
    assert order(view) == [(small.stage2, [small.tp3]), (small.stage1, [small.tp1, small.tp2])]
    move(client, small, "stages", small.stage2, "1")
    assert [s.id for s in view_of(small.id).named_stages] == [small.stage1, small.stage2]


def test_move_stage_past_either_end_changes_nothing(client, small, view_of):
    move(client, small, "stages", small.stage1, "-1")
    move(client, small, "stages", small.stage2, "1")
    assert [s.id for s in view_of(small.id).named_stages] == [small.stage1, small.stage2]


def test_move_stage_with_htmx(client, small):
    response = move(client, small, "stages", small.stage2, "-1", headers=HX)
    body = assert_fragment(response)
    assert response.headers["HX-Retarget"] == "#journey-region"
    assert ids_in_order(body, f"#stage-{small.stage1}, #stage-{small.stage2}") == [
        f"stage-{small.stage2}", f"stage-{small.stage1}"]
    assert_status_oob(body)


# Deleting a stage -------------------------------------------------------------------------------


def test_deleting_a_stage_keeps_its_touchpoints(client, small, view_of):
    client.post(f"/maps/{small.id}/touchpoints",
                data={"action": "Loose one", "stage_id": "", "channel": "", "reported_by": "family"})
    loose = view_of(small.id).stages[-1].touchpoints[0].id
    assert_redirect(post_change(client, f"/maps/{small.id}/stages/{small.stage1}/delete"))
    view = view_of(small.id)
    assert [s.id for s in view.named_stages] == [small.stage2]
    # In their order, after the touchpoints that were already without a stage.
    assert order(view)[-1] == (None, [loose, small.tp1, small.tp2])
    assert len(view.touchpoints) == 4
    page = html(client.get(f"/maps/{small.id}/journey"))
    unstaged = texts(page, "#stage-none li.touchpoint p.tp-action")
    assert "First call" in unstaged and "Second visit" in unstaged
    # Its barrier link survives too.
    assert view.barrier(small.barrier).touchpoint_ids == (small.tp1,)


def test_deleting_a_stage_with_htmx_updates_the_stage_choices(client, small):
    body = assert_fragment(
        post_change(client, f"/maps/{small.id}/stages/{small.stage1}/delete", headers=HX)
    )
    stages = select_one(body, "select#touchpoint-new-stage_id")
    assert stages.has("hx-swap-oob")
    choices = [option.get("value") for option in stages.select("option")]
    assert str(small.stage1) not in choices and str(small.stage2) in choices


def test_deleting_a_touchpoint_keeps_its_barrier(client, small, view_of):
    post_change(client, f"/maps/{small.id}/touchpoints/{small.tp1}/delete")
    barrier = view_of(small.id).barrier(small.barrier)
    assert barrier is not None
    assert barrier.touchpoint_ids == ()


# The touchpoint form's extra buttons --------------------------------------------------------------

TYPED = {
    "action": "Called the housing office",
    "place": "Typed place, kept",
    "documents": "Typed documents, kept",
    "days_waited": "9",
    "stage_id": "",
    "channel": "phone",
    "feeling": "-2",
    "reported_by": "family",
}


def select_of(body: str, field: str):
    """The add form's <select> for `field`."""
    return select_one(body, f"select#touchpoint-new-{field}")


def selected_value(body: str, field: str) -> str | None:
    chosen = [option.get("value") for option in select_of(body, field).select("option[selected]")]
    assert len(chosen) <= 1, chosen
    return chosen[0] if chosen else None


def input_value(body: str, name: str) -> str:
    return select_one(body, f'input[name="{name}"]').get("value", "")


def test_add_agency_inside_the_touchpoint_form(client, small, view_of):
    before = view_of(small.id)
    response = client.post(
        f"/maps/{small.id}/touchpoints",
        data={"intent": "add_agency", "new_agency-name": "Brand New Office",
              "new_agency-sector": "county", **TYPED},
    )
    assert response.status_code == 200
    body = html(response)
    view = view_of(small.id)
    (agency,) = [a for a in view.agencies if a.name == "Brand New Office"]
    assert agency.sector == "county"
    assert len(view.touchpoints) == len(before.touchpoints)  # no touchpoint yet
    assert selected_value(body, "agency_id") == str(agency.id)
    assert input_value(body, "place") == TYPED["place"]
    assert input_value(body, "days_waited") == "9"
    assert TYPED["documents"] in body
    assert input_value(body, "new_agency-name") == ""  # the little form is emptied
    assert "Added the agency" in body


def test_add_agency_inside_the_touchpoint_form_with_htmx(client, small, view_of):
    response = client.post(
        f"/maps/{small.id}/touchpoints",
        data={"intent": "add_agency", "new_agency-name": "Brand New Office",
              "new_agency-sector": "county", **TYPED},
        headers=HX,
    )
    body = assert_fragment(response)
    assert 'id="touchpoint-new"' in body
    assert "Brand New Office" in select_of(body, "agency_id").text
    assert any(a.name == "Brand New Office" for a in view_of(small.id).agencies)
    # No map status: the page's live refresh brings the new agency to its other forms' lists.
    assert 'id="map-status"' not in body


def test_add_caseworker_inside_the_touchpoint_form(client, small, view_of):
    response = client.post(
        f"/maps/{small.id}/touchpoints",
        data={"intent": "add_caseworker", "new_caseworker-name": "Cy",
              "new_caseworker-role": "Outreach worker", "agency_id": str(small.agency), **TYPED},
    )
    assert response.status_code == 200
    body = html(response)
    view = view_of(small.id)
    (worker,) = [c for c in view.caseworkers if c.name == "Cy"]
    # Added at the agency chosen in the form.
    assert (worker.role, worker.agency_id) == ("Outreach worker", small.agency)
    assert selected_value(body, "caseworker_id") == str(worker.id)
    assert selected_value(body, "agency_id") == str(small.agency)
    assert input_value(body, "place") == TYPED["place"]
    assert input_value(body, "new_caseworker-name") == ""
    assert len(view.touchpoints) == 3


def test_add_caseworker_with_no_agency_chosen(client, small, view_of):
    response = client.post(
        f"/maps/{small.id}/touchpoints",
        data={"intent": "add_caseworker", "new_caseworker-role": "Helpline volunteer", **TYPED},
    )
    assert response.status_code == 200
    (worker,) = [c for c in view_of(small.id).caseworkers if c.role == "Helpline volunteer"]
    assert worker.agency_id is None


def test_add_agency_without_a_name_is_422_and_creates_nothing(client, small, view_of):
    before = view_of(small.id)
    response = client.post(
        f"/maps/{small.id}/touchpoints",
        data={"intent": "add_agency", "new_agency-name": "", "new_agency-sector": "county", **TYPED},
    )
    assert response.status_code == 422
    body = html(response)
    assert "Please fill this in." in error_of(body, "touchpoint-new-new_agency-name")
    assert input_value(body, "place") == TYPED["place"]
    assert TYPED["documents"] in body
    assert "<details class=\"inline-add\" open>" in body  # the little form stays open
    after = view_of(small.id)
    assert (after.agencies, after.touchpoints) == (before.agencies, before.touchpoints)


def test_add_caseworker_without_name_or_role_is_422_and_creates_nothing(client, small, view_of):
    before = view_of(small.id)
    response = client.post(
        f"/maps/{small.id}/touchpoints",
        data={"intent": "add_caseworker", "new_caseworker-name": " ",
              "new_caseworker-role": "", **TYPED},
        headers=HX,
    )
    body = assert_fragment(response, 422)
    assert "Give a name, a role, or both." in body
    assert input_value(body, "place") == TYPED["place"]
    assert view_of(small.id).caseworkers == before.caseworkers


def test_add_agency_inside_the_edit_form_keeps_the_touchpoint(client, small, view_of):
    before = view_of(small.id).touchpoint(small.tp2)
    response = post_change(
        client,
        f"/maps/{small.id}/touchpoints/{small.tp2}/edit",
        data={"intent": "add_agency", "new_agency-name": "Another Office",
              "new_agency-sector": "state", **TYPED},
        headers=HX,
    )
    body = assert_fragment(response)
    assert f'id="touchpoint-{small.tp2}"' in body
    view = view_of(small.id)
    (agency,) = [a for a in view.agencies if a.name == "Another Office"]
    assert re.search(
        rf'<select id="touchpoint-{small.tp2}-agency_id".*?<option selected value="{agency.id}"',
        body, re.S,
    )
    assert view.touchpoint(small.tp2) == before  # saved only with "Save touchpoint"


# What a browser really sends: every control in document order plus the button pressed (htmx
# appends the button after the form's values). The buttons are named "intent", so they never
# collide with the touchpoint's "action" field ("What the family had to do").


def test_browser_add_agency_button_keeps_the_typed_action(client, small, view_of):
    data = MultiDict([
        *TYPED.items(), ("new_agency-name", "Brand New Office"), ("new_agency-sector", "county"),
        ("intent", "add_agency"),
    ])
    body = assert_fragment(client.post(f"/maps/{small.id}/touchpoints", data=data, headers=HX))
    view = view_of(small.id)
    assert any(a.name == "Brand New Office" for a in view.agencies), "the agency was not added"
    assert len(view.touchpoints) == 3, "the touchpoint was saved instead"
    assert input_value(body, "action") == "Called the housing office"


def test_browser_enter_key_saves_the_typed_action(client, small, view_of):
    # Enter submits with the form's first submit button: the hidden "save" button placed
    # before the "What the family had to do" field.
    data = MultiDict([("csrf_token", ""), ("intent", "save"), *TYPED.items()])
    assert_redirect(client.post(f"/maps/{small.id}/touchpoints", data=data))
    actions = [tp.action for tp in view_of(small.id).touchpoints]
    assert "Called the housing office" in actions
    assert "save" not in actions


def test_unknown_intent_is_an_ordinary_save(client, small, view_of):
    response = client.post(f"/maps/{small.id}/touchpoints", data={**TYPED, "intent": "explode"})
    assert_redirect(response)
    assert "Called the housing office" in [tp.action for tp in view_of(small.id).touchpoints]
