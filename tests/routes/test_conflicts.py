"""No lost updates. Two people edit the same touchpoint, barrier, agency or family details: the
one who saves second gets a 409 with both versions side by side and every field they typed still
in the form, ready to save over the other. A delete of something changed meanwhile asks again;
an edit of something deleted meanwhile offers to add it back with what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from journeymap.domain.common import claim
from journeymap.extensions import db
from journeymap.models import Agency, Barrier, JourneyMap, Touchpoint, barrier_touchpoint
from tests.routes.conftest import (
    HX,
    SmallMap,
    add_to_map,
    assert_redirect,
    client_as,
    html,
    make_user,
    post_change,
)

# Reading forms the way a browser would send them -----------------------------------------------


class _Forms(HTMLParser):
    """Each <form>'s action and the values a browser would submit (buttons aside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = self._select = self._option = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action"), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if not a.get("name") or kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value", "on")))
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": a.get("name"), "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            text = text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
            self._form["fields"].append((self._textarea["name"], text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not self._select["multiple"]:
                chosen = options[:1]  # a browser sends the first option when none is selected
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self._form["fields"].append((self._select["name"], value))
            self._select = None
        elif tag == "form":
            self._form = None


def form_posting_to(body: str, action: str) -> dict[str, list[str]]:
    parser = _Forms()
    parser.feed(body)
    (form,) = [f for f in parser.forms if f["action"] == action]
    fields: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        fields.setdefault(name, []).append(unescape(value) if "&" in value else value)
    return fields


def as_lists(data: dict) -> dict[str, list[str]]:
    return {name: value if isinstance(value, list) else [value] for name, value in data.items()}


# The kinds of item, with what "they" save and what "I" type ------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    item_id: Callable[[SmallMap], int]
    edit_url: Callable[[SmallMap], str]
    delete_url: Callable[[SmallMap], str] | None
    add_url: Callable[[SmallMap], str] | None
    theirs: Callable[[SmallMap], dict]
    mine: Callable[[SmallMap], dict]
    label: str  # the label of the main text field
    text: str  # the attribute holding it
    hx_target: Callable[[SmallMap], str]


KINDS = [
    Kind(
        "touchpoint", Touchpoint, lambda m: m.tp1,
        lambda m: f"/maps/{m.id}/touchpoints/{m.tp1}/edit",
        lambda m: f"/maps/{m.id}/touchpoints/{m.tp1}/delete",
        lambda m: f"/maps/{m.id}/touchpoints",
        theirs=lambda m: {
            "action": "Called the housing office (theirs)", "place": "", "stage_id": str(m.stage1),
            "agency_id": str(m.agency), "caseworker_id": str(m.caseworker), "channel": "phone",
            "days_waited": "", "documents": "", "feeling": "", "reported_by": "facilitator",
        },
        mine=lambda m: {
            "action": "Went to the housing office (mine)", "place": "Town hall, 2nd floor",
            "stage_id": str(m.stage2), "agency_id": "", "caseworker_id": "", "channel": "in_person",
            "days_waited": "9", "documents": "Lease\nPay slips", "retold_story": "y", "feeling": "-2",
            "reported_by": "family",
        },
        label="What the family had to do", text="action",
        hx_target=lambda m: f"#touchpoint-{m.tp1}",
    ),
    Kind(
        "barrier", Barrier, lambda m: m.barrier,
        lambda m: f"/maps/{m.id}/barriers/{m.barrier}/edit",
        lambda m: f"/maps/{m.id}/barriers/{m.barrier}/delete",
        lambda m: f"/maps/{m.id}/barriers",
        theirs=lambda m: {
            "title": "No heat for weeks (theirs)", "description": "", "category": "basic_needs",
            "severity": "high", "touchpoint_ids": [str(m.tp1)], "owner_agency_id": "",
            "owner_caseworker_id": "",
        },
        mine=lambda m: {
            "title": "No heat, boiler broken (mine)", "description": "Landlord & agency <both> said wait",
            "category": "coordination", "severity": "critical", "touchpoint_ids": [str(m.tp2), str(m.tp3)],
            "owner_agency_id": str(m.agency), "owner_caseworker_id": str(m.caseworker),
        },
        label="Barrier", text="title",
        hx_target=lambda m: f"#barrier-{m.barrier}",
    ),
    Kind(
        "agency", Agency, lambda m: m.agency,
        lambda m: f"/maps/{m.id}/agencies/{m.agency}/edit",
        lambda m: f"/maps/{m.id}/agencies/{m.agency}/delete",
        lambda m: f"/maps/{m.id}/agencies",
        theirs=lambda m: {"name": "County Housing Office (theirs)", "sector": "housing"},
        mine=lambda m: {"name": "City Housing Office (mine)", "sector": "county"},
        label="Agency name", text="name",
        hx_target=lambda m: f"#agency-{m.agency}",
    ),
    Kind(
        "family", JourneyMap, lambda m: m.id,
        lambda m: f"/maps/{m.id}/family/edit",
        None,
        None,
        theirs=lambda m: {"pseudonym": "Family T. (theirs)", "situation": "Their heating broke.",
                          "hopes": ""},
        mine=lambda m: {"pseudonym": "Family T. (mine)", "situation": "Boiler broke\nin January.",
                        "hopes": "A warm home"},
        label="Family pseudonym", text="pseudonym",
        hx_target=lambda m: "#family",
    ),
]
kinds = pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
deletable = pytest.mark.parametrize("kind", [k for k in KINDS if k.delete_url],
                                    ids=[k.name for k in KINDS if k.delete_url])


def record(kind: Kind, small: SmallMap):
    db.session.expire_all()
    return db.session.get(kind.model, kind.item_id(small))


@pytest.fixture
def olga(app, small):
    """Someone else editing the same map."""
    make_user("olga@example.org", "Olga Other")
    add_to_map(small.id, "olga@example.org", "contributor")
    return client_as(app, "olga@example.org")


def they_saved(olga, kind: Kind, small: SmallMap) -> int:
    """Olga saves her version first; returns the version I had seen (the one before hers)."""
    seen = record(kind, small).version
    assert_redirect(post_change(olga, kind.edit_url(small), data=kind.theirs(small)))
    assert record(kind, small).version == seen + 1
    return seen


# Changed meanwhile -----------------------------------------------------------------------------


@kinds
def test_a_stale_edit_answers_409_with_both_versions(client, olga, small, kind):
    seen = they_saved(olga, kind, small)
    mine = kind.mine(small)
    response = client.post(kind.edit_url(small), data={**mine, "version": str(seen)})
    body = html(response)
    assert response.status_code == 409
    assert "Olga Other (contributor) changed this while you were editing it" in body
    theirs_text, mine_text = kind.theirs(small)[kind.text], mine[kind.text]
    assert (f'<tr><th scope="row">{kind.label}</th><td>{theirs_text}</td><td>{mine_text}</td></tr>'
            in body)
    # Nothing of mine was saved.
    assert getattr(record(kind, small), kind.text) == theirs_text


@kinds
def test_the_409_keeps_every_field_typed_and_carries_the_current_version(client, olga, small, kind):
    seen = they_saved(olga, kind, small)
    mine = kind.mine(small)
    response = client.post(kind.edit_url(small), data={**mine, "version": str(seen)})
    assert response.status_code == 409
    form = form_posting_to(html(response), kind.edit_url(small))
    for name, values in as_lists(mine).items():
        assert form.get(name) == values, name
    assert form["version"] == [str(record(kind, small).version)]
    assert "Save mine" in html(response)


@kinds
def test_saving_mine_after_the_conflict_succeeds(client, olga, small, kind):
    seen = they_saved(olga, kind, small)
    mine = kind.mine(small)
    conflict = client.post(kind.edit_url(small), data={**mine, "version": str(seen)})
    resent = form_posting_to(html(conflict), kind.edit_url(small))  # press "Save mine"
    response = client.post(kind.edit_url(small), data={**resent, "intent": "save"})
    assert response.status_code == 303, html(response)[:3000]
    saved = record(kind, small)
    assert getattr(saved, kind.text) == mine[kind.text]
    assert saved.version == seen + 2


@kinds
def test_a_stale_edit_with_htmx_replaces_the_item(client, olga, small, kind):
    seen = they_saved(olga, kind, small)
    response = client.post(kind.edit_url(small), data={**kind.mine(small), "version": str(seen)}, headers=HX)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == kind.hx_target(small)
    assert response.headers["HX-Reswap"] == "outerHTML"
    body = html(response)
    assert "<html" not in body
    assert kind.mine(small)[kind.text] in body and kind.theirs(small)[kind.text] in body


@kinds
def test_an_edit_without_a_version_is_not_taken_for_the_latest(client, small, kind):
    before = getattr(record(kind, small), kind.text)
    response = client.post(kind.edit_url(small), data={**kind.mine(small), "version": ""})
    assert response.status_code == 409
    assert getattr(record(kind, small), kind.text) == before


@kinds
def test_two_people_saving_from_the_same_version_exactly_one_wins(client, olga, small, kind):
    seen = record(kind, small).version
    first = olga.post(kind.edit_url(small), data={**kind.theirs(small), "version": str(seen)})
    second = client.post(kind.edit_url(small), data={**kind.mine(small), "version": str(seen)})
    assert (first.status_code, second.status_code) == (303, 409)
    saved = record(kind, small)
    assert getattr(saved, kind.text) == kind.theirs(small)[kind.text]
    assert saved.version == seen + 1


def test_the_version_is_claimed_in_the_database_not_from_a_copy(small):
    """Two saves from the same version: the second claim fails even with the same object in hand,
    because the check is one conditional UPDATE."""
    touchpoint = db.session.get(Touchpoint, small.tp1)
    seen = touchpoint.version
    assert claim(Touchpoint, touchpoint, seen) is True
    assert claim(Touchpoint, touchpoint, seen) is False
    assert claim(Touchpoint, touchpoint, None) is False
    db.session.commit()
    assert record(KINDS[0], small).version == seen + 1


# Deleting what changed meanwhile ---------------------------------------------------------------


@deletable
def test_a_stale_delete_answers_409_and_deletes_nothing(client, olga, small, kind):
    seen = they_saved(olga, kind, small)
    response = client.post(kind.delete_url(small), data={"version": str(seen)})
    body = html(response)
    assert response.status_code == 409
    assert f"Olga Other (contributor) changed this {kind.name} after you last saw it" in body
    assert kind.theirs(small)[kind.text] in body
    assert record(kind, small) is not None
    # Asked again, with the version now shown, the delete goes through.
    again = form_posting_to(body, kind.delete_url(small))
    assert again["version"] == [str(seen + 1)]
    assert_redirect(client.post(kind.delete_url(small), data=again))
    assert record(kind, small) is None


@deletable
def test_a_stale_delete_with_htmx_replaces_the_item(client, olga, small, kind):
    seen = they_saved(olga, kind, small)
    response = client.post(kind.delete_url(small), data={"version": str(seen)}, headers=HX)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == kind.hx_target(small)
    assert record(kind, small) is not None


@deletable
def test_a_delete_without_a_version_deletes_nothing(client, small, kind):
    response = client.post(kind.delete_url(small), data={"version": ""})
    assert response.status_code == 409
    assert record(kind, small) is not None


# Editing what was deleted meanwhile ------------------------------------------------------------


def they_deleted(olga, kind: Kind, small: SmallMap) -> int:
    seen = record(kind, small).version
    assert_redirect(post_change(olga, kind.delete_url(small)))
    assert record(kind, small) is None
    return seen


@deletable
def test_editing_a_deleted_item_shows_what_was_typed_and_offers_to_add_it_back(client, olga, small, kind):
    seen = they_deleted(olga, kind, small)
    mine = kind.mine(small)
    response = client.post(kind.edit_url(small), data={**mine, "version": str(seen)})
    body = html(response)
    assert response.status_code == 409
    assert f"Olga Other (contributor) deleted this {kind.name} while you were editing it" in body
    assert f'<tr><th scope="row">{kind.label}</th><td>{mine[kind.text]}</td></tr>' in body
    add_back = form_posting_to(body, kind.add_url(small))
    # Hidden fields carry every value typed (the version is of the deleted item: left out).
    assert {name: values for name, values in add_back.items() if name != "csrf_token"} == as_lists(mine)
    assert f"Add mine back as a new {kind.name}" in body


@deletable
def test_adding_it_back_makes_a_new_item_with_what_was_typed(client, olga, small, kind):
    seen = they_deleted(olga, kind, small)
    mine = kind.mine(small)
    conflict = client.post(kind.edit_url(small), data={**mine, "version": str(seen)})
    add_back = form_posting_to(html(conflict), kind.add_url(small))
    count = db.session.scalar(select(func.count()).select_from(kind.model))
    response = client.post(kind.add_url(small), data={**add_back, "intent": "save"})
    assert response.status_code == 303, html(response)[:3000]
    assert db.session.scalar(select(func.count()).select_from(kind.model)) == count + 1
    new = db.session.scalar(select(kind.model).order_by(kind.model.id.desc()).limit(1))
    assert getattr(new, kind.text) == mine[kind.text]
    if kind.name == "touchpoint":
        assert (new.place, new.stage_id, new.channel, new.days_waited, new.documents, new.retold_story,
                new.feeling, new.reported_by) == ("Town hall, 2nd floor", small.stage2, "in_person", 9,
                                                  "Lease\nPay slips", True, -2, "family")
    elif kind.name == "barrier":
        linked = set(db.session.scalars(
            select(barrier_touchpoint.c.touchpoint_id).where(barrier_touchpoint.c.barrier_id == new.id)))
        assert linked == {small.tp2, small.tp3}
        assert (new.description, new.category) == (mine["description"], "coordination")
        assert new.severity == "critical"
        assert (new.owner_agency_id, new.owner_caseworker_id) == (small.agency, small.caseworker)
    elif kind.name == "agency":
        assert new.sector == "county"


@deletable
def test_editing_a_deleted_item_with_htmx_replaces_the_item(client, olga, small, kind):
    seen = they_deleted(olga, kind, small)
    response = client.post(kind.edit_url(small), data={**kind.mine(small), "version": str(seen)}, headers=HX)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == kind.hx_target(small)
    assert "<html" not in html(response)


def test_an_edit_of_a_deleted_item_never_lands_on_a_new_one(client, olga, small):
    seen = they_deleted(olga, KINDS[1], small)
    assert_redirect(olga.post(f"/maps/{small.id}/barriers", data={"title": "Bus fare", "category": "cost",
                                                                 "severity": "low"}))
    response = client.post(f"/maps/{small.id}/barriers/{small.barrier}/edit",
                           data={**KINDS[1].mine(small), "version": str(seen)})
    assert response.status_code == 409
    titles = set(db.session.scalars(select(Barrier.title).where(Barrier.map_id == small.id)))
    assert titles == {"Bus fare"}


def test_editing_an_item_this_map_never_had_is_404(client, small, other):
    assert client.post(f"/maps/{small.id}/touchpoints/999999/edit",
                       data={"action": "x", "version": "1"}).status_code == 404
    # Deleted from another map: still not this map's to offer back.
    olga_free = other.tp1
    assert_redirect(post_change(client, f"/maps/{other.id}/touchpoints/{olga_free}/delete"))
    assert client.post(f"/maps/{small.id}/touchpoints/{olga_free}/edit",
                       data={"action": "x", "version": "1"}).status_code == 404
