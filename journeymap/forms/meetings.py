"""The steering meeting's form: its day and who came. Labels and limits come from the
declaration (journeymap.kinds.items.MEETING)."""

from __future__ import annotations

from flask_wtf import FlaskForm

from journeymap.forms.commitments import DayField
from journeymap.forms.fields import Versioned, text
from journeymap.forms.items import DeclaredFields
from journeymap.kinds.items import MEETING


def _text(name: str):
    declared = MEETING.field(name)
    return text(declared.label, required=declared.required, maximum=declared.maximum, long=True,
                description=declared.hint)


class MeetingForm(DeclaredFields, Versioned, FlaskForm):
    kind = MEETING
    held_on = DayField(MEETING.field("held_on").label, required=True,
                       description=MEETING.field("held_on").hint)
    attendees = _text("attendees")
