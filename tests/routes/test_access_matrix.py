"""Who may do what, for every route: the app's URL map × who is asking × HTTP method.

EXPECTED says, for every endpoint and method, what each of seven principals gets: someone not
signed in, a signed-in stranger to the map (the facilitator of another map), and each role on it.
A route missing from EXPECTED fails `test_every_route_has_an_expected_outcome`, so a new route
cannot ship before someone decides who may use it. The matrix then sends each request, to the
`small` map with real item ids and a valid form, and checks the class of the answer:

- "ok": 2xx, or a redirect anywhere but the sign-in page;
- "sign_in": a redirect to /sign-in (an htmx request gets "401" instead);
- "403", "404": that status.

The table is written out here rather than derived from journeymap.auth.access.CAPABILITIES, so a
change to who may do what shows up as a failing expectation, to be confirmed or corrected.
The item-level rules (a caseworker's own touchpoints, what the family may delete, whom a
caseworker may record as a barrier's owner) have their own tests after the matrix.
"""

from __future__ import annotations

import copy
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, current_app, url_for
from sqlalchemy import func, select

from journeymap.clock import today
from journeymap.domain import commitments
from journeymap.domain.barriers import add_barrier, set_owner
from journeymap.domain.family import start_map
from journeymap.domain.handoffs import add_handoff
from journeymap.domain.history import Actor
from journeymap.domain.introductions import add_introduction
from journeymap.domain.journey import add_touchpoint
from journeymap.domain.meetings import add_meeting
from journeymap.domain.members import create_invitation
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.exports.names_check import fingerprint
from journeymap.extensions import db
from journeymap.models import (
    Agency,
    Barrier,
    Commitment,
    Handoff,
    HistoryEntry,
    Introduction,
    Invitation,
    JourneyMap,
    Meeting,
    Membership,
    Touchpoint,
    User,
)
from journeymap.render import pdf
from tests.actors import SETUP
from tests.databases import ON_POSTGRES
from tests.routes.conftest import (
    FACILITATOR,
    HX,
    PASSWORD,
    SmallMap,
    add_to_map,
    html,
    post_change,
    sign_in,
    user_id,
    with_seen_version,
)

# Who asks ------------------------------------------------------------------------------------------
ROLES = ("facilitator", "family", "caseworker", "contributor", "viewer")
PRINCIPALS = ("anonymous", "non_member", *ROLES)
OUTCOMES = {"ok", "sign_in", "403", "404", "503"}
EMAILS = {
    "non_member": "stranger@example.org",
    "facilitator": FACILITATOR,
    "family": "family@example.org",
    "caseworker": "casey@example.org",
    "contributor": "connie@example.org",
    "viewer": "vic@example.org",
}
MISSING = 999_999  # a map id no map has


def anyone() -> dict[str, str]:
    """A public route: the same for everyone, signed in or not."""
    return dict.fromkeys(PRINCIPALS, "ok")


def signed_in() -> dict[str, str]:
    """Any account, whatever maps it is on."""
    return {**anyone(), "anonymous": "sign_in"}


def members(*allowed: str) -> dict[str, str]:
    """A route on one map: these roles may; the map's other members are refused (403); for
    anyone else the map does not exist (404)."""
    assert set(allowed) <= set(ROLES), allowed
    return {
        "anonymous": "sign_in",
        "non_member": "404",
        **{role: "ok" if role in allowed else "403" for role in ROLES},
    }


READERS = ROLES
EDITORS = ("facilitator", "contributor")

# endpoint -> method -> principal -> outcome, for every route of the app.
# Item ids are small's: its touchpoints and its barrier were added by no one in particular, so the
# item rules refuse a caseworker's change of them and the family's delete (403); the item tests
# below show the same routes allowing both for items they added.
EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    # Accounts and joining: about no one map.
    "static": {"GET": anyone()},
    "auth.sign_in": {"GET": anyone(), "POST": anyone()},
    "auth.sign_up": {"GET": anyone(), "POST": anyone()},
    "auth.sign_out": {"POST": dict.fromkeys(PRINCIPALS, "sign_in")},  # it ends on the sign-in page
    "auth.change_password": {"GET": signed_in(), "POST": signed_in()},
    "join.enter_code": {"GET": anyone(), "POST": anyone()},
    "join.invitation": {"GET": anyone(), "POST": anyone()},
    "language.choose": {"POST": anyone()},  # the switch in every page's header
    # Probes, the same for everyone. On SQLite the matrix's database was made by create_all, not by
    # migrations, so it is not ready (503); the PostgreSQL pass's database was migrated (200).
    "health.healthz": {"GET": anyone()},
    "health.readyz": {"GET": anyone() if ON_POSTGRES else dict.fromkeys(PRINCIPALS, "503")},
    "maps.index": {"GET": signed_in()},
    "maps.new": {"GET": signed_in(), "POST": signed_in()},
    "me.touchpoints": {"GET": signed_in()},
    "me.commitments": {"GET": signed_in()},  # "What I said I would do", across one's maps
    # The map and the family at its centre.
    "maps.overview": {"GET": members(*READERS)},
    "maps.show_family": {"GET": members(*READERS)},
    "maps.edit_family": {"GET": members(*EDITORS, "family"), "POST": members(*EDITORS, "family")},
    "maps.delete": {"GET": members("facilitator"), "POST": members("facilitator")},
    "maps.close": {"GET": members("facilitator"), "POST": members("facilitator")},
    "maps.reopen": {"POST": members("facilitator")},  # on a closed map: tests/routes/test_closed_maps.py
    "maps.add_member": {"POST": members(*EDITORS, "family")},
    "maps.show_member": {"GET": members(*READERS)},
    "maps.edit_member": {"GET": members(*EDITORS, "family"), "POST": members(*EDITORS, "family")},
    "maps.delete_member": {"POST": members(*EDITORS, "family")},  # household members have no author
    # Members, invitations and the history: the facilitator's.
    "members.page": {"GET": members("facilitator")},
    "members.change_role": {"POST": members("facilitator")},
    "members.remove": {"POST": members("facilitator")},
    "members.create_account": {"POST": members("facilitator")},
    "members.invite": {"POST": members("facilitator")},
    "members.show_invitation": {"GET": members("facilitator")},
    "members.revoke": {"POST": members("facilitator")},
    "history.page": {"GET": members("facilitator")},
    "live.check": {"POST": members(*READERS)},  # an open page whose stream is held back makes it
    "live.events": {"GET": members(*READERS)},  # every open page of the map holds it
    "live.items": {"GET": members(*READERS)},  # an open page, after someone else's change
    "live.me_events": {"GET": signed_in()},  # "My touchpoints" holds it: presence on one's own maps
    # People.
    "people.page": {"GET": members(*READERS)},
    "people.add_agency": {"POST": members(*EDITORS)},
    "people.show_agency": {"GET": members(*READERS)},
    "people.edit_agency": {"GET": members(*EDITORS), "POST": members(*EDITORS)},
    "people.delete_agency": {"POST": members(*EDITORS)},
    "people.add_caseworker": {"POST": members(*EDITORS)},
    "people.show_caseworker": {"GET": members(*READERS)},
    "people.edit_caseworker": {"GET": members(*EDITORS), "POST": members(*EDITORS)},
    "people.delete_caseworker": {"POST": members(*EDITORS)},
    # The journey.
    "journey.page": {"GET": members(*READERS)},
    "journey.add_stage": {"POST": members(*EDITORS)},
    "journey.show_stage": {"GET": members(*READERS)},
    "journey.edit_stage": {"GET": members(*EDITORS), "POST": members(*EDITORS)},
    "journey.delete_stage": {"POST": members(*EDITORS)},
    "journey.move_stage": {"POST": members(*EDITORS)},
    "journey.add_touchpoint": {"POST": members(*EDITORS, "family", "caseworker")},
    "journey.show_touchpoint": {"GET": members(*READERS)},
    # Caseworker: 403 for a touchpoint they did not add. Family: deletes only their own.
    "journey.edit_touchpoint": {"GET": members(*EDITORS, "family"), "POST": members(*EDITORS, "family")},
    "journey.move_touchpoint": {"POST": members(*EDITORS, "family")},
    "journey.delete_touchpoint": {"POST": members(*EDITORS)},
    # "My touchpoints": the short form, and a caseworker saying which caseworker they are.
    "me.add_touchpoint": {"POST": members(*EDITORS, "family", "caseworker")},
    "me.identity": {"POST": members("caseworker")},  # a caseworker not yet linked to one
    # Barriers. The owner the matrix records is the caseworker's own agency, theirs to record.
    "barriers.page": {"GET": members(*READERS)},
    "barriers.add_barrier": {"POST": members(*EDITORS, "family")},
    "barriers.show_barrier": {"GET": members(*READERS)},
    "barriers.edit_barrier": {"GET": members(*EDITORS, "family"), "POST": members(*EDITORS, "family")},
    "barriers.delete_barrier": {"POST": members(*EDITORS)},  # family: only barriers they added
    "barriers.record_owner": {"POST": members(*EDITORS, "family", "caseworker")},
    "barriers.choose_owner": {"GET": members(*EDITORS, "family", "caseworker")},
    # The family's word on a touchpoint or barrier: the family, or the facilitator sitting with them
    # (on their behalf); everyone else reads it.
    "family_word.give_touchpoint": {"POST": members("facilitator", "family")},
    "family_word.give_barrier": {"POST": members("facilitator", "family")},
    "family_word.give_handoff": {"POST": members("facilitator", "family")},
    # The owner's answer and commitment: editors for any barrier, a caseworker for barriers their
    # agency or they own (the matrix's barrier is owned by the caseworker's agency; the item tests
    # below refuse another agency's). The family and viewers read them.
    "follow_up.accept": {"POST": members(*EDITORS, "caseworker")},
    "follow_up.decline": {"GET": members(*EDITORS, "caseworker"), "POST": members(*EDITORS, "caseworker")},
    "follow_up.next_step": {"GET": members(*EDITORS, "caseworker"), "POST": members(*EDITORS, "caseworker")},
    "follow_up.progress": {"GET": members(*EDITORS, "caseworker"), "POST": members(*EDITORS, "caseworker")},
    "follow_up.done": {"GET": members(*EDITORS, "caseworker"), "POST": members(*EDITORS, "caseworker")},
    "follow_up.hand_on": {"POST": members(*EDITORS, "caseworker")},
    "follow_up.open_commitments": {"GET": members(*READERS)},  # every open next step, with its age
    # Connections: anyone who edits records an introduction (a caseworker, one including them);
    # a caseworker changes only what they added, the family deletes only what they added.
    "connections.page": {"GET": members(*READERS)},
    "connections.add_introduction": {"POST": members(*EDITORS, "family", "caseworker")},
    "connections.show_introduction": {"GET": members(*READERS)},
    "connections.edit_introduction": {"GET": members(*EDITORS, "family"),
                                      "POST": members(*EDITORS, "family")},
    "connections.delete_introduction": {"POST": members(*EDITORS)},
    # Steering meetings: the facilitator records them; everyone on the map reads them.
    "meetings.page": {"GET": members(*READERS)},
    "meetings.add_meeting": {"POST": members("facilitator")},
    "meetings.show_meeting": {"GET": members(*READERS)},
    "meetings.edit_meeting": {"GET": members("facilitator"), "POST": members("facilitator")},
    "meetings.delete_meeting": {"POST": members("facilitator")},
    # The silo map and downloads: reading.
    "silo.page": {"GET": members(*READERS)},
    "silo.image": {"GET": members(*READERS)},
    "silo.export": {"POST": members(*READERS)},
    # The views for a meeting, the brief and the data: reading. Full detail in a download is
    # the family's and the facilitator's (export_full); see test_silo_options and the
    # de-identification tests. Importing makes a new map, so it is about no map.
    "journey_view.page": {"GET": members(*READERS)},
    "journey_view.image": {"GET": members(*READERS)},
    "journey_view.export": {"POST": members(*READERS)},
    "present.page": {"GET": members(*READERS)},
    "brief.page": {"GET": members(*READERS)},
    "brief.pdf": {"POST": members(*READERS)},
    "data.page": {"GET": members(*READERS)},
    "data.export": {"POST": members(*READERS)},
    "data.import_file": {"GET": signed_in(), "POST": signed_in()},
    # Handoffs. The matrix's handoff was sent from small's agency (the caseworker's) 30 days ago and
    # never received: dropped. A caseworker edits and moves handoffs from or to their agency, and
    # deletes only those they added (tests/routes/test_handoffs.py); the family adds what they were
    # told and changes only their own; the days before one is dropped are the facilitator's.
    "handoffs.page": {"GET": members(*READERS)},
    "handoffs.add_handoff": {"POST": members(*EDITORS, "family", "caseworker")},
    "handoffs.show_handoff": {"GET": members(*READERS)},
    "handoffs.edit_handoff": {"GET": members(*EDITORS, "caseworker"),
                              "POST": members(*EDITORS, "caseworker")},
    "handoffs.delete_handoff": {"POST": members(*EDITORS)},
    "handoffs.move": {"GET": members(*EDITORS, "caseworker"), "POST": members(*EDITORS, "caseworker")},
    "handoffs.make_barrier": {"POST": members(*EDITORS, "family")},
    "handoffs.set_days": {"POST": members("facilitator")},
    # Check before sharing: the facilitator reads what leaves the room, and chooses.
    "sharing.page": {"GET": members("facilitator")},
    "sharing.save": {"POST": members("facilitator")},
}


# Requests --------------------------------------------------------------------------------------------
class World:
    """The `small` map, and what some URLs need besides its items, made when a URL asks."""

    def __init__(self, small: SmallMap, map_id: int | None = None):
        self.small = small
        self.map_id = map_id or small.id  # the map in the URL

    @cached_property
    def membership_id(self) -> int:
        """Another member of the map, to change the role of or remove."""
        return add_to_map(self.small.id, "other.member@example.org", "contributor").id

    @cached_property
    def invitation(self) -> Invitation:
        created = create_invitation(
            db.session.get(JourneyMap, self.small.id), "viewer", hours=8, max_uses=None,
            actor=Actor.person(db.session.get(User, user_id(FACILITATOR))),
        )
        db.session.commit()
        return created


    @cached_property
    def meeting_id(self) -> int:
        """A steering meeting on small (small has none of its own: most pages show a map without)."""
        found = db.session.scalar(select(Meeting.id).where(Meeting.map_id == self.small.id).limit(1))
        if found is None:
            found = add_meeting(db.session.get(JourneyMap, self.small.id), actor=SETUP,
                                held_on=date(2026, 11, 16), attendees="Housing officer").id
            db.session.commit()
        return found

    @cached_property
    def stranger_id(self) -> int:
        """A caseworker at a second agency of small, never in touch with small's caseworker."""
        journey_map = db.session.get(JourneyMap, self.small.id)
        food_bank = add_agency(journey_map, actor=SETUP, name="Food Bank", sector="nonprofit")
        found = add_caseworker(journey_map, actor=SETUP, name="Bo", role="Volunteer",
                               agency_id=food_bank.id).id
        db.session.commit()
        return found

    @cached_property
    def introduction_id(self) -> int:
        """An introduction on small: between its caseworker and the stranger, by the set-up."""
        found = db.session.scalar(
            select(Introduction.id).where(Introduction.map_id == self.small.id).limit(1))
        if found is None:
            found = add_introduction(db.session.get(JourneyMap, self.small.id), actor=SETUP,
                                     caseworker_a_id=self.small.caseworker, caseworker_b_id=self.stranger_id,
                                     made_on=date(2026, 11, 16), how="phone").id
            db.session.commit()
        return found

    @cached_property
    def handoff_id(self) -> int:
        """A handoff on small, from its agency, sent 30 days ago and never received: dropped."""
        found = db.session.scalar(select(Handoff.id).where(Handoff.map_id == self.small.id).limit(1))
        if found is None:
            found = add_handoff(db.session.get(JourneyMap, self.small.id), actor=SETUP,
                                from_agency_id=self.small.agency, sent_on=today() - timedelta(days=30),
                                expected="They will call").id
            db.session.commit()
        return found

    @property
    def handoff_version(self) -> int:
        return db.session.get(Handoff, self.handoff_id, populate_existing=True).version

    @property
    def barrier_version(self) -> int:
        return db.session.get(Barrier, self.small.barrier, populate_existing=True).version

    @property
    def commitment_version(self) -> int:
        """The open commitment's (an edit), or the barrier's when there is none (a first next step)."""
        found = db.session.scalar(select(Commitment).where(Commitment.barrier_id == self.small.barrier,
                                                           Commitment.status == "open"))
        return found.version if found is not None else self.barrier_version

    def follow_up_state(self, endpoint: str) -> None:
        """small's barrier as the follow-up routes need it: owned by small's agency (the caseworker's),
        waiting for an answer (accept) or accepted with an open next step (the rest). For the
        connections routes: a stranger to introduce, and an introduction to change."""
        if endpoint.startswith("connections."):
            made = [self.stranger_id] + ([] if "add" in endpoint else [self.introduction_id])
            assert all(made)
        if not endpoint.startswith("follow_up."):
            return
        journey_map = db.session.get(JourneyMap, self.small.id)
        barrier = db.session.get(Barrier, self.small.barrier)
        set_owner(journey_map, barrier, self.small.agency, None, actor=SETUP)
        if endpoint != "follow_up.accept":
            commitments.accept(journey_map, barrier, actor=SETUP)
            commitments.commit_to(journey_map, barrier, actor=SETUP, next_step="Fix the boiler",
                                  who_caseworker_id=None, who_text="", due_on=None)
        db.session.commit()


NEW_PASSWORD = "a brand new passphrase"
IMPORTABLE = json.dumps({
    "format": "journeymap", "format_version": 2,
    "family": {"pseudonym": "Family I.", "situation": "", "hopes": ""},
    **dict.fromkeys(("household", "agencies", "caseworkers", "stages", "touchpoints", "barriers"), []),
}).encode()

# A valid form for every POST that takes one (body_of adds the version an edit or delete carries).
BODIES: dict[str, Callable[[World], dict]] = {
    "auth.sign_in": lambda w: {"email": FACILITATOR, "password": PASSWORD},
    "auth.sign_up": lambda w: {"display_name": "Newcomer", "email": "newcomer@example.org",
                               "password": NEW_PASSWORD},
    "auth.change_password": lambda w: {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    "join.enter_code": lambda w: {"code": w.invitation.code},
    "language.choose": lambda w: {"language": "es", "return_to": "/"},
    "join.invitation": lambda w: {"display_name": "Joiner", "email": "joiner@example.org",
                                  "password": NEW_PASSWORD},
    "maps.new": lambda w: {"pseudonym": "Family N.", "situation": "", "hopes": ""},
    "maps.edit_family": lambda w: {"pseudonym": "Family T.", "situation": "Cold.", "hopes": "Warm."},
    "maps.add_member": lambda w: {"role": "Aunt", "age_band": "25-44"},
    "maps.edit_member": lambda w: {"role": "Grandmother", "age_band": "65+"},
    "members.change_role": lambda w: {"role": "viewer"},
    "members.create_account": lambda w: {"display_name": "Walk-in", "email": "walkin@example.org",
                                         "role": "viewer"},
    "members.invite": lambda w: {"role": "family", "hours": "8", "max_uses": ""},
    "live.check": lambda w: {"page": "journey", "seen": "0"},
    "people.add_agency": lambda w: {"name": "Food Bank", "sector": "nonprofit"},
    "people.edit_agency": lambda w: {"name": "Housing Office", "sector": "housing"},
    "people.add_caseworker": lambda w: {"name": "Bea", "role": "Nurse", "agency_id": str(w.small.agency),
                                        "status": "active"},
    "people.edit_caseworker": lambda w: {"name": "Ada", "role": "Senior intake worker",
                                         "agency_id": str(w.small.agency), "status": "active"},
    "journey.add_stage": lambda w: {"name": "Waiting"},
    "journey.edit_stage": lambda w: {"name": "First crisis"},
    "journey.move_stage": lambda w: {"step": "1"},
    "journey.add_touchpoint": lambda w: {"action": "Phoned the office", "stage_id": str(w.small.stage2)},
    "journey.edit_touchpoint": lambda w: {"action": "First phone call", "stage_id": str(w.small.stage1),
                                          "channel": "phone", "reported_by": "family", "feeling": ""},
    "journey.move_touchpoint": lambda w: {"step": "1"},
    "me.add_touchpoint": lambda w: {"action": "Home visit", "stage_id": str(w.small.stage2)},
    "me.identity": lambda w: {"caseworker_id": str(w.small.caseworker), "agency_id": ""},
    "barriers.add_barrier": lambda w: {"title": "No bus", "category": "access", "severity": "medium",
                                       "touchpoint_ids": [str(w.small.tp2)]},
    "barriers.edit_barrier": lambda w: {"title": "No heat at all", "category": "other", "severity": "high",
                                        "touchpoint_ids": [str(w.small.tp1)]},
    "barriers.record_owner": lambda w: {"owner": f"agency:{w.small.agency}"},
    "family_word.give_touchpoint": lambda w: {"verdict": "disputed", "comment": "It was the other office",
                                              "version": "0"},
    "family_word.give_barrier": lambda w: {"verdict": "confirmed", "comment": "", "version": "0"},
    "family_word.give_handoff": lambda w: {"verdict": "disputed", "comment": "Nobody told us",
                                           "version": "0"},
    "follow_up.accept": lambda w: {"version": str(w.barrier_version)},
    "follow_up.decline": lambda w: {"reason": "Not our service", "version": str(w.barrier_version)},
    "follow_up.next_step": lambda w: {"next_step": "Ring the landlord", "who_caseworker_id": "",
                                      "who_text": "", "due_on": "2026-12-18",
                                      "version": str(w.commitment_version)},
    "follow_up.progress": lambda w: {"on_date": "2026-12-07", "what_was_done": "Rang them",
                                     "what_is_blocking": ""},
    "follow_up.done": lambda w: {"what_changed": "The heating works",
                                 "version": str(w.commitment_version)},
    "follow_up.hand_on": lambda w: {"version": str(w.barrier_version)},
    "connections.add_introduction": lambda w: {
        "caseworker_a_id": str(w.small.caseworker), "caseworker_b_id": str(w.stranger_id),
        "agency_a_id": "", "agency_b_id": "", "made_on": "2026-11-16", "how": "phone", "note": ""},
    "connections.edit_introduction": lambda w: {
        "caseworker_a_id": str(w.small.caseworker), "caseworker_b_id": str(w.stranger_id),
        "agency_a_id": "", "agency_b_id": "", "made_on": "2026-11-17", "how": "email", "note": "Agreed"},
    "meetings.add_meeting": lambda w: {"held_on": "2026-11-16", "attendees": "Housing officer"},
    "meetings.edit_meeting": lambda w: {"held_on": "2026-11-17", "attendees": "School nurse"},
    "silo.export": lambda w: {"format": "dot"},
    "journey_view.export": lambda w: {"format": "svg"},
    "brief.pdf": lambda w: {},
    "data.export": lambda w: {"format": "json"},
    "data.import_file": lambda w: {"file": (io.BytesIO(IMPORTABLE), "map.json")},
    "sharing.save": lambda w: sharing_body(w),
    "handoffs.add_handoff": lambda w: {"from_agency_id": str(w.small.agency), "sent_on": "2026-11-02",
                                       "channel": "referral_form", "expected": "A call within a week"},
    "handoffs.edit_handoff": lambda w: {"from_agency_id": str(w.small.agency), "sent_on": "2026-11-03",
                                        "channel": "phone_call", "expected": "A call"},
    "handoffs.move": lambda w: {"on": today().isoformat(), "version": str(w.handoff_version)},
    "handoffs.make_barrier": lambda w: {"version": str(w.handoff_version)},
    "handoffs.set_days": lambda w: {"days": "21"},
}


def sharing_body(world: World) -> dict:
    """Withhold the small map's barrier title, as seen now."""
    key = f"barrier-{world.small.barrier}-title"
    title = db.session.get(Barrier, world.small.barrier).title
    return {f"decision-{key}": "withhold", f"seen-{key}": fingerprint(title)}
# POSTs that need no form: the button is the whole request.
NO_BODY = {"auth.sign_out", "maps.delete", "maps.close", "maps.reopen", "members.remove", "members.revoke"}

# Map writes that leave no trace in the history: the live check notes who is here, nothing more;
# reopening the (open) small map has nothing to do.
RECORDS_NOTHING = {"live.check", "maps.reopen"}

# The item an <item_id> names, by the URL segment before it.
ITEM_OF = {
    "household": "member", "agencies": "agency", "caseworkers": "caseworker", "stages": "stage",
    "touchpoints": "touchpoint", "barriers": "barrier", "meetings": "meeting",
    "introductions": "introduction", "handoffs": "handoff",
}
# Routes that name something on a map besides the map (an item, a membership, an invitation).
ITEM_ARGS = {"item_id", "membership_id", "invitation_id"}
ID_ROUTE = re.compile(
    rf"\w+\.(show|edit|delete|move)_({'|'.join(ITEM_OF.values())})|barriers\.(record|choose)_owner"
    r"|follow_up\.(accept|decline|next_step|progress|done|hand_on)|family_word\.give_(touchpoint|barrier|handoff)"
    r"|handoffs\.(move|make_barrier)"
    r"|members\.(change_role|remove|show_invitation|revoke)"
)


def url_values(rule, world: World) -> dict:
    """A real value for every part of a rule's URL."""
    values = {}
    for arg in sorted(rule.arguments):
        if arg == "map_id":
            values[arg] = world.map_id
        elif arg == "item_id" and ITEM_OF[rule.rule.split("/")[3]] == "meeting":
            values[arg] = world.meeting_id
        elif arg == "item_id" and ITEM_OF[rule.rule.split("/")[3]] == "introduction":
            values[arg] = world.introduction_id
        elif arg == "item_id" and ITEM_OF[rule.rule.split("/")[3]] == "handoff":
            values[arg] = world.handoff_id
        elif arg == "step":
            values[arg] = "received"
        elif arg == "item_id":
            values[arg] = world.small.ids()[ITEM_OF[rule.rule.split("/")[3]]]
        elif arg == "membership_id":
            values[arg] = world.membership_id
        elif arg == "invitation_id":
            values[arg] = world.invitation.id
        elif arg == "code":
            values[arg] = world.invitation.code
        elif arg == "filename":
            values[arg] = "css/app.css"
        else:
            pytest.fail(f"{rule.endpoint}: no test value for <{arg}>; add one to url_values")
    return values


def url_of(app: Flask, endpoint: str, world: World) -> str:
    (rule,) = app.url_map.iter_rules(endpoint)
    with app.test_request_context():
        return url_for(endpoint, **url_values(rule, world))


# Edits, deletes and owners carry the version of the item the person saw on its page.
CARRIES_VERSION = re.compile(r"\w+\.(edit|delete)_\w+|barriers\.record_owner")


def body_of(endpoint: str, world: World) -> dict:
    """The valid form; for an edit or delete, with the version small's pages show of the item."""
    body = BODIES[endpoint](world) if endpoint in BODIES else {}
    if CARRIES_VERSION.fullmatch(endpoint):
        return with_seen_version(url_of(current_app, endpoint, World(world.small)), body)
    return body


def browser(app: Flask, email: str | None = None):
    """A client of its own (each request has its own app context: see tests/conftest.py OwnContextClient)."""
    client = app.test_client()
    return sign_in(client, email) if email else client


def stranger(app: Flask):
    """A signed-in person who is on another map (its facilitator), not on `small`."""
    elsewhere = start_map("Family E. (elsewhere)", "", "")
    db.session.flush()
    add_to_map(elsewhere.id, EMAILS["non_member"], "facilitator")
    return elsewhere.id, browser(app, EMAILS["non_member"])


def build_world(app: Flask, small: SmallMap, principal: str, *, linked: bool = True):
    """The principal's place on the map, and a client signed in as them. A caseworker member is
    linked to small's caseworker (Ada), unless they are yet to say who they are."""
    if principal == "anonymous":
        return World(small), browser(app)
    if principal == "non_member":
        return World(small), stranger(app)[1]
    if principal != "facilitator":
        add_to_map(small.id, EMAILS[principal], principal,
                   caseworker_id=small.caseworker if principal == "caseworker" and linked else None)
    return World(small), browser(app, EMAILS[principal])


def outcome(response) -> str:
    if 300 <= response.status_code < 400:
        return "sign_in" if urlsplit(response.headers["Location"]).path == "/sign-in" else "ok"
    return "ok" if 200 <= response.status_code < 300 else str(response.status_code)


def as_htmx(principal: str, expected: str) -> str:
    """htmx cannot follow a redirect to the sign-in page into part of a page: it gets a 401."""
    return "401" if principal == "anonymous" and expected == "sign_in" else expected


def map_state(map_id: int) -> tuple[int | None, int]:
    """The map's revision and the number of its history entries: what any change moves."""
    revision = db.session.scalar(select(JourneyMap.revision).where(JourneyMap.id == map_id))
    entries = db.session.scalar(
        select(func.count()).select_from(HistoryEntry).where(HistoryEntry.map_id == map_id)
    )
    return revision, entries


def everything_about(map_id: int) -> tuple:
    """The map's state, its members' roles and its invitations: what a request could change."""
    db.session.expire_all()
    roles = db.session.execute(
        select(Membership.id, Membership.role).where(Membership.map_id == map_id)
    ).all()
    invitations = db.session.execute(
        select(Invitation.id, Invitation.revoked_at).where(Invitation.map_id == map_id)
    ).all()
    return map_state(map_id), roles, invitations


def without_tokens(body: str) -> str:
    """The page without what differs per request by design: CSRF tokens, and the language
    switch's way back to the URL that was asked for (the asker's own URL, nothing of the map's)."""
    return re.sub(r'"X-CSRFToken": "[^"]*"|(name="(csrf_token|return_to)"[^>]*value=")[^"]*"', "", body)


def explain(principal: str, method: str, url: str, response, expected: str) -> str:
    return (f"{principal} {method} {url}: got {response.status_code} ({outcome(response)}), "
            f"expected {expected}\n{html(response)[:1500]}")


def cases(principals=PRINCIPALS, methods=("GET", "POST"), outcomes=OUTCOMES):
    for endpoint, by_method in EXPECTED.items():
        for method, by_principal in by_method.items():
            for principal in principals:
                if method not in methods or by_principal[principal] not in outcomes:
                    continue
                yield pytest.param(endpoint, method, principal, by_principal[principal],
                                   id=f"{endpoint}-{method}-{principal}")


# The matrix checks who may ask for a PDF, not the PDF: WeasyPrint takes seconds a brief, and the
# brief and journey view tests check real PDFs. Every module that took html_to_pdf gets the stub.
STUB_PDF = b"%PDF-1.7\n% drawn by no one: tests/routes/test_access_matrix.py\n%%EOF\n"


@pytest.fixture(autouse=True)
def pdfs_not_drawn(app, monkeypatch):
    """After `app`: by then every module that takes html_to_pdf has been imported."""
    drawn = []

    def stub(html: str, css: str, *, title: str) -> bytes:
        drawn.append(title)
        return STUB_PDF

    real = pdf.html_to_pdf
    for module in [m for name, m in sys.modules.items() if name.startswith("journeymap.")]:
        if getattr(module, "html_to_pdf", None) is real:
            monkeypatch.setattr(module, "html_to_pdf", stub)
    return drawn


def test_the_brief_pdf_is_stubbed_here(client, small, pdfs_not_drawn):
    """The stub above is what the matrix's PDF requests get, so they cost no WeasyPrint run."""
    response = client.post(f"/maps/{small.id}/brief.pdf")
    assert response.status_code == 200 and response.data == STUB_PDF
    assert pdfs_not_drawn == ["Steering brief: Family T. (test)"]


# The table ---------------------------------------------------------------------------------------
def test_every_route_has_an_expected_outcome(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    expected = {(endpoint, method) for endpoint, by_method in EXPECTED.items() for method in by_method}
    missing = sorted(routes - expected)
    assert not missing, f"routes with no expected outcome in EXPECTED (who may use them?): {missing}"
    stale = sorted(endpoint for endpoint in EXPECTED if endpoint not in app.view_functions)
    assert not stale, f"EXPECTED names endpoints that no longer exist: {stale}"
    dropped = sorted((endpoint, method) for endpoint, method in expected - routes if endpoint != "static")
    assert not dropped, f"EXPECTED names methods these routes no longer take: {dropped}"


def test_the_table_is_well_formed(app):
    for endpoint, by_method in EXPECTED.items():
        for method, by_principal in by_method.items():
            assert set(by_principal) == set(PRINCIPALS), (endpoint, method)
            assert set(by_principal.values()) <= OUTCOMES, (endpoint, method)
            (rule,) = app.url_map.iter_rules(endpoint)
            if method == "POST" and not rule.rule.endswith("/delete"):
                assert endpoint in BODIES or endpoint in NO_BODY, f"{endpoint}: give a valid form in BODIES"
    assert set(BODIES) | NO_BODY <= set(EXPECTED)
    with_ids = {rule.endpoint for rule in app.url_map.iter_rules() if rule.arguments & ITEM_ARGS}
    assert with_ids == {endpoint for endpoint in EXPECTED if ID_ROUTE.fullmatch(endpoint)}, (
        "ID_ROUTE must name exactly the routes with an id besides the map's"
    )


# The matrix --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("endpoint", "method", "principal", "expected"), list(cases()))
def test_access(app, small, endpoint, method, principal, expected):
    """Each request as a browser sends it. A GET is sent again as htmx (a fragment, for the item
    routes), and neither changes anything: not the map's revision, not its history."""
    world, client = build_world(app, small, principal, linked=endpoint != "me.identity")
    world.follow_up_state(endpoint)
    url = url_of(app, endpoint, world)
    before = map_state(small.id)
    if method == "POST":
        response = client.post(url, data=body_of(endpoint, world))
        assert outcome(response) == expected, explain(principal, method, url, response, expected)
        if expected == "ok" and f"/maps/{small.id}/" in url and endpoint not in RECORDS_NOTHING:
            # Allowed, and done: the map moved on (its revision, or its history).
            assert map_state(small.id) != before, f"{principal} POST {url} was allowed but did nothing"
    else:
        response = client.get(url)
        assert outcome(response) == expected, explain(principal, method, url, response, expected)
        fragment = client.get(url, headers=HX)
        wanted = as_htmx(principal, expected)
        assert outcome(fragment) == wanted, explain(principal, "htmx GET", url, fragment, wanted)
        assert map_state(small.id) == before, f"{principal} GET {url} changed the map (revision, history)"
    if expected == "sign_in" and principal == "anonymous" and method == "GET":
        # ...and comes back here after signing in.
        assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == [url]
    if expected in ("403", "404", "sign_in") and endpoint != "auth.sign_out":
        assert map_state(small.id) == before, f"refused, yet {principal} {method} {url} changed the map"
    if expected == "404":
        # The same answer as for a map that does not exist: nothing about this one shows.
        elsewhere = copy.copy(world)
        elsewhere.map_id = MISSING
        missing_url = url_of(app, endpoint, elsewhere)
        missing = client.open(missing_url, method=method, data=body_of(endpoint, world))
        assert missing.status_code == 404
        assert without_tokens(html(response)) == without_tokens(html(missing))


@pytest.mark.parametrize(("endpoint", "method", "principal", "expected"),
                         list(cases(("anonymous", "non_member"), ("POST",), {"sign_in", "404"})))
def test_refused_htmx_posts(app, small, endpoint, method, principal, expected):
    """Someone not signed in gets a 401 (the page explains, and keeps the form's text); a stranger
    finds no map. Refused, nothing changes."""
    world, client = build_world(app, small, principal)
    world.follow_up_state(endpoint)
    url = url_of(app, endpoint, world)
    before = map_state(small.id)
    response = client.post(url, data=body_of(endpoint, world), headers=HX)
    wanted = as_htmx(principal, expected)
    assert outcome(response) == wanted, explain(principal, "htmx POST", url, response, wanted)
    if wanted == "401":
        assert "<html" not in html(response) and "signed out" in html(response)
    if endpoint != "auth.sign_out":
        assert map_state(small.id) == before


@pytest.mark.parametrize(("endpoint", "method"), [
    (endpoint, method) for endpoint, by_method in EXPECTED.items() for method in by_method
    if ID_ROUTE.fullmatch(endpoint)
])
def test_another_maps_ids_are_404_on_ones_own_map(app, small, endpoint, method):
    """The facilitator of another map, on their own map's URLs with this map's item, membership
    and invitation ids: every one is unknown there, and this map is untouched."""
    elsewhere, client = stranger(app)
    world = World(small, map_id=elsewhere)
    url = url_of(app, endpoint, world)
    before = everything_about(small.id)
    response = client.open(url, method=method, data=body_of(endpoint, world))
    assert response.status_code == 404, explain("non_member", method, url, response, "404")
    assert everything_about(small.id) == before


@pytest.mark.parametrize("change", ["role", "removal"])
def test_a_role_change_or_removal_applies_to_the_next_request(app, small, change):
    member = add_to_map(small.id, EMAILS["contributor"], "contributor")
    client = browser(app, EMAILS["contributor"])
    assert outcome(client.get(f"/maps/{small.id}/family/edit")) == "ok"
    facilitator = browser(app, FACILITATOR)
    if change == "role":
        assert outcome(facilitator.post(f"/maps/{small.id}/members/{member.id}/role",
                                        data={"role": "viewer"})) == "ok"
        assert outcome(client.get(f"/maps/{small.id}/family/edit")) == "403"
        assert outcome(client.get(f"/maps/{small.id}")) == "ok"
    else:
        assert outcome(facilitator.post(f"/maps/{small.id}/members/{member.id}/remove")) == "ok"
        assert outcome(client.get(f"/maps/{small.id}")) == "404"


# Item-level rules ------------------------------------------------------------------------------
CASEWORKER, FAMILY = EMAILS["caseworker"], EMAILS["family"]
MODELS = {"touchpoint": Touchpoint, "barrier": Barrier}


def touchpoint_by(small: SmallMap, author_id: int | None) -> int:
    journey_map = db.session.get(JourneyMap, small.id)
    created = add_touchpoint(journey_map, action="Home visit", stage_id=small.stage1, created_by_id=author_id,
        actor=SETUP)
    db.session.commit()
    return created.id


def barrier_by(small: SmallMap, author_id: int | None) -> int:
    journey_map = db.session.get(JourneyMap, small.id)
    created = add_barrier(journey_map, [small.tp2], title="Lost papers", created_by_id=author_id, actor=SETUP)
    db.session.commit()
    return created.id


ADD_ONE = {"touchpoint": touchpoint_by, "barrier": barrier_by}


def author_of(whose: str, me: Membership) -> int | None:
    return {"own": me.user_id, "the facilitator's": user_id(FACILITATOR), "no one's": None}[whose]


def exists(kind: str, item_id: int) -> bool:
    model = MODELS[kind]
    return db.session.scalar(select(func.count()).select_from(model).where(model.id == item_id)) == 1


def change(client, small: SmallMap, kind: str, item_id: int, verb: str):
    """One change of an item, as its page sends it: the edit form, the edit, a move, a delete."""
    base = f"/maps/{small.id}/{kind}s/{item_id}"
    if verb == "edit form":
        return client.get(f"{base}/edit")
    if verb == "edit":
        data = ({"action": "Changed it", "stage_id": str(small.stage1), "channel": ""} if kind == "touchpoint"
                else {"title": "Changed it", "category": "other", "severity": "low"})
        return client.post(f"{base}/edit", data=with_seen_version(f"{base}/edit", data))
    if verb == "move":
        return client.post(f"{base}/move", data={"step": "-1"})
    return client.post(f"{base}/delete", data=with_seen_version(f"{base}/delete"))


WHOSE = [("own", "ok"), ("the facilitator's", "403"), ("no one's", "403")]


@pytest.mark.parametrize("verb", ["edit form", "edit", "move", "delete"])
@pytest.mark.parametrize(("whose", "expected"), WHOSE)
def test_a_caseworker_changes_only_touchpoints_they_added(app, small, verb, whose, expected):
    me = add_to_map(small.id, CASEWORKER, "caseworker", caseworker_id=small.caseworker)
    item = touchpoint_by(small, author_of(whose, me))
    client = browser(app, CASEWORKER)
    before = map_state(small.id)
    response = change(client, small, "touchpoint", item, verb)
    assert outcome(response) == expected, explain("caseworker", verb, whose, response, expected)
    if expected == "403":
        assert map_state(small.id) == before and exists("touchpoint", item)
    elif verb != "edit form":
        assert map_state(small.id)[1] == before[1] + 1  # the change, in the history
        assert exists("touchpoint", item) == (verb != "delete")


@pytest.mark.parametrize("where", ["journey page", "my touchpoints"])
def test_a_touchpoint_a_caseworker_adds_is_theirs_to_change(app, small, where):
    add_to_map(small.id, CASEWORKER, "caseworker", caseworker_id=small.caseworker)
    client = browser(app, CASEWORKER)
    url = f"/maps/{small.id}/touchpoints" if where == "journey page" else f"/me/maps/{small.id}/touchpoints"
    response = client.post(url, data={"action": "Brought the forms", "stage_id": str(small.stage2)})
    assert outcome(response) == "ok"
    added = db.session.scalar(select(func.max(Touchpoint.id)).where(Touchpoint.map_id == small.id))
    assert db.session.get(Touchpoint, added).created_by_id == user_id(CASEWORKER)
    for verb in ("edit", "move", "delete"):
        assert outcome(change(client, small, "touchpoint", added, verb)) == "ok", verb
    assert not exists("touchpoint", added)


@pytest.mark.parametrize("kind", ["touchpoint", "barrier"])
@pytest.mark.parametrize("whose", ["the facilitator's", "no one's"])
def test_the_family_edits_any_touchpoint_or_barrier(app, small, kind, whose):
    me = add_to_map(small.id, FAMILY, "family")
    item = ADD_ONE[kind](small, author_of(whose, me))
    client = browser(app, FAMILY)
    assert outcome(change(client, small, kind, item, "edit form")) == "ok"
    response = change(client, small, kind, item, "edit")
    assert outcome(response) == "ok", explain("family", "edit", whose, response, "ok")
    record = db.session.get(MODELS[kind], item, populate_existing=True)
    assert (record.action if kind == "touchpoint" else record.title) == "Changed it"
    assert record.from_family  # marked as the family's correction


@pytest.mark.parametrize("kind", ["touchpoint", "barrier"])
@pytest.mark.parametrize(("whose", "expected"), WHOSE)
def test_the_family_deletes_only_what_they_added(app, small, kind, whose, expected):
    me = add_to_map(small.id, FAMILY, "family")
    item = ADD_ONE[kind](small, author_of(whose, me))
    client = browser(app, FAMILY)
    before = map_state(small.id)
    response = change(client, small, kind, item, "delete")
    assert outcome(response) == expected, explain("family", "delete", whose, response, expected)
    assert exists(kind, item) == (expected == "403")
    if expected == "403":
        assert map_state(small.id) == before


@pytest.mark.parametrize("kind", ["touchpoint", "barrier"])
def test_what_the_family_adds_is_theirs_to_delete(app, small, kind):
    add_to_map(small.id, FAMILY, "family")
    client = browser(app, FAMILY)
    data = ({"action": "Wrote to the council", "stage_id": str(small.stage2)} if kind == "touchpoint"
            else {"title": "Nobody called back", "category": "other", "severity": "low"})
    assert outcome(client.post(f"/maps/{small.id}/{kind}s", data=data)) == "ok"
    model = MODELS[kind]
    added = db.session.scalar(select(func.max(model.id)).where(model.map_id == small.id))
    assert db.session.get(model, added).created_by_id == user_id(FAMILY)
    assert outcome(change(client, small, kind, added, "delete")) == "ok"
    assert not exists(kind, added)


@dataclass(frozen=True)
class Owners:
    mine: int  # the caseworker member's own record: Ada, at small's agency
    my_agency: int
    colleague: int  # another caseworker at the same agency
    other_agency: int
    other_worker: int  # a caseworker at the other agency


@pytest.fixture
def owners(app, small) -> Owners:
    journey_map = db.session.get(JourneyMap, small.id)
    school = add_agency(journey_map, "Valley School", "school",
        actor=SETUP)
    colleague = add_caseworker(journey_map, name="Cy", role="Intake worker", agency_id=small.agency,
        actor=SETUP)
    nurse = add_caseworker(journey_map, name="Bo", role="School nurse", agency_id=school.id, actor=SETUP)
    db.session.commit()
    return Owners(small.caseworker, small.agency, colleague.id, school.id, nurse.id)


OWNER_CHOICES = {
    "themselves": lambda o: f"caseworker:{o.mine}",
    "their agency": lambda o: f"agency:{o.my_agency}",
    "a colleague": lambda o: f"caseworker:{o.colleague}",
    "another agency": lambda o: f"agency:{o.other_agency}",
    "another agency's caseworker": lambda o: f"caseworker:{o.other_worker}",
}
ONLY_YOURSELF = "As a caseworker you can record yourself or your own agency as the owner."


def owner_of(barrier_id: int) -> tuple[int | None, int | None]:
    barrier = db.session.get(Barrier, barrier_id, populate_existing=True)
    return barrier.owner_agency_id, barrier.owner_caseworker_id


@pytest.mark.parametrize("choice", ["themselves", "their agency"])
def test_a_caseworker_records_themselves_or_their_agency_as_owner(app, small, owners, choice):
    add_to_map(small.id, CASEWORKER, "caseworker", caseworker_id=owners.mine)
    client = browser(app, CASEWORKER)
    response = post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                           data={"owner": OWNER_CHOICES[choice](owners)})
    assert outcome(response) == "ok", explain("caseworker", "owner", choice, response, "ok")
    assert owner_of(small.barrier) == (owners.my_agency, owners.mine if choice == "themselves" else None)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("choice", ["a colleague", "another agency", "another agency's caseworker"])
def test_a_caseworker_may_not_record_anyone_else_as_owner(app, small, owners, choice, htmx):
    add_to_map(small.id, CASEWORKER, "caseworker", caseworker_id=owners.mine)
    client = browser(app, CASEWORKER)
    before = map_state(small.id)
    response = post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                           data={"owner": OWNER_CHOICES[choice](owners)}, headers=HX if htmx else {})
    assert response.status_code == 422, html(response)[:1500]
    assert ONLY_YOURSELF in html(response)
    assert owner_of(small.barrier) == (None, None)
    assert map_state(small.id) == before


def test_a_caseworker_not_yet_linked_to_a_caseworker_may_record_no_owner(app, small, owners):
    add_to_map(small.id, CASEWORKER, "caseworker")
    client = browser(app, CASEWORKER)
    response = post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                           data={"owner": f"agency:{owners.my_agency}"})
    assert response.status_code == 422
    assert ONLY_YOURSELF in html(response)
    assert owner_of(small.barrier) == (None, None)


def test_a_linked_caseworker_cannot_become_another_caseworker(app, small, owners):
    """Saying who you are is a first step, not a way round the owner rule."""
    me = add_to_map(small.id, CASEWORKER, "caseworker", caseworker_id=owners.mine)
    client = browser(app, CASEWORKER)
    response = client.post(f"/me/maps/{small.id}/identity",
                           data={"caseworker_id": str(owners.other_worker), "agency_id": ""})
    db.session.expire_all()
    assert db.session.get(Membership, me.id).caseworker_id == owners.mine
    assert response.status_code in (403, 409), response.status_code
    response = post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                           data={"owner": f"agency:{owners.other_agency}"})
    assert response.status_code == 422
    assert owner_of(small.barrier) == (None, None)


@pytest.mark.parametrize(("role", "expected"), [
    ("family", "403"), ("caseworker", "403"), ("contributor", "ok"),
])
def test_adding_an_agency_from_the_touchpoint_form_is_editing_people(app, small, role, expected):
    """The touchpoint form's "add agency" button changes the people: only those who may."""
    add_to_map(small.id, EMAILS[role], role, caseworker_id=small.caseworker if role == "caseworker" else None)
    client = browser(app, EMAILS[role])

    def agencies() -> int:
        return db.session.scalar(select(func.count()).select_from(Agency).where(Agency.map_id == small.id))

    before = agencies()
    response = client.post(f"/maps/{small.id}/touchpoints", data={
        "intent": "add_agency", "action": "Phoned", "new_agency-name": "Legal aid",
        "new_agency-sector": "nonprofit",
    })
    assert outcome(response) == expected, explain(role, "add agency", "touchpoint form", response, expected)
    assert agencies() == before + (expected == "ok")
