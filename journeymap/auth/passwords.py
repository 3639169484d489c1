"""Passwords are hashed with argon2id (argon2-cffi's PasswordHasher); the parameters come from config
so the test suite can use cheap ones."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10

_hashers: dict[tuple, PasswordHasher] = {}
_dummy_hashes: dict[tuple, str] = {}


def _params() -> tuple:
    return tuple(sorted(current_app.config.get("PASSWORD_HASH_PARAMS", {}).items()))


def _hasher() -> PasswordHasher:
    if (params := _params()) not in _hashers:
        _hashers[params] = PasswordHasher(**dict(params))  # argon2id is its default type
    return _hashers[params]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches. With no hash (unknown account) a real hash is still
    checked, so an unknown email takes as long to refuse as a wrong password."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _dummy_hash() -> str:
    if (params := _params()) not in _dummy_hashes:
        _dummy_hashes[params] = _hasher().hash("not anyone's password")
    return _dummy_hashes[params]
