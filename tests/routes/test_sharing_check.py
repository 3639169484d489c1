"""Check before sharing: the facilitator's page, the choices it stores, and what de-identified
outputs show before and after. (Who may open it: tests/routes/test_access_matrix.py.)"""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from sqlalchemy import select, update

from journeymap.extensions import db
from journeymap.models import Barrier, Caseworker, HistoryEntry, JourneyMap, SharingChoice
from tests.routes.conftest import add_to_map, client_as, html


def check_url(map_id: int) -> str:
    return f"/maps/{map_id}/check-before-sharing"


def form_of(page: str) -> dict[str, str]:
    """The check page's form as a browser would send it untouched: each text's fingerprint, its
    checked choice and its wording box."""
    data = dict(re.findall(r'name="(seen-[^"]+)" value="([0-9a-f]{64})"', page))
    data.update(re.findall(r'name="(decision-[^"]+)" value="(\w+)" checked', page))
    data.update({name: html_lib.unescape(text)
                 for name, text in re.findall(r'name="(wording-[^"]+)"[^>]*>([^<]*)</textarea>', page)})
    return data


def check_everything(client, map_id: int, **changes) -> None:
    data = {**form_of(html(client.get(check_url(map_id)))), **changes}
    response = client.post(check_url(map_id), data=data)
    assert response.status_code == 303, html(response)[:3000]


def exported_json(client, map_id: int) -> dict:
    response = client.post(f"/maps/{map_id}/data/export", data={"format": "json"})
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def named(small):
    """The small map with its caseworker's name (Ada) and a phone number in the barrier's title,
    and HTML in a step."""
    db.session.execute(update(Barrier).where(Barrier.id == small.barrier)
                       .values(title="No heat; Ada's team said call 555-123-4567"))
    db.session.execute(update(Caseworker).where(Caseworker.id == small.caseworker)
                       .values(name="Ada Lovelace"))
    db.session.commit()
    return small


def test_the_page_lists_every_text_with_suspects_marked_in_words(client, named):
    page = html(client.get(check_url(named.id)))
    assert "Not checked yet." in page
    assert page.count('<li class="sharing-text') == 6  # two stages, three steps, one barrier
    mark = '<mark class="suspect">Ada<span class="suspect-tag"> [suspected name]</span></mark>'
    assert mark in page
    phone = ("<mark class=\"suspect\">555-123-4567"
             "<span class=\"suspect-tag\"> [suspected phone number]</span></mark>")
    assert phone in page
    assert "The room sees: <q>No heat; [name]&#39;s team said call [phone]</q>" in page
    assert "Barrier 1: Other" in page  # what withholding it shows


def test_before_the_check_outputs_show_generated_labels_and_after_it_the_checked_words(client, named):
    before = exported_json(client, named.id)
    assert before["barriers"][0]["title"] == "Barrier 1: Other"
    assert before["touchpoints"][0]["action"].startswith("Touchpoint 1")
    check_everything(client, named.id)
    after = exported_json(client, named.id)
    assert after["barriers"][0]["title"] == "No heat; [name]'s team said call [phone]"
    assert [tp["action"] for tp in after["touchpoints"]] == ["First call", "Second visit", "Third form"]
    assert [s["name"] for s in after["stages"]] == ["Crisis", "Intake"]
    brief = html(client.get(f"/maps/{named.id}/brief"))
    assert "No heat; [name]&#39;s team said call [phone]" in brief and "Ada" not in brief
    present = html(client.get(f"/maps/{named.id}/present"))
    assert "Ada" not in present


def test_the_choice_is_stored_and_recorded_with_who_made_it(client, named):
    check_everything(client, named.id, **{f"decision-barrier-{named.barrier}-title": "withhold"})
    rows = db.session.scalars(select(SharingChoice).where(SharingChoice.map_id == named.id)).all()
    assert sorted(r.decision for r in rows) == ["share"] * 5 + ["withhold"]
    entry = db.session.scalars(select(HistoryEntry).where(HistoryEntry.map_id == named.id,
                                                          HistoryEntry.kind == "sharing")).one()
    assert entry.action == "checked" and entry.actor_role == "facilitator" and entry.user_id is not None
    assert entry.changes == {"shared": 5, "reworded": 0, "withheld": 1}
    assert "Ada" not in json.dumps(entry.changes)  # counts, never the texts
    assert exported_json(client, named.id)["barriers"][0]["title"] == "Barrier 1: Other"
    history = html(client.get(f"/maps/{named.id}/history"))
    assert "texts for sharing" in history and "Texts withheld" in history


def test_a_rewording_is_shared_and_checked_for_names_too(client, named):
    key = f"barrier-{named.barrier}-title"
    check_everything(client, named.id, **{f"decision-{key}": "reword",
                                          f"wording-{key}": "  Heating off for weeks; Lovelace knows  "})
    assert exported_json(client, named.id)["barriers"][0]["title"] == "Heating off for weeks; [name] knows"
    page = html(client.get(check_url(named.id)))
    assert "Every text is checked." in page
    assert ">Heating off for weeks; Lovelace knows</textarea>" in page


@pytest.mark.parametrize("wording, message", [
    ("", "Type the wording to share, or choose another option."),
    ("x" * 201, "The wording is 201 characters long; barrier can be at most 200."),
])
def test_a_bad_rewording_is_refused_beside_the_text_with_the_input_kept(client, named, wording, message):
    key = f"barrier-{named.barrier}-title"
    data = {**form_of(html(client.get(check_url(named.id)))), f"decision-{key}": "reword",
            f"wording-{key}": wording}
    response = client.post(check_url(named.id), data=data)
    assert response.status_code == 400
    page = html(response)
    assert f'<p class="error" id="error-{key}"><span class="error-tag">Error:</span> {message}</p>' in page
    assert f'name="decision-{key}" value="reword" checked' in page
    assert db.session.scalar(select(db.func.count()).select_from(SharingChoice)) == 0


def test_html_and_dot_special_text_is_shown_escaped(client, named):
    db.session.execute(update(Barrier).where(Barrier.id == named.barrier)
                       .values(title='<script>alert(1)</script> "quoted" {x|y} \\N'))
    db.session.commit()
    page = html(client.get(check_url(named.id)))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34; {x|y} \\N" in page
    check_everything(client, named.id)
    # In DOT the title is a quoted string, its quotes and backslash escaped (graphviz would read
    # "\N" as the node's name); in SVG it is text.
    dot = client.post(f"/maps/{named.id}/export", data={"format": "dot"}).get_data(as_text=True)
    assert '\\"quoted\\"' in dot and "\\\\N" in dot
    svg = client.post(f"/maps/{named.id}/export", data={"format": "svg"}).get_data(as_text=True)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_an_edited_text_is_new_since_the_last_check_and_generated_until_checked(client, named):
    check_everything(client, named.id)
    db.session.execute(update(Barrier).where(Barrier.id == named.barrier).values(title="No heat, still"))
    db.session.execute(update(JourneyMap).where(JourneyMap.id == named.id)
                       .values(revision=JourneyMap.revision + 1))
    db.session.commit()
    page = html(client.get(check_url(named.id)))
    assert "1 text new since your last check" in page
    assert exported_json(client, named.id)["barriers"][0]["title"] == "Barrier 1: Other"
    check_everything(client, named.id)
    assert exported_json(client, named.id)["barriers"][0]["title"] == "No heat, still"


def test_a_text_edited_while_the_page_was_open_is_not_approved_unseen(client, named):
    seen = form_of(html(client.get(check_url(named.id))))
    db.session.execute(update(Barrier).where(Barrier.id == named.barrier).values(title="Dana's new words"))
    db.session.commit()
    assert client.post(check_url(named.id), data=seen).status_code == 303
    assert exported_json(client, named.id)["barriers"][0]["title"] == "Barrier 1: Other"
    assert "1 text new since your last check" in html(client.get(check_url(named.id)))


def test_viewers_get_the_checked_de_identified_words_and_no_names(app, client, named):
    check_everything(client, named.id)
    add_to_map(named.id, "viewer@example.org", "viewer")
    viewer = client_as(app, "viewer@example.org")
    document = exported_json(viewer, named.id)
    assert document["barriers"][0]["title"] == "No heat; [name]'s team said call [phone]"
    assert "Ada" not in json.dumps(document)
    assert viewer.get(check_url(named.id)).status_code == 403
    assert viewer.post(f"/maps/{named.id}/data/export",
                       data={"format": "json", "detail": "full"}).status_code == 403


def test_the_silo_drawing_is_drawn_again_after_the_check(client, named):
    url = f"/maps/{named.id}/silo-map.svg"
    assert "No heat" not in client.get(url).get_data(as_text=True)
    check_everything(client, named.id)
    assert "No heat" in client.get(url).get_data(as_text=True)


def test_the_brief_tells_the_facilitator_what_is_not_checked_and_no_one_else(app, client, named):
    brief_url = f"/maps/{named.id}/brief"
    assert "Not checked before sharing yet" in html(client.get(brief_url))
    add_to_map(named.id, "viewer@example.org", "viewer")
    viewer = client_as(app, "viewer@example.org")
    assert "sharing-notice" not in html(viewer.get(brief_url))
    check_everything(client, named.id)
    assert "sharing-notice" not in html(client.get(brief_url))
    db.session.execute(update(Barrier).where(Barrier.id == named.barrier).values(title="No heat, still"))
    db.session.commit()
    assert "1 text new since your last check" in html(client.get(brief_url))


def test_a_right_to_left_rewording_is_shown_isolated_and_saved_as_typed(client, named):
    key = f"barrier-{named.barrier}-title"
    typed = "אין חימום בבית"  # "no heating at home"
    check_everything(client, named.id, **{f"decision-{key}": "reword", f"wording-{key}": typed})
    page = html(client.get(check_url(named.id)))
    assert f">{typed}</textarea>" in page  # in the box as typed, so saving again changes nothing
    assert f"<q>\u2068{typed}\u2069</q>" in page  # beside our words, isolated
    check_everything(client, named.id)
    assert db.session.scalars(select(SharingChoice.shared_text).where(
        SharingChoice.kind == "barrier")).one() == typed
