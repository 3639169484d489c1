"""The rules of following up on a commitment, as pure functions of a commitment and a day.

"Today" is always passed in (journeymap.clock.today() in a request), so a test can say which day
it is without waiting for one to pass, and every page of one request agrees on the day.
"""

from __future__ import annotations

from datetime import date


def is_overdue(commitment, today: date) -> bool:
    """Open, with a date, and that date has passed: the day itself is not yet overdue."""
    return commitment.status == "open" and commitment.due_on is not None and commitment.due_on < today


def overdue_first(commitments, today: date) -> list:
    """Overdue first (longest overdue first), then the rest by date (no date last), then oldest."""
    return sorted(commitments, key=lambda c: order_key(c, today))


def order_key(commitment, today: date) -> tuple:
    """The sort key of overdue_first, for lists that hold a commitment beside other things."""
    late = is_overdue(commitment, today)
    return (not late, commitment.due_on is None, commitment.due_on or date.max, commitment.id)


def age_in_days(created_at, today: date) -> int:
    """How many days ago a commitment was made (0 on the day)."""
    return max(0, (today - created_at.date()).days) if created_at is not None else 0


def is_past(day: date | None, today: date) -> bool:
    """A next step's date already behind us when it is set: allowed, and the page says so."""
    return day is not None and day < today
