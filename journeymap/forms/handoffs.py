"""The handoff's forms: the item itself (made from its declaration), a step (received, accepted,
declined, completed, each dated), and the map's number of days before a handoff is dropped."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.validators import InputRequired, NumberRange

from journeymap.auth import access
from journeymap.bidi import isolate
from journeymap.clock import today
from journeymap.forms.commitments import DayField
from journeymap.forms.fields import Versioned, WholeNumberField, text
from journeymap.forms.items import DeclaredFields, SameAgency, declared_form, fill_references
from journeymap.i18n import lazily_translated
from journeymap.kinds.items import FAMILY, HANDOFF
from journeymap.readmodel.handoffs import DEFAULT_DAYS
from journeymap.readmodel.snapshot import MapView


class HandoffForm(SameAgency, DeclaredFields, declared_form(HANDOFF)):
    def __init__(self, *args, view: MapView, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        self.membership = membership
        fill_references(self, view)
        if self.channel.data is None:
            self.channel.data = ""  # "Not recorded", as the drop-down says it

    def validate_sent_on(self, field):
        # Dropped handoffs are counted from this day: without it there is nothing to count from.
        if field.data is None and not field.errors:
            raise ValidationError(gettext("Please give the day the family was sent on."))
        if field.data is not None and field.data > today():
            raise ValidationError(gettext("This day is still to come; give the day the family was sent on."))

    def validate_from_caseworker_id(self, field):
        self.same_agency(field, self.from_agency_id)

    def validate_to_caseworker_id(self, field):
        self.same_agency(field, self.to_agency_id)
        self._caseworker_involved(field)

    def _caseworker_involved(self, field) -> None:
        """A caseworker records handoffs from or to their own agency, or themselves."""
        if not access.works_as_caseworker(self.membership):
            return
        me = self.view.caseworker(self.membership.caseworker_id)
        if me is None:
            raise ValidationError(gettext("Say which of the map’s caseworkers you are first (on Journey)."))
        ends = {self.from_caseworker_id.data, self.to_caseworker_id.data}
        agencies = {self.from_agency_id.data, self.to_agency_id.data}
        agencies |= {getattr(self.view.caseworker(w), "agency_id", None) for w in ends}
        if me.id not in ends and (me.agency_id is None or me.agency_id not in agencies):
            agency = isolate(self.view.agency(me.agency_id).name) if me.agency_id else gettext("your agency")
            raise ValidationError(gettext(
                "You can record handoffs from or to yourself or %(agency)s; choose yourself or your agency "
                "at one end.", agency=agency))


STEP_WORDS = {  # lazy: shown in the language of the page that shows them
    "received": _l("Received"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "completed": _l("Completed"),
}


class StepForm(Versioned, FlaskForm):
    """One step of a handoff: the day, and for an answer who answered and why they declined."""

    on = DayField(_l("On"), required=True)
    by = text(lazily_translated(HANDOFF.field("answered_by").label),
              maximum=HANDOFF.field("answered_by").maximum,
              description=_l("Who said yes or no, by role, such as “intake worker”. Optional."))
    reason = text(lazily_translated(HANDOFF.field("decline_reason").label),
                  maximum=HANDOFF.field("decline_reason").maximum, long=True)

    def __init__(self, *args, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if self.on.data is None and not self.on.raw_data:
            self.on.data = today()

    def validate_on(self, field):
        if field.data is not None and field.data > today():
            raise ValidationError(gettext("This day is still to come; record a step once it has happened."))

    def validate(self, extra_validators=None):
        # Not a validate_reason: an empty optional field stops its validators before that runs.
        valid = super().validate(extra_validators)
        if self.step == "declined" and not self.reason.data and not self.reason.errors:
            self.reason.errors = [*self.reason.errors,
                                  gettext("Please say why they declined, so the group can find who should "
                                          "take it.")]
            return False
        return valid


class HandoffDaysForm(FlaskForm):
    days = WholeNumberField(
        lazily_translated(FAMILY.field("handoff_days").label),
        validators=[InputRequired(message=_l("Please give a number of days.")),
                    NumberRange(1, 365, _l("Enter a number of days from 1 to 365."))],
        description=_l("A handoff still waiting to be received after this many days is dropped. "
                       "Usually %(days)s.", days=DEFAULT_DAYS),
    )
