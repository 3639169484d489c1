"""People who sign in, the browsers they are signed in on, and failed sign-ins per email."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from journeymap.extensions import db
from journeymap.models.utctime import utcnow


class User(UserMixin, db.Model):
    """One person. Logins are never shared: a workshop makes one account per person."""

    __tablename__ = "user_account"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, never the password
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a facilitator made the account with a one-time password: the person chooses
    # their own at first sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The last sign-in, or the last day the person used a session (written at most once a day:
    # see auth.sessions). Session rows go at sign-out, so they cannot say this alone.
    last_seen_at: Mapped[datetime | None]
    # Set by the retention rule after JOURNEYMAP_INACTIVE_ACCOUNT_DAYS without use: the account
    # cannot sign in until `flask accounts enable` clears it. Nothing of it is deleted.
    disabled_at: Mapped[datetime | None]
    # The language pages are shown in (a key of journeymap.i18n.LANGUAGES), chosen at sign-up or
    # join and changed from any page. None: the browser's (accounts made before there was a choice,
    # and those a facilitator makes for someone).
    language: Mapped[str | None] = mapped_column(String(8))

    # The raw token of the browser session this object was loaded for (see auth.sessions):
    # Flask-Login stores get_id() in the cookie, and the cookie must hold a revocable session
    # token rather than the user's id ("alternative tokens" in Flask-Login's documentation).
    session_token = None  # not a column: set by auth.sessions when the user is loaded

    def get_id(self) -> str | None:
        return self.session_token


class AuthSession(db.Model):
    """A browser signed in as a user. Deleting the row signs that browser out, on the server."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignInThrottle(db.Model):
    """Failed sign-ins per email address, known or not, so both get the same answer."""

    __tablename__ = "sign_in_throttle"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
