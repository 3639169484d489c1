"""One column value to JSON and back, the same whichever database it came from or goes to.

Written from the value the database driver hands back (its column type decided that); read back by
the column type of the database being restored, which is what decides how the value must be bound.
Times are ISO 8601 in UTC with their offset: SQLite keeps UTC without one (extensions.UTCDateTime),
PostgreSQL keeps the zone, and an archive from either restores into the other.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, LargeBinary, Numeric, Time
from sqlalchemy.types import TypeEngine


class BadValue(ValueError):
    """A value in the archive that its column cannot hold."""


def to_json(value):
    """The archive's form of a value read from a table."""
    if isinstance(value, datetime):
        # A time without an offset is UTC: that is how journeymap stores every time on SQLite.
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value  # None, bool, int, float, str, and JSON documents as they are


def from_json(column_type: TypeEngine, value):
    """The value to bind to a column of `column_type` for the archive's form `value`."""
    if value is None:
        return None
    try:
        return _typed(column_type, value)
    except (TypeError, ValueError) as exc:
        raise BadValue(f"{value!r} is not a {column_type}") from exc


def _typed(column_type: TypeEngine, value):
    if isinstance(column_type, DateTime):
        moment = datetime.fromisoformat(value)
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        # A column without a zone (every time column on SQLite) takes UTC without an offset.
        return moment if column_type.timezone else moment.replace(tzinfo=None)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Time):
        return time.fromisoformat(value)
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(column_type, Boolean):
        if not isinstance(value, bool):
            raise TypeError(value)
        return value
    if isinstance(column_type, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(value)
        return value
    if isinstance(column_type, Numeric) and not isinstance(column_type, Float):
        return Decimal(value)
    return value
