"""Accounts unused for INACTIVE_ACCOUNT_DAYS are disabled, never deleted: a dormant login to a
family's data is a risk, and the person's name in the maps' histories must stay readable.

Last use is the latest of: the account's creation, its last sign-in or day of use (last_seen_at,
written by journeymap.auth.sessions at most once a day) and any of its sessions' last activity.
A disabled account cannot sign in and its sessions end; `flask accounts enable EMAIL` undoes it.

The only facilitator of an open map is disabled like anyone else (the rule is about the login,
not the map); the run names the open maps left with no facilitator who can sign in, so whoever
runs the installation can enable one again or have the map closed. Functions never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import delete, exists, or_, select, update

from journeymap import i18n
from journeymap.auth.access import CAPABILITIES
from journeymap.domain.retention import Rule
from journeymap.extensions import db
from journeymap.models import AuthSession, JourneyMap, Membership, RetentionRecord, User


@dataclass(frozen=True)
class DueAccount:
    user_id: int
    last_used: datetime


def _unused_since(cutoff: datetime):
    """The conditions of an account not used since `cutoff` (and not disabled already)."""
    recent_session = exists().where(AuthSession.user_id == User.id, AuthSession.last_active_at >= cutoff)
    return (User.disabled_at.is_(None), User.created_at < cutoff,
            or_(User.last_seen_at.is_(None), User.last_seen_at < cutoff), ~recent_session)


def accounts_due(rule: Rule, now: datetime) -> list[DueAccount]:
    cutoff = now - timedelta(days=rule.inactive_days)
    rows = db.session.execute(
        select(User.id, User.created_at, User.last_seen_at).where(*_unused_since(cutoff)).order_by(User.id)
    ).all()
    return [DueAccount(user_id, max(created, seen or created)) for user_id, created, seen in rows]


def disable(due: DueAccount, rule: Rule, now: datetime) -> RetentionRecord | None:
    """Disable the account and end its sessions; None if it was used (or disabled) meanwhile."""
    cutoff = now - timedelta(days=rule.inactive_days)
    done = db.session.execute(
        update(User).where(User.id == due.user_id, *_unused_since(cutoff)).values(disabled_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not done:
        return None
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == due.user_id))
    record = RetentionRecord(at=now, action="disabled", user_id=due.user_id,
                             counts={"days_unused": (now - due.last_used).days})
    db.session.add(record)
    return record


def enable(user: User, now: datetime) -> RetentionRecord | None:
    """Enable a disabled account. It counts as used now, or the next run would disable it again."""
    if user.disabled_at is None:
        return None
    user.disabled_at, user.last_seen_at = None, now
    record = RetentionRecord(at=now, action="enabled", user_id=user.id)
    db.session.add(record)
    return record


def disabled_message(user: User, rule: Rule) -> str:
    """What sign-in says, after the right password only: why, and who can undo it."""
    return gettext("This account was disabled on %(day)s after %(days)s days without use. Whoever runs "
                   "journeymap for your organisation can enable it again (with the command flask accounts "
                   "enable); then sign in as before.",
                   day=i18n.day(user.disabled_at), days=rule.inactive_days)


def open_maps_without_facilitator(also_disabled: set[int] = frozenset()) -> list[int]:
    """Open maps on which no one who can sign in may close the map: nobody could ever start the
    retention clock on them. `also_disabled`: accounts to count as disabled (a dry run's)."""
    facilitator = (
        select(Membership.id).join(User, User.id == Membership.user_id)
        .where(Membership.map_id == JourneyMap.id, Membership.role.in_(CAPABILITIES["close_map"]),
               User.disabled_at.is_(None), User.id.not_in(also_disabled))
    )
    return list(db.session.scalars(
        select(JourneyMap.id).where(JourneyMap.closed_at.is_(None), ~facilitator.exists())
        .order_by(JourneyMap.id)
    ))
