"""Members of a map and the invitations that let people join. Functions never commit.

Every change here takes the actor explicitly and records its own history entry in the caller's
transaction. The entries' `changes` hold field names and stored values (`{"role": "viewer"}`,
`{"role": ["viewer", "family"]}`, `{"via": "invitation"}`); the history page makes words of them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import func, or_, select, update

from journeymap.auth import access
from journeymap.domain import accounts, family, history, people
from journeymap.domain.common import ref_name
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.models import Caseworker, Invitation, JourneyMap, Membership, User
from journeymap.models.utctime import utcnow

# Codes are read off a projector and typed on a phone: no 0/O, 1/I/L, and grouped in fours.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11: guessing one is hopeless, even before codes expire

# How someone came to be on a map: the "via" of an "added member" entry (and of the agency and
# caseworker a caseworker adds for themselves).
# The history kind of a membership ("member" is a member of the household).
MEMBERSHIP = "membership"

VIA_INVITATION = "invitation"
VIA_NEW_ACCOUNT = "new_account"  # a facilitator made the account, with a one-time password
VIA_OWNER_OPTION = "--owner"  # flask synth/import --owner EMAIL
VIA_DEMO = "demo"  # flask demo's accounts
VIA_IDENTITY = "identity"  # a caseworker saying who they are, on "My touchpoints"
VIA_TAKING_OVER = "taking_over"  # a caseworker taking over from someone who left ("Which of these is you?")


class LastFacilitator(Exception):
    """A change refused because the map would be left with no one to manage it."""

    def __init__(self) -> None:
        super().__init__(gettext("A map needs at least one facilitator. Make someone else facilitator "
                                 "first."))


@dataclass(frozen=True)
class NewAccount:
    user: User
    membership: Membership
    password: str  # the one-time password, shown once to the facilitator and never stored


def _person(actor: Actor) -> int:
    if actor.user_id is None:
        raise ValueError(f"{actor.name!r} is not a person: only a person can do this")
    return actor.user_id


def _as_member(actor: Actor, membership: Membership) -> Actor:
    """Someone who starts or joins a map acts, in that same moment, as its member: the entry names
    them with the role they now hold. Only the role is taken from the membership, and only for the
    actor's own."""
    if actor.user_id != membership.user_id:
        raise ValueError("only the person joining a map can be recorded as joining it")
    return replace(actor, role=membership.role)


def _membership(map_id: int, user_id: int, role: str, caseworker_id: int | None = None) -> Membership:
    membership = Membership(map_id=map_id, user_id=user_id, role=role, caseworker_id=caseworker_id)
    db.session.add(membership)
    db.session.flush()
    return membership


def _display_name(user_id: int) -> str:
    return db.session.get(User, user_id).display_name


# Joining ---------------------------------------------------------------------------------------


def add_member(journey_map: JourneyMap, user: User, role: str, *, actor: Actor, via: str,
               caseworker_id: int | None = None) -> Membership:
    """Put an account on the map (one of the VIA_* ways). Records "added member": role and via."""
    membership = _membership(journey_map.id, user.id, role, caseworker_id)
    history.record(journey_map.id, "added", MEMBERSHIP, membership.id, actor=actor, summary=user.display_name,
                   changes={"role": role, "via": via})
    return membership


def add_founder(journey_map: JourneyMap, *, actor: Actor, via: str | None = None) -> Membership:
    """The person who made a new map (started it, or imported a file) becomes its facilitator.

    One entry, "added map", by them as its facilitator; `via` (when given) says how it came.
    """
    membership = _membership(journey_map.id, _person(actor), access.ROLE_OF_WHOEVER_STARTS_A_MAP)
    history.record(journey_map.id, "added", "map", journey_map.id, actor=_as_member(actor, membership),
                   summary=journey_map.pseudonym, changes={"via": via} if via else None)
    return membership


def start_map(pseudonym: str, situation: str = "", hopes: str = "", *, actor: Actor) -> Membership:
    """A new map with its family, started by `actor`, who becomes its facilitator (see add_founder)."""
    return add_founder(family.start_map(pseudonym, situation, hopes), actor=actor)


def add_new_account(journey_map: JourneyMap, *, email: str, display_name: str, role: str,
                    actor: Actor) -> NewAccount:
    """A facilitator makes an account for someone (e.g. without a phone) and puts it on the map.

    The account gets a one-time password (returned, to be shown once) that the person replaces at
    first sign-in. Records "added member" with via "new_account". The caller has checked that no
    account has this email: someone's existing account never goes on a map without them.
    """
    password = accounts.one_time_password()
    user = accounts.create_account(email, display_name, password, must_change_password=True,
                                   created_by=db.session.get(User, _person(actor)))
    membership = add_member(journey_map, user, role, actor=actor, via=VIA_NEW_ACCOUNT)
    return NewAccount(user=user, membership=membership, password=password)


def redeem(invitation: Invitation, *, actor: Actor) -> Membership | None:
    """`actor` joins the map with the invitation; None when the last use went to someone else a
    moment ago. Records "added member" (role, via "invitation") by them in their new role.

    Someone already on the map keeps their role (an invitation never demotes anyone), uses nothing
    and records nothing. The use is counted with one conditional UPDATE, so two phones joining at
    the same moment cannot both take the last use, whichever worker process serves them.
    """
    user_id = _person(actor)
    existing = membership_of(invitation.map_id, user_id)
    if existing is not None:
        return existing
    counted = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.revoked_at.is_(None),
               Invitation.expires_at > utcnow(),
               or_(Invitation.max_uses.is_(None), Invitation.uses < Invitation.max_uses))
        .values(uses=Invitation.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        return None
    db.session.refresh(invitation)
    membership = _membership(invitation.map_id, user_id, invitation.role)
    history.record(invitation.map_id, "added", MEMBERSHIP, membership.id, actor=_as_member(actor, membership),
                   summary=_display_name(user_id), changes={"role": membership.role, "via": VIA_INVITATION})
    return membership


# Roles and leaving -----------------------------------------------------------------------------


def membership_of(map_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.map_id == map_id, Membership.user_id == user_id)
    )


def facilitator_count(map_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Membership)
        .where(Membership.map_id == map_id, Membership.role.in_(access.CAPABILITIES["manage_members"]))
    )


def is_last_facilitator(membership: Membership) -> bool:
    """A map always keeps someone who can manage it. Call it after `members_held`."""
    return access.role_can("manage_members", membership) and facilitator_count(membership.map_id) == 1


def members_held(map_id: int) -> None:
    """Take the map's row for writing before reading its memberships to decide from who its
    facilitators are, so two facilitators removing each other at the same moment are counted one
    after the other and the map keeps one. The revision goes up too: other members' pages refresh
    to their new roles."""
    db.session.execute(
        update(JourneyMap).where(JourneyMap.id == map_id).values(revision=JourneyMap.revision + 1),
        execution_options={"synchronize_session": False},
    )


def change_role(membership: Membership, role: str, *, actor: Actor) -> bool:
    """Give a member another role: False (nothing recorded) when it is the role they have. Records
    "changed member" with {"role": [before, after]}.

    Call after `members_held`, with the membership read after it. Raises LastFacilitator, having
    changed nothing, when the map's only facilitator would stop being one; the caller rolls back
    (members_held has already written).
    """
    if role == membership.role:
        return False
    if is_last_facilitator(membership):
        raise LastFacilitator
    history.record(membership.map_id, "changed", MEMBERSHIP, membership.id, actor=actor,
                   summary=_display_name(membership.user_id), changes={"role": [membership.role, role]})
    membership.role = role
    return True


def remove_member(membership: Membership, *, actor: Actor) -> User:
    """Take someone off the map; returns their account. Records "deleted member" with the role they had.

    Call after `members_held`, with the membership read after it. Raises LastFacilitator, having
    changed nothing, when it is the map's only facilitator; the caller rolls back.
    """
    if is_last_facilitator(membership):
        raise LastFacilitator
    user = db.session.get(User, membership.user_id)
    history.record(membership.map_id, "deleted", MEMBERSHIP, membership.id, actor=actor,
                   summary=user.display_name, changes={"role": membership.role})
    db.session.delete(membership)
    db.session.flush()
    return user


# A caseworker saying who they are --------------------------------------------------------------


def _own(membership: Membership, actor: Actor) -> None:
    # Who a caseworker is decides whose barriers they may own: only they say it, for themselves.
    if actor.user_id is None or actor.user_id != membership.user_id:
        raise ValueError("only a caseworker themselves can say which caseworker they are")


def _link(membership: Membership, caseworker_id: int, *, actor: Actor) -> None:
    history.record(membership.map_id, "changed", MEMBERSHIP, membership.id, actor=actor,
                   summary=_display_name(membership.user_id),
                   changes={"caseworker_id": [ref_name("caseworker", membership.caseworker_id),
                                              ref_name("caseworker", caseworker_id)]})
    membership.caseworker_id = caseworker_id


def be_caseworker(membership: Membership, caseworker_id: int, *, actor: Actor) -> None:
    """A caseworker member says they are one of the map's caseworkers (one no other member is:
    the form offers only those). Records "changed member" with {"caseworker_id": [before, after]}, by name."""
    _own(membership, actor)
    caseworker = db.session.get(Caseworker, caseworker_id)
    if caseworker is None or caseworker.map_id != membership.map_id:
        raise ValueError(f"caseworker {caseworker_id} is not on map {membership.map_id}")
    _link(membership, caseworker.id, actor=actor)


def add_self_as_caseworker(membership: Membership, *, name: str, role: str, agency_id: int | None,
                           new_agency: str = "", actor: Actor) -> Caseworker:
    """A caseworker member who is not listed adds themselves (and their agency, named in
    `new_agency`, when `agency_id` is None), and is linked to the new caseworker.

    Records, in order: "added agency" (when one is made: name, via "identity"), "added caseworker"
    (via "identity") and "changed member" (caseworker_id).
    """
    _own(membership, actor)
    journey_map = db.session.get(JourneyMap, membership.map_id)
    if agency_id is None:
        agency = people.add_agency(journey_map, new_agency, "other", actor=actor, note={"via": VIA_IDENTITY})
        agency_id = agency.id
    worker = people.add_caseworker(journey_map, actor=actor, note={"via": VIA_IDENTITY},
                                   name=name, role=role, agency_id=agency_id)
    _link(membership, worker.id, actor=actor)
    return worker


def take_over_from(membership: Membership, predecessor_id: int, *, name: str, role: str,
                   actor: Actor) -> Caseworker:
    """A caseworker member taking over from a caseworker who left with no successor recorded: they
    are added at that person's agency, linked, and recorded as the successor, with the handover not
    known until someone says what was passed on.

    Records, in order: "added caseworker" (via "taking_over"), "changed caseworker" (the one who
    left: successor, and handover when none was recorded) and "changed member" (caseworker_id).
    """
    _own(membership, actor)
    predecessor = db.session.get(Caseworker, predecessor_id)
    if (predecessor is None or predecessor.map_id != membership.map_id or predecessor.status != "left"
            or predecessor.successor_id is not None):
        raise ValueError(f"caseworker {predecessor_id} on map {membership.map_id} has no place to take over")
    journey_map = db.session.get(JourneyMap, membership.map_id)
    worker = people.add_caseworker(journey_map, actor=actor, note={"via": VIA_TAKING_OVER},
                                   name=name, role=role, agency_id=predecessor.agency_id)
    handover = {} if predecessor.handover else {"handover": "unknown"}
    people.update_caseworker(journey_map, predecessor, actor=actor, successor_id=worker.id, **handover)
    _link(membership, worker.id, actor=actor)
    return worker


# Invitations -----------------------------------------------------------------------------------


def new_code() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        code = f"{raw[:4]}-{raw[4:]}"
        if db.session.scalar(select(Invitation.id).where(Invitation.code == code)) is None:
            return code


def normalise_code(typed: str) -> str:
    """What people type from a projector: any case, with or without the dash or spaces."""
    raw = "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == CODE_LENGTH else raw


def create_invitation(journey_map: JourneyMap, role: str, *, hours: int, max_uses: int | None,
                      actor: Actor) -> Invitation:
    """An invitation to join as `role`, made by `actor`. Records "added invitation" with its role,
    expires_at and max_uses (None: any number). The code itself is a key to the map: it never goes
    into the history."""
    invitation = Invitation(
        map_id=journey_map.id, role=role, code=new_code(), created_by_id=_person(actor),
        expires_at=utcnow() + timedelta(hours=hours), max_uses=max_uses,
    )
    db.session.add(invitation)
    db.session.flush()
    history.record(journey_map.id, "added", "invitation", invitation.id, actor=actor,
                   summary=f"invitation for {role}",
                   changes={"role": role, "expires_at": invitation.expires_at, "max_uses": max_uses})
    return invitation


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why an invitation cannot be used now, in words for the person holding it; None if it can."""
    if invitation is None:
        return gettext("There is no invitation with that code. Check it against the screen and try again.")
    if invitation.revoked_at is not None:
        return gettext("This invitation has been withdrawn. Ask the facilitator for a new code.")
    if invitation.expires_at <= utcnow():
        return gettext("This invitation has expired. Ask the facilitator for a new code.")
    if invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        return gettext("This invitation has been used as many times as it allows. "
                       "Ask the facilitator for a new code.")
    journey_map = db.session.get(JourneyMap, invitation.map_id)  # a page listing invitations has it already
    if journey_map is not None and journey_map.closed_at is not None:
        return gettext("This map is closed, so no one can join it. Ask the facilitator.")
    return None


def revoke(invitation: Invitation, *, actor: Actor) -> bool:
    """Withdraw an invitation: its code and link stop working. Records "deleted invitation";
    False (nothing recorded) when it was already withdrawn."""
    if invitation.revoked_at is not None:
        return False
    invitation.revoked_at = utcnow()
    history.record(invitation.map_id, "deleted", "invitation", invitation.id, actor=actor,
                   summary=f"invitation for {invitation.role} withdrawn")
    return True
