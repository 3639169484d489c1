"""Password guesses per email address: at most SIGN_IN_MAX_FAILURES in a window.

Counted per address whether or not an account has it, so a locked-out answer says nothing about
which addresses exist. Kept in the database so every worker process sees the same count.

Each attempt is counted before its password is checked, and the count is committed before the
slow hash check starts: guesses sent in parallel are each counted, and only the first
SIGN_IN_MAX_FAILURES of them are checked at all. A right password then clears the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import case, literal
from sqlalchemy.dialects import postgresql, sqlite

from journeymap.extensions import db
from journeymap.models import SignInThrottle
from journeymap.models.utctime import utcnow

# The two databases journeymap runs on; both have INSERT … ON CONFLICT DO UPDATE … RETURNING.
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class Attempt:
    allowed: bool  # False: too many guesses with this address; do not check the password
    locked_until: datetime | None


def count_attempt(email: str) -> Attempt:
    """Count one password attempt for `email`, in one statement the database orders against any
    other attempt at the same moment. The caller commits before checking the password."""
    now = utcnow()
    window = timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])
    limit = current_app.config["SIGN_IN_MAX_FAILURES"]
    throttle = SignInThrottle
    utc = throttle.window_started_at.type  # literals need it to be stored as UTC on every database
    # A window starts again once it is over and any lock it led to has ended.
    over = (throttle.window_started_at < now - window) & (
        throttle.locked_until.is_(None) | (throttle.locked_until <= now))
    counted = case((over, 1), else_=throttle.failures + 1)
    insert = _INSERT[db.session.get_bind().dialect.name](throttle)
    statement = insert.values(
        email=email, failures=1, window_started_at=now,
        locked_until=now + window if limit <= 1 else None,
    ).on_conflict_do_update(
        index_elements=[throttle.email],
        set_={
            "failures": counted,
            "window_started_at": case((over, literal(now, utc)), else_=throttle.window_started_at),
            # The attempt that reaches the limit starts the lock; later ones do not prolong it.
            "locked_until": case(
                (counted == limit, literal(now + window, utc)),
                (over, None),
                else_=throttle.locked_until,
            ),
        },
    ).returning(throttle.failures, throttle.locked_until)
    failures, locked_until = db.session.execute(statement).one()
    return Attempt(allowed=failures <= limit, locked_until=locked_until)


def try_again_in(until: datetime | None) -> str:
    """"Try again in 12 minutes.": when a locked address may guess again, in whole minutes."""
    if until is None:  # the limit was lowered while this address was over it
        until = utcnow() + timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])
    minutes = max(1, round((until - utcnow()).total_seconds() / 60))
    return ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes)


def record_success(email: str) -> None:
    """The right password: the count starts again."""
    row = db.session.get(SignInThrottle, email)
    if row is not None:
        db.session.delete(row)
