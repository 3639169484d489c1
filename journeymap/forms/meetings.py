"""The steering meeting's form: its day and who came. Labels and limits come from the
declaration (journeymap.kinds.items.MEETING)."""

from __future__ import annotations

from flask_wtf import FlaskForm

from journeymap.forms.commitments import DayField
from journeymap.forms.fields import Versioned, text
from journeymap.forms.items import DeclaredFields
from journeymap.i18n import lazily_translated
from journeymap.kinds.items import MEETING


def _text(name: str):
    declared = MEETING.field(name)
    return text(lazily_translated(declared.label), required=declared.required, maximum=declared.maximum,
                long=True, description=lazily_translated(declared.hint))


class MeetingForm(DeclaredFields, Versioned, FlaskForm):
    kind = MEETING
    held_on = DayField(lazily_translated(MEETING.field("held_on").label), required=True,
                       description=lazily_translated(MEETING.field("held_on").hint))
    attendees = _text("attendees")
