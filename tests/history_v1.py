"""The history as it was written before field names were stored (form labels as keys), and the
migration that read it to fill Barrier.owner_recorded_at, for the tests of that reading."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import journeymap

_MIGRATION = (Path(journeymap.__file__).parent / "migrations" / "versions"
              / "5b1e0c7d2a91_barrier_owner_recorded_at.py")


def _load_migration():
    spec = importlib.util.spec_from_file_location("owner_recorded_at_migration", _MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


migration = _load_migration()


@dataclass(frozen=True)
class HistoryFact:
    """One "added" or "changed" entry of a barrier, as the migration reads it."""

    barrier_id: int
    action: str
    at: datetime
    changes: dict


def owners_recorded(facts) -> dict[int, datetime]:
    """What the migration fills in, from these entries."""
    return migration.owners_recorded([(f.barrier_id, f.action, f.at, f.changes) for f in facts])
