"""Accounts: the one way to make one, and the ways its password changes. Functions never commit.

An account belongs to no map, so nothing here writes a map's history: putting an account on a map
is journeymap.domain.members, which records it there.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from journeymap.auth import passwords
from journeymap.extensions import db
from journeymap.models import User

# Words for one-time passwords a facilitator reads out or writes on a card.
_WORDS = [
    "river", "maple", "candle", "harbor", "lantern", "meadow", "pepper", "violet", "copper", "orchard",
    "falcon", "willow", "garden", "silver", "thunder", "pebble", "saddle", "cobalt", "juniper", "marble",
]


def one_time_password() -> str:
    # About 26 bits, typed once (the person chooses their own at first sign-in), and sign-in
    # allows a handful of tries per quarter hour.
    return "-".join(secrets.choice(_WORDS) for _ in range(3)) + f"-{secrets.randbelow(9000) + 1000}"


def normalise_email(email: str) -> str:
    """Accounts keep their email lower-case, so one address is one account whatever its case."""
    return email.strip().lower()


def account_with(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_account(email: str, display_name: str, password: str, *, must_change_password: bool = False,
                   created_by: User | None = None, language: str | None = None) -> User:
    """A new account, with its password hashed (argon2id); its id is set. The caller has checked
    that no account has this email: the unique constraint is the last word if two race."""
    user = User(
        email=normalise_email(email), display_name=display_name,
        password_hash=passwords.hash_password(password),
        must_change_password=must_change_password,
        created_by_id=created_by.id if created_by is not None else None,
        language=language,
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, display_name: str, password: str, language: str | None = None) -> None:
    """Someone signs up: an account is made unless the email already has one, and nothing tells
    them which happened (the caller answers the same either way), so sign-up cannot be used to
    learn who has an account. Both ways hash the password once with the same parameters, so
    they also take about as long: the hash is nearly all of the time. An existing account keeps
    its language: the person changes it once signed in."""
    if account_with(email) is not None:
        passwords.hash_password(password)  # the work of making one, thrown away: see above
        return
    try:
        with db.session.begin_nested():
            create_account(email, display_name, password, language=language)
    except IntegrityError:
        pass  # the same email signed up a moment ago, in another request: it has its account


def set_password(user: User, password: str, *, must_change_password: bool = False) -> None:
    """A new password: one the person chose (the flag is cleared) or one given to them."""
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = must_change_password


def set_language(user: User, language: str) -> None:
    """The language the person reads journeymap in from now on (a key of journeymap.i18n.LANGUAGES)."""
    user.language = language


def upgrade_hash(user: User, password: str) -> None:
    """After a successful sign-in: rehash with today's parameters if the stored hash used older ones."""
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
