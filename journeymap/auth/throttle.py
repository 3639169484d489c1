"""Sign-in throttling per email address.

Counted per address whether or not an account has it, so a locked-out answer says nothing about
which addresses exist. Kept in the database so every worker process sees the same count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from journeymap.extensions import db
from journeymap.models import SignInThrottle
from journeymap.utctime import utcnow


def locked_until(email: str) -> datetime | None:
    row = db.session.get(SignInThrottle, email)
    if row is not None and row.locked_until is not None and row.locked_until > utcnow():
        return row.locked_until
    return None


def record_failure(email: str) -> None:
    now = utcnow()
    window = timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])
    row = db.session.get(SignInThrottle, email)
    if row is None:
        row = SignInThrottle(email=email, failures=0, window_started_at=now)
        db.session.add(row)
    if now - row.window_started_at > window:
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= current_app.config["SIGN_IN_MAX_FAILURES"]:
        row.locked_until = now + window


def record_success(email: str) -> None:
    row = db.session.get(SignInThrottle, email)
    if row is not None:
        db.session.delete(row)
