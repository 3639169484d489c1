"""Server-side sign-in sessions.

The session cookie (Flask's signed cookie, via Flask-Login) holds only a random token; the
database holds its hash. Signing out deletes the row, so a copied cookie stops working at once.
Idle time is measured from the last request that was not a background live check, so an open
tab does not keep a session alive forever. The account's last_seen_at (for the inactive-account
rule, journeymap.domain.inactive_accounts) is written at sign-in and once a day of use.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from flask import current_app, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, or_, select, update

from journeymap.extensions import db, login_manager
from journeymap.models import AuthSession, User
from journeymap.models.utctime import utcnow

ACTIVE_KEY = "active_at"  # in the signed cookie: when this browser was last used (epoch seconds)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(user: User) -> None:
    """Start a new session: a fresh token (never the one from before sign-in) and a clean cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(AuthSession(token_hash=_digest(token), user_id=user.id))
    session.clear()
    user.session_token = token
    user.last_seen_at = utcnow()  # committed with the new session row
    login_user(user)
    session[ACTIVE_KEY] = int(time.time())


def sign_out(user: User | None) -> None:
    if user is not None and user.session_token:
        db.session.execute(delete(AuthSession).where(AuthSession.token_hash == _digest(user.session_token)))
    logout_user()
    session.clear()


def sign_out_everywhere(user: User) -> None:
    """After a password change: every other browser signed in as this user is signed out."""
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))


# Requests that are not the person doing something: an open page's background live check, and
# the health probes (which must neither load a user nor write a session).
BACKGROUND_ENDPOINTS = {"live.check", "static", "health.healthz", "health.readyz"}


def note_activity(response):
    """After each request by a signed-in person: they were active now (background checks aside)."""
    background = request.endpoint in BACKGROUND_ENDPOINTS or "X-Live-Refresh" in request.headers
    if not background and current_user.is_authenticated:
        session[ACTIVE_KEY] = int(time.time())
    return response


def unauthorized():
    """Not signed in (or the session ended). htmx gets a 401 its page explains without losing the
    form's text; a browser goes to the sign-in page and comes back afterwards."""
    if request.htmx:
        return render_template("auth/signed_out.html"), 401
    target = request.full_path if request.method == "GET" else request.referrer
    return redirect(url_for("auth.sign_in", next=safe_next(target)))


def safe_next(target: str | None) -> str | None:
    """Only a path on this site may be a place to return to (no open redirect)."""
    if not target:
        return None
    if target.startswith(request.host_url):
        target = "/" + target[len(request.host_url):]
    # Browsers drop tabs and line breaks and read "\\" as "/", so "/\t/evil" and "/\\evil" would
    # leave the site; any such character, or a second leading slash, means "not a local path".
    if any(ch in target for ch in "\\\t\r\n") or any(ord(ch) < 32 for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    return target.rstrip("?")



class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user whose session this cookie's token names, unless it has ended or gone idle."""
    row = db.session.scalar(select(AuthSession).where(AuthSession.token_hash == _digest(token)))
    if row is None:
        return None
    idle = time.time() - session.get(ACTIVE_KEY, 0)
    too_old = utcnow() - row.created_at > timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if idle > current_app.config["IDLE_TIMEOUT_MINUTES"] * 60 or too_old:
        # Ended here, on the server, not just forgotten by the browser. Committed by itself:
        # this runs while loading the user, before any view's own transaction.
        db.session.delete(row)
        db.session.commit()
        return None
    user = db.session.get(User, row.user_id)
    if user is None or user.disabled_at is not None:  # the retention rule ends its sessions too
        return None
    user.session_token = token
    _note_seen(user)
    return user


# How often a person's use of a session is written to their account: the inactive-account rule
# counts days, and a write per request would cost every request a commit.
SEEN_EVERY = timedelta(days=1)


def _note_seen(user: User) -> None:
    """The account was used today: written once a day at most, by a conditional UPDATE committed
    by itself (as above: before any view's own transaction)."""
    now = utcnow()
    if user.last_seen_at is not None and now - user.last_seen_at < SEEN_EVERY:
        return
    db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.last_seen_at.is_(None), User.last_seen_at < now - SEEN_EVERY))
        .values(last_seen_at=now).execution_options(synchronize_session=False)
    )
    db.session.commit()
