"""The owner's answer and their commitment: decline with a reason, the next step (what, who, by
when), a progress entry, done with what changed. Labels and limits come from the declarations
(journeymap.kinds.items), so the forms, the history and the pages say the same."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, ValidationError
from wtforms.widgets import DateInput

from journeymap.forms.fields import Versioned, options, text
from journeymap.i18n import lazily_translated, translated
from journeymap.kinds.items import BARRIER, COMMITMENT, PROGRESS
from journeymap.readmodel.snapshot import MapView

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # a typo's year, not a plan


def _text(kind, name: str, **kw):
    declared = kind.field(name)
    return text(lazily_translated(declared.label), required=declared.required or kw.pop("required", False),
                maximum=declared.maximum, description=lazily_translated(declared.hint), **kw)


class DayField(Field):
    """A calendar day as a date input sends it (2026-12-18). An impossible day (30 February), a
    day in another century or anything else gets a message beside the field, never an error page."""

    widget = DateInput()

    def __init__(self, label: str, *, required: bool = False, **kw):
        super().__init__(label, **kw)
        self.required = required
        self.flags.required = required

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        try:
            self.data = date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            self.data = None
        if self.data is None:
            raise ValueError(gettext("“%(typed)s” is not a day of the calendar. Enter a day such as "
                                     "2026-12-18.", typed=raw[:40]))
        if not EARLIEST <= self.data <= LATEST:
            self.data = None
            raise ValueError(gettext("Enter a day between the years 2000 and 2099."))

    def pre_validate(self, form):
        if self.required and self.data is None and not self.process_errors:
            raise ValidationError(gettext("Please give the day."))


class AnswerForm(Versioned, FlaskForm):
    """Accept, or hand on: the button is the whole form (with the version its author saw)."""


class DeclineForm(Versioned, FlaskForm):
    reason = _text(BARRIER, "decline_reason", required=True, long=True)


def who_choices(view: MapView) -> list:
    worker = [(str(c.id), c.display_name or gettext("Caseworker"))
              for c in view.caseworkers if not c.has_left]
    return options([("", translated(COMMITMENT.field("who_caseworker_id").blank)), *worker])


class CommitmentForm(Versioned, FlaskForm):
    next_step = _text(COMMITMENT, "next_step", long=True)
    who_caseworker_id = SelectField(lazily_translated(COMMITMENT.field("who_caseworker_id").label),
                                    choices=[], validate_choice=False)
    who_text = _text(COMMITMENT, "who_text")
    due_on = DayField(lazily_translated(COMMITMENT.field("due_on").label),
                      description=lazily_translated(COMMITMENT.field("due_on").hint))

    def __init__(self, *args, view: MapView, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        self.who_caseworker_id.choices = who_choices(view)

    def validate_who_caseworker_id(self, field):
        if field.data and self.worker_id() is None:
            raise ValidationError(gettext("Choose one of this map’s caseworkers, or none."))

    def worker_id(self) -> int | None:
        raw = self.who_caseworker_id.data or ""
        if raw.isascii() and raw.isdigit() and len(raw) <= 9 and self.view.caseworker(int(raw)):
            return int(raw)
        return None

    def fields(self) -> dict:
        return {"next_step": self.next_step.data, "who_caseworker_id": self.worker_id(),
                "who_text": self.who_text.data or "", "due_on": self.due_on.data}


class ProgressForm(FlaskForm):
    on_date = DayField(PROGRESS.field("on_date").label, required=True)
    what_was_done = _text(PROGRESS, "what_was_done", long=True)
    what_is_blocking = _text(PROGRESS, "what_is_blocking", long=True)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # An empty field stops its own validators (Optional), so "one of the two" is checked here.
        if not (self.what_was_done.data or self.what_is_blocking.data):
            self.what_was_done.errors = [*self.what_was_done.errors, PROGRESS.one_of_message]
            return False
        return valid


class DoneForm(Versioned, FlaskForm):
    what_changed = _text(COMMITMENT, "what_changed", required=True, long=True)
