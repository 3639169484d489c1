"""Commitments and progress entries are declared like the other kinds (journeymap.kinds.items):
every column declared with a privacy class, and every typed field with words in the history."""

from __future__ import annotations

import pytest
from sqlalchemy import Date, String, Text

from journeymap.kinds import wording
from journeymap.kinds.fields import Privacy, Type
from journeymap.kinds.items import BARRIER, FOLLOW_UP_KINDS

kinds = pytest.mark.parametrize("kind", list(FOLLOW_UP_KINDS.values()), ids=list(FOLLOW_UP_KINDS))


@kinds
def test_every_column_is_declared_with_its_type_and_limit(kind):
    columns = kind.model.__table__.columns
    assert set(columns.keys()) - {"map_id"} == {f.name for f in kind.fields}
    for field in kind.fields:
        column = columns[field.name]
        assert isinstance(field.privacy, Privacy)
        if field.type is Type.TEXT:
            assert isinstance(column.type, String) and column.type.length == field.maximum, field.name
        if field.type is Type.LONG_TEXT:
            assert isinstance(column.type, Text), field.name
        if field.type is Type.DATE:
            assert isinstance(column.type, Date), field.name


@kinds
def test_every_typed_field_has_words_in_the_history(kind):
    for field in kind.content:
        assert wording.label(kind.name, field.name) == field.label != field.name


def test_the_owners_answer_has_words_in_the_history():
    for name in ("owner_answer", "owner_answered_by", "decline_reason"):
        assert BARRIER.has(name) and wording.label("barrier", name) != name
    assert wording.shown("barrier", "owner_answer", "declined") == "Declined"
    assert wording.label("barrier", "owner") == "Owner"


ABOUT_A_PERSON = {"who_text"}  # who does it, in words: may be a name, so it never leaves the room


@kinds
def test_typed_text_leaves_the_room_only_once_checked_and_never_who_it_is(kind):
    typed = [f for f in kind.content if f.type in (Type.TEXT, Type.LONG_TEXT)]
    assert typed
    for f in typed:
        expected = Privacy.REMOVED if f.name in ABOUT_A_PERSON else Privacy.CHECKED
        assert f.privacy is expected, f.name


def test_a_meeting_is_declared_column_by_column_with_words_in_the_history():
    from journeymap.kinds.items import MEETING

    columns = MEETING.model.__table__.columns
    assert set(columns.keys()) - {"map_id"} == {f.name for f in MEETING.fields}
    for field in MEETING.content:
        assert wording.label("meeting", field.name) == field.label != field.name
    # Who came is by role and agency, about the services: kept, like a caseworker's role.
    assert MEETING.field("attendees").privacy is Privacy.SERVICE
    assert MEETING.field("held_on").type is Type.DATE and isinstance(columns["held_on"].type, Date)
