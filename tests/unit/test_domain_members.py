"""Accounts, memberships and invitations on the write side: each change is one domain function
that takes its actor explicitly and records exactly one history entry (a caseworker adding
themselves records each thing it makes), in the caller's transaction, with field names and
stored values in `changes`."""

from __future__ import annotations

import inspect
from datetime import datetime

import pytest
from flask import g
from sqlalchemy import select

from journeymap.auth import passwords
from journeymap.domain import accounts, members
from journeymap.domain.family import start_map
from journeymap.domain.history import Actor
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import Agency, Caseworker, HistoryEntry, Invitation, JourneyMap, Membership, User
from tests.actors import SETUP
from tests.conftest import FAST_HASHING, count_rows

PASSWORD = "a long passphrase"


def entries() -> list[HistoryEntry]:
    return list(db.session.scalars(select(HistoryEntry).order_by(HistoryEntry.id)))


def only_new_entry(before: int) -> HistoryEntry:
    (entry,) = entries()[before:]
    return entry


def what(entry: HistoryEntry) -> tuple:
    return entry.action, entry.kind, entry.item_id, entry.summary


def assert_by(entry: HistoryEntry, actor: Actor) -> None:
    assert (entry.user_id, entry.actor_name, entry.actor_role) == (actor.user_id, actor.name, actor.role)


@pytest.fixture
def world(app):
    """A map with one facilitator (Fran), and an account (Jo) on no map yet."""
    journey_map = start_map("Family T.")
    fran = accounts.create_account("fran@example.org", "Fran", PASSWORD)
    jo = accounts.create_account("jo@example.org", "Jo", PASSWORD)
    fran_membership = Membership(map_id=journey_map.id, user_id=fran.id, role="facilitator")
    db.session.add(fran_membership)
    db.session.commit()

    class World:
        map = journey_map
        facilitator = fran
        joiner = jo
        membership = fran_membership
        actor = Actor.person(fran, fran_membership)

    return World


def member(world, user: User, role: str) -> Membership:
    membership = Membership(map_id=world.map.id, user_id=user.id, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


# Accounts --------------------------------------------------------------------------------------


def test_create_account_lower_cases_the_email_and_hashes_the_password(app):
    user = accounts.create_account("  Jo.Joiner@Example.ORG ", "Jo", PASSWORD)
    assert user.id is not None
    assert user.email == "jo.joiner@example.org"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert passwords.verify_password(user.password_hash, PASSWORD)
    assert (user.must_change_password, user.created_by_id) == (False, None)
    assert accounts.account_with("JO.JOINER@example.org ") is user


def test_an_account_made_for_someone_says_who_made_it_and_asks_for_a_new_password(world):
    user = accounts.create_account("olu@example.org", "Olu", PASSWORD, must_change_password=True,
                                   created_by=world.facilitator)
    assert (user.must_change_password, user.created_by_id) == (True, world.facilitator.id)


def test_set_password_replaces_the_hash_and_clears_the_one_time_flag(world):
    user = accounts.create_account("olu@example.org", "Olu", PASSWORD, must_change_password=True)
    accounts.set_password(user, "olu's own sentence")
    assert passwords.verify_password(user.password_hash, "olu's own sentence")
    assert not passwords.verify_password(user.password_hash, PASSWORD)
    assert not user.must_change_password


def test_upgrade_hash_rehashes_only_a_hash_made_with_other_parameters(app):
    user = accounts.create_account("jo@example.org", "Jo", PASSWORD)
    current = user.password_hash
    accounts.upgrade_hash(user, PASSWORD)
    assert user.password_hash == current
    app.config["PASSWORD_HASH_PARAMS"] = {**FAST_HASHING, "time_cost": 2}
    accounts.upgrade_hash(user, PASSWORD)
    assert user.password_hash != current and "t=2" in user.password_hash
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_one_time_passwords_are_three_words_and_a_number():
    words = accounts.one_time_password().split("-")
    assert len(words) == 4 and all(w.isalpha() for w in words[:3]) and 1000 <= int(words[3]) <= 9999


def test_creating_an_account_records_nothing(app):
    accounts.create_account("jo@example.org", "Jo", PASSWORD)
    assert entries() == []


# Starting a map and adding members -------------------------------------------------------------


def test_starting_a_map_makes_its_creator_facilitator_in_one_entry(world):
    actor = Actor.person(world.joiner)  # no role yet: they have no map
    before = len(entries())
    membership = members.start_map("Family N.", "Heating broke.", actor=actor)
    assert (membership.user_id, membership.role) == (world.joiner.id, "facilitator")
    journey_map = db.session.get(JourneyMap, membership.map_id)
    assert (journey_map.pseudonym, journey_map.situation) == ("Family N.", "Heating broke.")
    entry = only_new_entry(before)
    assert (entry.map_id, entry.action, entry.kind, entry.item_id, entry.summary) == (
        journey_map.id, "added", "map", journey_map.id, "Family N.")
    # By them, as what they became in the same moment.
    assert (entry.user_id, entry.actor_name, entry.actor_role) == (world.joiner.id, "Jo", "facilitator")
    assert entry.changes == {}


def test_an_imported_map_says_how_it_came(world):
    journey_map = start_map("Family I.")
    before = len(entries())
    members.add_founder(journey_map, actor=Actor.person(world.joiner), via="import")
    assert only_new_entry(before).changes == {"via": "import"}


def test_only_a_person_can_start_a_map(app):
    with pytest.raises(ValueError):
        members.start_map("Family C.", actor=Actor.command("flask synth (command line)"))


@pytest.mark.parametrize("actor_of", [
    lambda w: w.actor,
    lambda w: Actor.command("flask synth (command line)"),
], ids=["facilitator", "command"])
def test_adding_a_member_records_the_role_and_how(world, actor_of):
    actor = actor_of(world)
    before = len(entries())
    membership = members.add_member(world.map, world.joiner, "contributor", actor=actor,
                                    via=members.VIA_OWNER_OPTION)
    assert (membership.map_id, membership.user_id, membership.role) == (
        world.map.id, world.joiner.id, "contributor")
    entry = only_new_entry(before)
    assert what(entry) == ("added", "membership", membership.id, "Jo")
    assert entry.changes == {"role": "contributor", "via": "--owner"}
    assert_by(entry, actor)


def test_a_facilitator_making_an_account_adds_it_with_a_one_time_password(world):
    before = len(entries())
    made = members.add_new_account(world.map, email="Olu@Example.org", display_name="Olu", role="viewer",
                                   actor=world.actor)
    assert made.user.email == "olu@example.org"
    assert made.user.must_change_password and made.user.created_by_id == world.facilitator.id
    assert passwords.verify_password(made.user.password_hash, made.password)
    assert (made.membership.user_id, made.membership.role) == (made.user.id, "viewer")
    entry = only_new_entry(before)
    assert what(entry) == ("added", "membership", made.membership.id, "Olu")
    assert entry.changes == {"role": "viewer", "via": "new_account"}
    assert_by(entry, world.actor)
    assert made.password not in repr((entry.summary, entry.changes))


# Invitations -----------------------------------------------------------------------------------


def invitation(world, role="caseworker", max_uses=None) -> Invitation:
    made = members.create_invitation(world.map, role, hours=2, max_uses=max_uses, actor=world.actor)
    db.session.commit()
    return made


def test_making_an_invitation_records_its_terms_and_never_its_code(world):
    before = len(entries())
    made = members.create_invitation(world.map, "caseworker", hours=2, max_uses=None, actor=world.actor)
    assert made.created_by_id == world.facilitator.id
    entry = only_new_entry(before)
    assert what(entry) == (
        "added", "invitation", made.id, "invitation for caseworker")
    assert entry.changes == {
        "role": "caseworker", "expires_at": made.expires_at.isoformat(), "max_uses": None}
    assert datetime.fromisoformat(entry.changes["expires_at"]) == made.expires_at
    assert_by(entry, world.actor)
    assert made.code not in repr(entry.changes) and made.code.replace("-", "") not in repr(entry.changes)


def test_joining_records_the_person_joining_in_their_new_role(world):
    made = invitation(world, max_uses=3)
    before = len(entries())
    membership = members.redeem(made, actor=Actor.person(world.joiner))
    assert (membership.user_id, membership.role) == (world.joiner.id, "caseworker")
    assert made.uses == 1
    entry = only_new_entry(before)
    assert what(entry) == ("added", "membership", membership.id, "Jo")
    assert entry.changes == {"role": "caseworker", "via": "invitation"}
    assert (entry.user_id, entry.actor_name, entry.actor_role) == (world.joiner.id, "Jo", "caseworker")


def test_joining_a_map_one_is_on_already_uses_and_records_nothing(world):
    made = invitation(world, role="viewer")
    before = len(entries())
    assert members.redeem(made, actor=world.actor) is world.membership
    assert world.membership.role == "facilitator" and made.uses == 0
    assert len(entries()) == before


def test_an_invitation_used_up_records_nothing(world):
    made = invitation(world, max_uses=1)
    members.redeem(made, actor=Actor.person(accounts.create_account("one@example.org", "One", PASSWORD)))
    before = len(entries())
    assert members.redeem(made, actor=Actor.person(world.joiner)) is None
    assert len(entries()) == before


def test_only_a_person_can_join(world):
    with pytest.raises(ValueError):
        members.redeem(invitation(world), actor=Actor.command("flask demo (command line)"))


def test_withdrawing_an_invitation_records_it_once(world):
    made = invitation(world)
    before = len(entries())
    assert members.revoke(made, actor=world.actor)
    assert made.revoked_at is not None
    entry = only_new_entry(before)
    assert what(entry) == (
        "deleted", "invitation", made.id, "invitation for caseworker withdrawn")
    assert_by(entry, world.actor)
    assert not members.revoke(made, actor=world.actor)
    assert len(entries()) == before + 1


# Roles and leaving -----------------------------------------------------------------------------


def test_changing_a_role_records_before_and_after(world):
    jo = member(world, world.joiner, "viewer")
    before = len(entries())
    members.members_held(world.map.id)
    assert members.change_role(jo, "contributor", actor=world.actor)
    assert jo.role == "contributor"
    entry = only_new_entry(before)
    assert what(entry) == ("changed", "membership", jo.id, "Jo")
    assert entry.changes == {"role": ["viewer", "contributor"]}
    assert_by(entry, world.actor)


def test_the_same_role_again_changes_and_records_nothing(world):
    before = len(entries())
    assert not members.change_role(world.membership, "facilitator", actor=world.actor)
    assert len(entries()) == before


@pytest.mark.parametrize("change", [
    lambda w: members.change_role(w.membership, "viewer", actor=w.actor),
    lambda w: members.remove_member(w.membership, actor=w.actor),
], ids=["role", "remove"])
def test_the_last_facilitator_stays_and_nothing_is_recorded(world, change):
    before = len(entries())
    members.members_held(world.map.id)
    with pytest.raises(members.LastFacilitator, match="at least one facilitator"):
        change(world)
    assert world.membership.role == "facilitator"
    assert db.session.get(Membership, world.membership.id) is not None
    assert len(entries()) == before


def test_removing_a_member_records_the_role_they_had(world):
    jo = member(world, world.joiner, "family")
    before = len(entries())
    members.members_held(world.map.id)
    assert members.remove_member(jo, actor=world.actor) is world.joiner
    db.session.commit()
    assert db.session.get(Membership, jo.id) is None
    entry = only_new_entry(before)
    assert what(entry) == ("deleted", "membership", jo.id, "Jo")
    assert entry.changes == {"role": "family"}
    assert_by(entry, world.actor)


# A caseworker saying who they are --------------------------------------------------------------


@pytest.fixture
def casey(world):
    membership = member(world, world.joiner, "caseworker")
    return membership, Actor.person(world.joiner, membership)


def test_a_caseworker_saying_which_caseworker_they_are(world, casey):
    membership, actor = casey
    worker = add_caseworker(world.map, name="Casey", role="Adviser", actor=SETUP)
    before = len(entries())
    members.be_caseworker(membership, worker.id, actor=actor)
    assert membership.caseworker_id == worker.id
    entry = only_new_entry(before)
    assert what(entry) == ("changed", "membership", membership.id, "Jo")
    assert entry.changes == {"caseworker_id": [None, "Casey, Adviser"]}
    assert_by(entry, actor)


def test_a_caseworker_adding_themselves_and_their_agency(world, casey):
    membership, actor = casey
    before = len(entries())
    worker = members.add_self_as_caseworker(membership, name="Casey", role="Adviser", agency_id=None,
                                            new_agency="Advice Centre", actor=actor)
    agency = db.session.scalar(select(Agency).where(Agency.name == "Advice Centre"))
    assert (worker.map_id, worker.name, worker.role, worker.agency_id) == (
        world.map.id, "Casey", "Adviser", agency.id)
    assert membership.caseworker_id == worker.id
    added_agency, added_worker, linked = entries()[before:]
    assert (added_agency.action, added_agency.kind, added_agency.item_id) == ("added", "agency", agency.id)
    assert added_agency.changes == {"name": "Advice Centre", "sector": "other", "via": "identity"}
    assert what(added_worker) == ("added", "caseworker", worker.id, "Casey")
    assert added_worker.changes["via"] == "identity" and added_worker.changes["name"] == "Casey"
    assert (linked.action, linked.kind) == ("changed", "membership")
    assert linked.changes == {"caseworker_id": [None, "Casey, Adviser"]}
    for entry in (added_agency, added_worker, linked):
        assert_by(entry, actor)


def test_a_caseworker_of_a_listed_agency_adds_only_themselves(world, casey):
    membership, actor = casey
    agency = add_agency(world.map, name="Housing", sector="housing", actor=SETUP)
    before = len(entries())
    worker = members.add_self_as_caseworker(membership, name="", role="Intake", agency_id=agency.id,
                                            actor=actor)
    assert worker.agency_id == agency.id and count_rows(Agency) == 1
    assert [(e.kind, e.summary) for e in entries()[before:]] == [
        ("caseworker", "Intake"), ("membership", "Jo")]


# The actor is always the one passed, and always passed ------------------------------------------


WRITES = [
    members.add_member, members.add_founder, members.start_map, members.add_new_account, members.redeem,
    members.change_role, members.remove_member, members.be_caseworker, members.add_self_as_caseworker,
    members.create_invitation, members.revoke,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
def test_every_write_takes_its_actor_by_keyword_with_no_default(write):
    actor = inspect.signature(write).parameters["actor"]
    assert actor.kind is inspect.Parameter.KEYWORD_ONLY
    assert actor.default is inspect.Parameter.empty


def test_the_request_does_not_decide_the_actor(app, world):
    """Inside a request for someone else (another person signed in, their membership in g), the
    entry still names the actor passed."""
    other = member(world, world.joiner, "viewer")
    with app.test_request_context():
        g.membership = other
        made = members.create_invitation(world.map, "viewer", hours=2, max_uses=1, actor=world.actor)
    (entry,) = db.session.scalars(select(HistoryEntry).where(HistoryEntry.item_id == made.id,
                                                             HistoryEntry.kind == "invitation"))
    assert_by(entry, world.actor)


@pytest.mark.parametrize("someone_else", [
    lambda w: w.actor,  # the facilitator, for the caseworker's membership
    lambda w: Actor.command("flask demo (command line)"),
], ids=["another person", "a command"])
def test_only_a_caseworker_themselves_says_who_they_are(world, casey, someone_else):
    membership, _ = casey
    worker = add_caseworker(world.map, name="Casey", role="Adviser", actor=SETUP)
    before = len(entries())
    with pytest.raises(ValueError):
        members.be_caseworker(membership, worker.id, actor=someone_else(world))
    with pytest.raises(ValueError):
        members.add_self_as_caseworker(membership, name="X", role="Y", agency_id=None, new_agency="Z",
                                       actor=someone_else(world))
    assert membership.caseworker_id is None and len(entries()) == before


def test_a_caseworker_of_another_map_is_refused(world, casey):
    membership, actor = casey
    elsewhere = add_caseworker(start_map("Family E."), name="Eve", role="Nurse", actor=SETUP)
    with pytest.raises(ValueError):
        members.be_caseworker(membership, elsewhere.id, actor=actor)
    assert membership.caseworker_id is None
    assert db.session.get(Caseworker, elsewhere.id).map_id != world.map.id


# The demo accounts -----------------------------------------------------------------------------


def test_demo_accounts_are_made_once_and_each_put_on_the_map_in_its_history(app):
    from journeymap.samples.demo_accounts import ACCOUNTS, create_demo_accounts

    command = Actor.command("flask demo (command line)")
    first = create_demo_accounts(start_map("Family R."), actor=command)
    again = start_map("Family R.")
    before = len(entries())
    second = create_demo_accounts(again, actor=command)
    assert count_rows(User) == len(ACCOUNTS)  # the second demo reuses the accounts...
    for email, _, role, _ in ACCOUNTS:
        user = accounts.account_with(email)
        assert passwords.verify_password(user.password_hash, second)  # ...with the new password
        assert not passwords.verify_password(user.password_hash, first)
        assert members.membership_of(again.id, user.id).role == role
    added = entries()[before:]
    assert [(e.kind, e.summary, e.changes) for e in added] == [
        ("membership", name, {"role": role, "via": "demo"}) for _, name, role, _ in ACCOUNTS]
    for entry in added:
        assert_by(entry, command)
