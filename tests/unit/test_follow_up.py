"""The overdue rule and the order of "What I said I would do", with "today" passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from journeymap.readmodel import follow_up

TODAY = date(2026, 12, 7)


@dataclass
class Made:
    id: int
    status: str = "open"
    due_on: date | None = None


@pytest.mark.parametrize(("status", "due_on", "overdue"), [
    ("open", date(2026, 12, 6), True),  # yesterday
    ("open", date(2025, 1, 1), True),
    ("open", TODAY, False),  # due today is not yet late
    ("open", date(2026, 12, 8), False),
    ("open", None, False),  # no date, nothing to be late for
    ("done", date(2026, 12, 1), False),  # kept, even if late
    ("handed_on", date(2026, 12, 1), False),
])
def test_overdue_means_open_and_its_day_has_passed(status, due_on, overdue):
    assert follow_up.is_overdue(Made(1, status, due_on), TODAY) is overdue


def test_the_same_commitment_becomes_overdue_when_the_day_passes():
    made = Made(1, due_on=date(2026, 12, 10))
    assert not follow_up.is_overdue(made, date(2026, 12, 10))
    assert follow_up.is_overdue(made, date(2026, 12, 11))


def test_overdue_first_then_by_date_then_no_date():
    items = [Made(1, due_on=None), Made(2, due_on=date(2026, 12, 20)), Made(3, due_on=date(2026, 12, 1)),
             Made(4, due_on=date(2026, 11, 1)), Made(5, due_on=date(2026, 12, 9))]
    assert [m.id for m in follow_up.overdue_first(items, TODAY)] == [4, 3, 5, 2, 1]


def test_age_counts_whole_days_and_never_goes_negative():
    assert follow_up.age_in_days(datetime(2026, 11, 30, 23, 0, tzinfo=UTC), TODAY) == 7
    assert follow_up.age_in_days(datetime(2026, 12, 8, tzinfo=UTC), TODAY) == 0


def test_a_date_in_the_past_is_past_and_today_is_not():
    assert follow_up.is_past(date(2026, 12, 6), TODAY)
    assert not follow_up.is_past(TODAY, TODAY)
    assert not follow_up.is_past(None, TODAY)
