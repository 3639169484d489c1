"""Settings: defaults here, overridden by the environment, then by a test's mapping."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: Path) -> str:
    """A per-installation secret kept in instance/, so no key ships with the code."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{instance_path / 'journeymap.sqlite3'}"
    return {
        "SECRET_KEY": os.environ.get("JOURNEYMAP_SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or default_db,
        # Seconds one dot run may take before it is stopped; a stuck layout must never hang a worker.
        "DOT_TIMEOUT": float(os.environ.get("JOURNEYMAP_DOT_TIMEOUT", "10")),
        "DOT_BINARY": os.environ.get("JOURNEYMAP_DOT", "dot"),
        "WTF_CSRF_TIME_LIMIT": None,  # a workshop form may stay open for hours
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    }
