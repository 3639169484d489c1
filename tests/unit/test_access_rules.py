"""The role rules of journeymap/auth/access.py, role by role: what routes, forms and templates ask."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from journeymap.auth import access


def member(role: str, caseworker_id: int | None = None):
    return SimpleNamespace(role=role, caseworker_id=caseworker_id, user_id=1, map_id=1)


@pytest.mark.parametrize(
    ("role", "pinned", "from_family"),
    [
        ("facilitator", False, False),
        ("family", False, True),
        ("caseworker", True, False),
        ("contributor", False, False),
        ("viewer", False, False),
    ],
)
def test_rules_by_role(role, pinned, from_family):
    m = member(role)
    assert access.works_as_caseworker(m) is pinned
    assert access.touchpoints_are_pinned_to_self(m) is pinned
    assert access.owner_choices_limited_to_self(m) is pinned
    assert access.must_say_which_caseworker(m) is pinned  # no caseworker said yet
    assert access.marks_from_family(m) is from_family


def test_no_membership_has_no_rules():
    for rule in (access.works_as_caseworker, access.touchpoints_are_pinned_to_self,
                 access.owner_choices_limited_to_self, access.must_say_which_caseworker,
                 access.marks_from_family):
        assert rule(None) is False


def test_a_caseworker_who_said_who_they_are_need_not_say_again_unless_that_record_went():
    said = member("caseworker", caseworker_id=7)
    assert not access.must_say_which_caseworker(said)
    view_with_them = SimpleNamespace(caseworker=lambda i: object() if i == 7 else None, closed_at=None)
    view_without = SimpleNamespace(caseworker=lambda i: None, closed_at=None)
    assert not access.must_say_which_caseworker(said, view_with_them)
    assert access.must_say_which_caseworker(said, view_without)


def test_a_caseworker_on_a_closed_map_is_not_asked_who_they_are():
    """A closed map takes nothing new: nothing is added in their name, so the question is not put."""
    closed_view = SimpleNamespace(caseworker=lambda i: None, closed_at=datetime(2026, 1, 2, tzinfo=UTC))
    assert not access.must_say_which_caseworker(member("caseworker"), closed_view)


def test_the_named_roles_are_roles():
    assert access.ROLE_OF_WHOEVER_STARTS_A_MAP in access.ROLES
    assert access.ROLE_OF_WHOEVER_STARTS_A_MAP in access.CAPABILITIES["manage_members"]
    assert access.ROLE_OFFERED_FIRST in access.ROLES
