"""Members of a map and the invitations that let people join. Functions never commit."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from journeymap.auth import access
from journeymap.extensions import db
from journeymap.models import Invitation, JourneyMap, Membership, User
from journeymap.models.utctime import utcnow

# Codes are read off a projector and typed on a phone: no 0/O, 1/I/L, and grouped in fours.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11: guessing one is hopeless, even before codes expire


def add_member(
    journey_map: JourneyMap, user: User, role: str, caseworker_id: int | None = None
) -> Membership:
    membership = Membership(map_id=journey_map.id, user_id=user.id, role=role, caseworker_id=caseworker_id)
    db.session.add(membership)
    db.session.flush()
    return membership


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
    return access.can("manage_members", membership) and facilitator_count(membership.map_id) == 1


def members_held(map_id: int) -> None:
    """Take the map's row for writing before reading its memberships to decide from who its
    facilitators are, so two facilitators removing each other at the same moment are counted one
    after the other and the map keeps one. The revision goes up too: other members' pages refresh
    to their new roles."""
    db.session.execute(
        update(JourneyMap).where(JourneyMap.id == map_id).values(revision=JourneyMap.revision + 1),
        execution_options={"synchronize_session": False},
    )


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
                      created_by: User) -> Invitation:
    invitation = Invitation(
        map_id=journey_map.id, role=role, code=new_code(), created_by_id=created_by.id,
        expires_at=utcnow() + timedelta(hours=hours), max_uses=max_uses,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why an invitation cannot be used now, in words for the person holding it; None if it can."""
    if invitation is None:
        return "There is no invitation with that code. Check it against the screen and try again."
    if invitation.revoked_at is not None:
        return "This invitation has been withdrawn. Ask the facilitator for a new code."
    if invitation.expires_at <= utcnow():
        return "This invitation has expired. Ask the facilitator for a new code."
    if invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        return "This invitation has been used as many times as it allows. Ask the facilitator for a new code."
    return None


def redeem(invitation: Invitation, user: User) -> Membership | None:
    """Join the map; None when the last use went to someone else a moment ago.

    Someone already on the map keeps their role (an invitation never demotes anyone) and uses
    nothing. The use is counted with one conditional UPDATE, so two phones joining at the same
    moment cannot both take the last use, whichever worker process serves them.
    """
    existing = membership_of(invitation.map_id, user.id)
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
    membership = Membership(map_id=invitation.map_id, user_id=user.id, role=invitation.role)
    db.session.add(membership)
    db.session.flush()
    return membership


def revoke(invitation: Invitation) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
