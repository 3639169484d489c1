"""Sign-in throttling per email address.

Counted per address whether or not an account has it, so a locked-out answer says nothing about
which addresses exist. Kept in the database so every worker process sees the same count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, literal, update
from sqlalchemy.exc import IntegrityError

from journeymap.extensions import db
from journeymap.models import SignInThrottle
from journeymap.utctime import utcnow


def _row(email: str) -> SignInThrottle | None:
    return db.session.get(SignInThrottle, email)


def locked_until(email: str) -> datetime | None:
    row = _row(email)
    if row is not None and row.locked_until is not None and row.locked_until > utcnow():
        return row.locked_until
    return None


def try_again_in(until: datetime) -> str:
    """"Try again in 12 minutes.": when a locked address may guess again, in whole minutes."""
    minutes = max(1, round((until - utcnow()).total_seconds() / 60))
    return f"Try again in {minutes} minute{'' if minutes == 1 else 's'}."


def record_failure(email: str) -> None:
    """Count one failed sign-in. Failures sent at the same moment are each counted, and two first
    failures for one address do not collide: guessing in parallel gains nothing."""
    now = utcnow()
    window = timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])
    if _row(email) is None:
        try:
            with db.session.begin_nested():
                db.session.add(SignInThrottle(email=email, failures=0, window_started_at=now))
        except IntegrityError:
            pass  # another request inserted it first; the UPDATE below counts on its row
    count = SignInThrottle
    at = count.window_started_at.type  # stored as UTC on every database
    expired = count.window_started_at < now - window
    counted = case((expired, 1), else_=count.failures + 1)
    # One UPDATE reads and writes the count, so the database orders simultaneous failures.
    db.session.execute(
        update(count).where(count.email == email).values(
            failures=counted,
            window_started_at=case((expired, literal(now, at)), else_=count.window_started_at),
            locked_until=case(
                (counted >= current_app.config["SIGN_IN_MAX_FAILURES"], literal(now + window, at)),
                (expired, None),
                else_=count.locked_until,
            ),
        ),
        execution_options={"synchronize_session": False},
    )


def record_success(email: str) -> None:
    row = _row(email)
    if row is not None:
        db.session.delete(row)
