"""Accounts to try the demo map with, one per role, sharing one generated password.

The password is made fresh for each installation (never shipped in the code) and written to
instance/demo-accounts.txt, readable by its owner only, so `scripts/run` can print it each time.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select

from journeymap.domain import accounts, members
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.models import Caseworker, JourneyMap

# (email, name, role on the demo map, name of the demo caseworker they are)
ACCOUNTS = (
    ("facilitator@demo.example.org", "Sam", "facilitator", None),
    ("rosa@demo.example.org", "Rosa", "caseworker", "Rosa"),
    ("family@demo.example.org", "Family R.", "family", None),
    ("leader@demo.example.org", "Lee", "viewer", None),
)


def create_demo_accounts(journey_map: JourneyMap, *, actor: Actor) -> str:
    """Make (or reuse) the demo accounts, put them on the map (each recorded in its history, by
    `actor`), and return their password."""
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    for email, name, role, caseworker_name in ACCOUNTS:
        user = accounts.account_with(email)
        if user is None:
            user = accounts.create_account(email, name, password)
        else:
            accounts.set_password(user, password)
        caseworker_id = None
        if caseworker_name:
            caseworker_id = db.session.scalar(select(Caseworker.id).where(
                Caseworker.map_id == journey_map.id, Caseworker.name == caseworker_name))
        members.add_member(journey_map, user, role, actor=actor, via=members.VIA_DEMO,
                           caseworker_id=caseworker_id)
    return password


def describe(password: str) -> str:
    lines = ["Demo accounts (all with the same password):"]
    lines += [f"  {role:<12} {email}" for email, _, role, _ in ACCOUNTS]
    lines.append(f"  password     {password}")
    return "\n".join(lines)


def save(instance_path: Path, password: str) -> Path:
    path = instance_path / "demo-accounts.txt"
    path.write_text(describe(password) + "\n")
    path.chmod(0o600)
    return path
