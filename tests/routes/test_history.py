"""The map's history: every write appends an entry saying who (name and role) did what, with the
values before and after; no password or invitation code ever goes in; entries cannot be changed
or removed while the map exists, and go with it when it is deleted; only facilitators read it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from journeymap.domain.family import delete_map, start_map
from journeymap.extensions import db
from journeymap.models import HistoryEntry, Invitation, JourneyMap, Membership
from tests.routes.conftest import (
    FACILITATOR,
    PASSWORD,
    SmallMap,
    add_to_map,
    assert_redirect,
    client_as,
    html,
    make_user,
    post_change,
    user_id,
)
from tests.routes.test_invitations import join_as_newcomer


def entries(map_id: int) -> list[HistoryEntry]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.map_id == map_id).order_by(HistoryEntry.id)))


def new_entries(map_id: int, before: list[HistoryEntry]) -> list[HistoryEntry]:
    known = {entry.id for entry in before}
    return [entry for entry in entries(map_id) if entry.id not in known]


def only_new_entry(map_id: int, before: list[HistoryEntry]) -> HistoryEntry:
    (entry,) = new_entries(map_id, before)
    return entry


def assert_by(entry: HistoryEntry, email: str, name: str, role: str) -> None:
    assert (entry.user_id, entry.actor_name, entry.actor_role) == (user_id(email), name, role)


@pytest.fixture
def cora(app, small):
    """A contributor: the person making the changes below."""
    make_user("cora@example.org", "Cora Contributor")
    add_to_map(small.id, "cora@example.org", "contributor")
    return client_as(app, "cora@example.org")


# Items: add, change, delete --------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    plural: str
    item_id: Any  # small map -> id of an existing item
    add: Any  # small map -> form data
    edit: Any  # small map -> form data
    field: str  # the name of the main field, as the history stores it
    was: str  # its value in the small map
    now: str  # its value after the edit
    added: str  # its value in the added item


KINDS = [
    Kind("member", "household", lambda m: m.member,
         lambda m: {"role": "Eldest son", "age_band": "12-17"},
         lambda m: {"role": "Grandmother", "age_band": "65+"},
         "role", "Mother", "Grandmother", "Eldest son"),
    Kind("agency", "agencies", lambda m: m.agency,
         lambda m: {"name": "Valley Food Bank", "sector": "nonprofit"},
         lambda m: {"name": "County Housing Office", "sector": "housing"},
         "name", "Test Housing Office", "County Housing Office", "Valley Food Bank"),
    Kind("caseworker", "caseworkers", lambda m: m.caseworker,
         lambda m: {"name": "Bea", "role": "School nurse", "agency_id": "", "holds_file": "y",
                    "status": "active"},
         lambda m: {"name": "Adaline", "role": "Intake worker", "agency_id": str(m.agency),
                    "holds_file": "y", "status": "active"},
         "name", "Ada", "Adaline", "Bea"),
    Kind("stage", "stages", lambda m: m.stage1,
         lambda m: {"name": "Waiting"}, lambda m: {"name": "Emergency"},
         "name", "Crisis", "Emergency", "Waiting"),
    Kind("touchpoint", "touchpoints", lambda m: m.tp2,
         lambda m: {"action": "Filled in the form", "stage_id": str(m.stage2), "channel": "",
                    "feeling": "", "reported_by": "family"},
         lambda m: {"action": "Second home visit", "stage_id": str(m.stage1), "agency_id": "",
                    "caseworker_id": "", "channel": "", "feeling": "", "reported_by": "facilitator"},
         "action", "Second visit", "Second home visit", "Filled in the form"),
    Kind("barrier", "barriers", lambda m: m.barrier,
         lambda m: {"title": "Bus fare", "category": "cost", "severity": "low",
                    "touchpoint_ids": [str(m.tp2)]},
         lambda m: {"title": "No heating at all", "category": "other", "severity": "high",
                    "touchpoint_ids": [str(m.tp1)]},
         "title", "No heat", "No heating at all", "Bus fare"),
]
kinds = pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])


@kinds
def test_adding_an_item_is_recorded(cora, small, kind):
    before = entries(small.id)
    assert_redirect(cora.post(f"/maps/{small.id}/{kind.plural}", data=kind.add(small)))
    entry = only_new_entry(small.id, before)
    assert (entry.action, entry.kind, entry.summary) == ("added", kind.name, kind.added)
    assert_by(entry, "cora@example.org", "Cora Contributor", "contributor")
    assert entry.changes[kind.field] == kind.added
    assert entry.item_id is not None


@kinds
def test_changing_an_item_records_before_and_after(cora, small, kind):
    before = entries(small.id)
    item_id = kind.item_id(small)
    assert_redirect(post_change(cora, f"/maps/{small.id}/{kind.plural}/{item_id}/edit", kind.edit(small)))
    entry = only_new_entry(small.id, before)
    assert (entry.action, entry.kind, entry.item_id) == ("changed", kind.name, item_id)
    assert_by(entry, "cora@example.org", "Cora Contributor", "contributor")
    assert entry.changes[kind.field] == [kind.was, kind.now]
    # Only what changed: every recorded pair differs.
    assert all(isinstance(v, list) and len(v) == 2 and v[0] != v[1] for v in entry.changes.values())


@kinds
def test_deleting_an_item_records_what_it_held(cora, small, kind):
    before = entries(small.id)
    item_id = kind.item_id(small)
    assert_redirect(post_change(cora, f"/maps/{small.id}/{kind.plural}/{item_id}/delete"))
    entry = only_new_entry(small.id, before)
    assert (entry.action, entry.kind, entry.item_id) == ("deleted", kind.name, item_id)
    assert entry.summary == kind.was
    assert_by(entry, "cora@example.org", "Cora Contributor", "contributor")
    assert entry.changes[kind.field] == kind.was


def test_a_save_that_changes_nothing_records_no_differences(cora, small):
    before = entries(small.id)
    response = post_change(cora, f"/maps/{small.id}/agencies/{small.agency}/edit",
                         {"name": "Test Housing Office", "sector": "housing"})
    assert response.status_code == 303
    (entry,) = new_entries(small.id, before)
    assert entry.changes == {}


def test_editing_the_family_is_recorded(cora, small):
    before = entries(small.id)
    assert_redirect(post_change(cora, f"/maps/{small.id}/family/edit", {
        "pseudonym": "Family T.", "situation": "Their heating broke in winter.", "hopes": "Warm again."}),
        f"/maps/{small.id}")
    entry = only_new_entry(small.id, before)
    assert (entry.action, entry.kind, entry.item_id) == ("changed", "family", small.id)
    assert_by(entry, "cora@example.org", "Cora Contributor", "contributor")
    assert entry.changes == {"pseudonym": ["Family T. (test)", "Family T."]}


@pytest.mark.parametrize(("what", "item", "step", "moved"), [
    ("touchpoints", "tp2", -1, "earlier"),
    ("touchpoints", "tp1", 1, "later"),
    ("stages", "stage2", -1, "earlier"),
])
def test_moving_is_recorded(cora, small, what, item, step, moved):
    before = entries(small.id)
    item_id = getattr(small, item)
    assert_redirect(cora.post(f"/maps/{small.id}/{what}/{item_id}/move", data={"step": str(step)}))
    entry = only_new_entry(small.id, before)
    assert (entry.action, entry.kind, entry.item_id) == ("moved", what[:-1], item_id)
    assert_by(entry, "cora@example.org", "Cora Contributor", "contributor")
    assert entry.changes == {"moved": moved}


def test_a_move_that_moves_nothing_is_not_recorded(cora, small):
    before = entries(small.id)
    cora.post(f"/maps/{small.id}/touchpoints/{small.tp1}/move", data={"step": "-1"})
    assert new_entries(small.id, before) == []


def test_recording_an_owner_is_recorded(app, small):
    add_to_map(small.id, "fam@example.org", "family")
    family = client_as(app, "fam@example.org")
    before = entries(small.id)
    response = post_change(family, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                           {"owner": f"agency:{small.agency}"})
    assert_redirect(response)
    entry = only_new_entry(small.id, before)
    assert (entry.action, entry.kind, entry.item_id) == ("changed", "barrier", small.barrier)
    assert_by(entry, "fam@example.org", "fam", "family")
    assert entry.changes == {"owner_agency_id": [None, "Test Housing Office"]}


def test_an_export_is_recorded(app, small):
    add_to_map(small.id, "vic@example.org", "viewer")
    viewer = client_as(app, "vic@example.org")
    before = entries(small.id)
    response = viewer.post(f"/maps/{small.id}/data/export", data={"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.data)
    entry = only_new_entry(small.id, before)
    assert (entry.action, entry.kind, entry.item_id) == ("exported", "map", small.id)
    assert_by(entry, "vic@example.org", "vic", "viewer")
    assert entry.changes == {"format": "json", "detail": "deidentified"}


def test_starting_a_map_is_recorded(client):
    response = client.post("/maps/new", data={"pseudonym": "Family N.", "situation": "", "hopes": ""})
    assert_redirect(response)
    map_id = int(response.headers["Location"].rsplit("/", 1)[1])
    (entry,) = entries(map_id)
    assert (entry.action, entry.kind, entry.summary) == ("added", "map", "Family N.")
    assert_by(entry, FACILITATOR, "Fran Facilitator", "facilitator")


@pytest.mark.parametrize(("intent", "data", "kind"), [
    ("add_agency", {"new_agency-name": "Food Bank", "new_agency-sector": "nonprofit"}, "agency"),
    ("add_caseworker", {"new_caseworker-name": "Bea", "new_caseworker-role": "Nurse"}, "caseworker"),
])
def test_adding_people_from_inside_the_touchpoint_form_is_recorded(cora, small, intent, data, kind):
    before = entries(small.id)
    response = cora.post(f"/maps/{small.id}/touchpoints",
                         data={"action": "Asked for food", "reported_by": "family", "intent": intent, **data})
    assert response.status_code == 200
    assert [(e.action, e.kind) for e in new_entries(small.id, before)] == [("added", kind)]


# Members and invitations -----------------------------------------------------------------------


def test_membership_changes_are_recorded(app, client, small):
    before = entries(small.id)
    made = client.post(f"/maps/{small.id}/members/accounts",
                       data={"display_name": "Olu Offline", "email": "olu@example.org", "role": "viewer"})
    assert made.status_code == 200
    olu = db.session.scalar(select(Membership.id).where(Membership.user_id == user_id("olu@example.org")))
    assert_redirect(client.post(f"/maps/{small.id}/members/{olu}/role", data={"role": "family"}))
    assert_redirect(client.post(f"/maps/{small.id}/members/{olu}/remove"))
    added, changed, removed = new_entries(small.id, before)
    for entry in (added, changed, removed):
        assert entry.kind == "membership" and entry.item_id == olu and entry.summary == "Olu Offline"
        assert_by(entry, FACILITATOR, "Fran Facilitator", "facilitator")
    assert added.action == "added"
    assert added.changes == {"role": "viewer", "via": "new_account"}
    assert changed.action == "changed" and changed.changes == {"role": ["viewer", "family"]}
    assert removed.action == "deleted" and removed.changes == {"role": "family"}


def test_invitations_and_joining_are_recorded(app, client, small):
    before = entries(small.id)
    assert_redirect(client.post(f"/maps/{small.id}/invitations",
                                data={"role": "caseworker", "hours": "2", "max_uses": "4"}))
    invitation = db.session.scalar(select(Invitation))
    joiner = app.test_client()
    assert_redirect(join_as_newcomer(joiner, invitation.code, {
        "display_name": "Casey Caseworker", "email": "casey@example.org", "password": "a long passphrase"}))
    assert_redirect(client.post(f"/maps/{small.id}/invitations/{invitation.id}/revoke"))
    made, joined, revoked = new_entries(small.id, before)

    assert (made.action, made.kind, made.item_id) == ("added", "invitation", invitation.id)
    assert_by(made, FACILITATOR, "Fran Facilitator", "facilitator")
    assert made.changes["role"] == "caseworker" and made.changes["max_uses"] == 4
    assert made.changes["expires_at"]

    assert (joined.action, joined.kind) == ("added", "membership")
    assert_by(joined, "casey@example.org", "Casey Caseworker", "caseworker")
    assert joined.changes == {"role": "caseworker", "via": "invitation"}

    assert (revoked.action, revoked.kind, revoked.item_id) == ("deleted", "invitation", invitation.id)
    assert_by(revoked, FACILITATOR, "Fran Facilitator", "facilitator")


def test_a_caseworker_saying_who_they_are_is_recorded(app, small):
    add_to_map(small.id, "casey@example.org", "caseworker")
    casey = client_as(app, "casey@example.org")
    before = entries(small.id)
    assert_redirect(casey.post(f"/me/maps/{small.id}/identity", data={
        "caseworker_id": "new", "name": "Casey", "role": "Benefits adviser", "agency_id": "",
        "new_agency": "Advice Centre"}))
    agency, added, linked = new_entries(small.id, before)
    assert (agency.action, agency.kind, agency.summary) == ("added", "agency", "Advice Centre")
    assert (added.action, added.kind, added.summary) == ("added", "caseworker", "Casey")
    assert (linked.action, linked.kind) == ("changed", "membership")
    for entry in (agency, added, linked):
        assert_by(entry, "casey@example.org", "casey", "caseworker")


# What never goes in ----------------------------------------------------------------------------


def test_no_password_or_invitation_code_is_ever_recorded(app, client, small):
    secrets = []
    made = client.post(f"/maps/{small.id}/members/accounts",
                       data={"display_name": "Olu Offline", "email": "olu@example.org", "role": "family"})
    one_time = re.search(r"<code>([^<]+)</code>", html(made)).group(1)
    secrets.append(one_time)
    olu = app.test_client()
    olu.post("/sign-in", data={"email": "olu@example.org", "password": one_time})
    olu.post("/account/password", data={"current_password": one_time, "new_password": "olu's very own words"})
    secrets.append("olu's very own words")
    for role in ("contributor", "caseworker"):
        client.post(f"/maps/{small.id}/invitations", data={"role": role, "hours": "8", "max_uses": "2"})
    codes = list(db.session.scalars(select(Invitation.code)))
    secrets += codes + [code.replace("-", "") for code in codes]
    joiner = app.test_client()
    join_as_newcomer(joiner, codes[0], {
        "display_name": "Jo Joiner", "email": "jo@example.org", "password": "jo's secret sentence"})
    secrets.append("jo's secret sentence")
    client.post(f"/join/{codes[1]}")  # already a member: nothing to join
    client.post(f"/maps/{small.id}/invitations/{db.session.scalar(select(Invitation.id))}/revoke")
    client.post("/account/password",
                data={"current_password": PASSWORD, "new_password": "fran's new sentence"})
    secrets += [PASSWORD, "fran's new sentence"]

    rows = db.session.execute(text("SELECT * FROM history_entry")).all()
    assert len(rows) >= 5
    recorded = "\n".join(repr(tuple(row)) for row in rows).lower()
    for secret in secrets:
        assert secret.lower() not in recorded, secret
    assert "$argon2" not in recorded
    page = html(client.get(f"/maps/{small.id}/history")).lower()
    for secret in secrets:
        assert secret.lower() not in page, secret


# Append-only -----------------------------------------------------------------------------------


@pytest.fixture
def recorded(cora, small) -> list[HistoryEntry]:
    before = entries(small.id)
    post_change(cora, f"/maps/{small.id}/agencies/{small.agency}/edit",
                {"name": "Renamed", "sector": "housing"})
    post_change(cora, f"/maps/{small.id}/touchpoints/{small.tp3}/delete")
    found = new_entries(small.id, before)
    assert len(found) == 2
    return found


@pytest.mark.parametrize("statement", [
    "UPDATE history_entry SET summary = 'rewritten'",
    "UPDATE history_entry SET actor_name = 'Someone else' WHERE id = (SELECT min(id) FROM history_entry)",
    "DELETE FROM history_entry",
    "DELETE FROM history_entry WHERE id = (SELECT max(id) FROM history_entry)",
])
def test_history_cannot_be_changed_or_removed_while_the_map_exists(small, recorded, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert [(e.id, e.summary, e.actor_name) for e in entries(small.id)] == [
        (e.id, e.summary, e.actor_name) for e in recorded]


def test_history_cannot_be_changed_through_the_models_either(small, recorded):
    entry = db.session.get(HistoryEntry, recorded[0].id)
    entry.changes = {}
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(HistoryEntry, recorded[0].id))
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert len(entries(small.id)) == 2


def test_deleting_the_map_deletes_its_history(client, small, other, recorded):
    post_change(client, f"/maps/{other.id}/stages/{other.stage1}/edit", {"name": "Other crisis"})
    kept = entries(other.id)
    assert len(kept) == 1
    assert_redirect(client.post(f"/maps/{small.id}/delete"), "/")
    assert db.session.get(JourneyMap, small.id) is None
    count = db.session.execute(text("SELECT count(*) FROM history_entry WHERE map_id = :m"), {"m": small.id})
    assert count.scalar() == 0
    assert entries(other.id) == kept


# Reading it ------------------------------------------------------------------------------------


def test_facilitators_read_the_history(client, small, recorded):
    response = client.get(f"/maps/{small.id}/history")
    body = html(response)
    assert response.status_code == 200
    assert body.count('class="history-entry') == 2
    assert "Cora Contributor" in body and "(contributor)" in body
    assert "changed</span> agency: “Renamed”" in body
    assert "Test Housing Office" in body and "Renamed" in body  # before → after
    assert "deleted</span> touchpoint: “Third form”" in body
    # Newest first.
    assert body.index("deleted</span> touchpoint") < body.index("changed</span> agency")


@pytest.mark.parametrize("role", ["family", "caseworker", "contributor", "viewer"])
def test_other_roles_may_not_read_the_history(app, small, recorded, role):
    add_to_map(small.id, "someone@example.org", role)
    assert client_as(app, "someone@example.org").get(f"/maps/{small.id}/history").status_code == 403


def test_people_off_the_map_do_not_see_it_exists(app, small, anonymous):
    make_user("stranger@example.org")
    db.session.commit()
    assert client_as(app, "stranger@example.org").get(f"/maps/{small.id}/history").status_code == 404
    response = anonymous.get(f"/maps/{small.id}/history")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


@pytest.fixture
def many(small) -> int:
    """120 entries, "entry 000" the oldest."""
    db.session.add_all([
        HistoryEntry(map_id=small.id, action="changed", kind="touchpoint", summary=f"entry {i:03d}",
                     actor_name="Fran Facilitator", actor_role="facilitator", changes={})
        for i in range(120)
    ])
    db.session.commit()
    return 120


def summaries(body: str) -> list[str]:
    return re.findall(r"“(entry \d{3})”", body)


def test_history_pages(client, small, many):
    first = html(client.get(f"/maps/{small.id}/history"))
    assert summaries(first) == [f"entry {i:03d}" for i in range(119, 69, -1)]
    assert "Page 1 of 3 (120 entries)" in first
    assert f'href="/maps/{small.id}/history?page=2">Older' in first and "Newer" not in first
    second = html(client.get(f"/maps/{small.id}/history?page=2"))
    assert summaries(second) == [f"entry {i:03d}" for i in range(69, 19, -1)]
    assert "?page=1\">Newer" in second and "?page=3\">Older" in second
    third = html(client.get(f"/maps/{small.id}/history?page=3"))
    assert summaries(third) == [f"entry {i:03d}" for i in range(19, -1, -1)]
    assert "Older" not in third


@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "١"])
def test_a_page_number_that_is_not_one_shows_the_first(client, small, many, page):
    response = client.get(f"/maps/{small.id}/history", query_string={"page": page})
    assert response.status_code == 200
    assert summaries(html(response))[0] == "entry 119"


def test_a_page_past_the_end_shows_the_oldest_page(client, small, many):
    response = client.get(f"/maps/{small.id}/history?page=99")
    assert response.status_code == 200
    assert summaries(html(response))
    assert "Nothing recorded yet" not in html(response)
    assert "Older</a>" not in html(response)


# The same rule in PostgreSQL, with the schema the migrations build ----------------------------


def test_postgresql_history_is_append_only_after_the_migrations(postgres_app):
    assert db.engine.dialect.name == "postgresql"
    kept = start_map("Family K.")
    gone = start_map("Family G.")
    for journey_map in (kept, gone):
        name = journey_map.pseudonym
        db.session.add(HistoryEntry(map_id=journey_map.id, action="added", kind="map", summary=name,
                                    changes={"Pseudonym": name}))
    db.session.commit()
    triggers = db.session.scalars(text(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'history_entry'::regclass AND NOT tgisinternal")).all()
    assert triggers == ["history_entry_append_only"]

    for statement in ("UPDATE history_entry SET summary = 'rewritten'",
                      "DELETE FROM history_entry",
                      f"DELETE FROM history_entry WHERE map_id = {gone.id}"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HistoryEntry)) == 2

    # Deleting a whole map takes its history with it (the cascade is allowed), and only its own.
    delete_map(db.session.get(JourneyMap, gone.id))
    db.session.commit()
    left = db.session.execute(text("SELECT map_id, summary FROM history_entry")).all()
    assert [tuple(row) for row in left] == [(kept.id, "Family K.")]
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE history_entry SET summary = 'rewritten'"))
    db.session.rollback()


def test_every_history_entry_names_its_map(app, small: SmallMap):
    """Entries carry their map, so deleting a map can find all of them (none left orphaned)."""
    columns = {column.name: column for column in HistoryEntry.__table__.columns}
    assert not columns["map_id"].nullable
    (fk,) = columns["map_id"].foreign_keys
    assert fk.ondelete == "CASCADE"
