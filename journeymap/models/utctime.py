"""Time on the server is UTC (the column type that keeps it so is in journeymap.extensions)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
