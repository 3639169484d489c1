"""Forms for members, invitations and joining a map."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from journeymap.auth.access import ROLE_CHOICES, ROLE_OFFERED_FIRST
from journeymap.forms import WholeNumberField, options, text
from journeymap.forms.accounts import email_field
from journeymap.forms.fields import word_options
from journeymap.readmodel.turnover import left_without_successor

TAKING_OVER = "over:"  # a choice of "Which of these is you?": over:<id of the one who left>
EXPIRY_CHOICES = [
    ("2", _l("2 hours")), ("8", _l("8 hours (a workshop day)")), ("24", _l("1 day")), ("168", _l("1 week")),
]


class InvitationForm(FlaskForm):
    role = SelectField(_l("Joins as"), choices=word_options(ROLE_CHOICES), default=ROLE_OFFERED_FIRST)
    hours = SelectField(_l("Can be used for"), choices=options(EXPIRY_CHOICES), default="8")
    max_uses = WholeNumberField(
        _l("How many people may join with it"),
        validators=[Optional(), NumberRange(1, 500, _l("Enter a number from 1 to 500, or leave it empty."))],
        description=_l("Leave empty for anyone in the room."),
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=word_options(ROLE_CHOICES))


class NewAccountForm(FlaskForm):
    """A facilitator makes an account for someone joining a workshop (e.g. without a phone)."""

    display_name = text(_l("Their name"), required=True, maximum=120)
    email = email_field()
    role = SelectField(_l("Role on this map"), choices=word_options(ROLE_CHOICES), default=ROLE_OFFERED_FIRST)


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code on the screen"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[DataRequired(message=_l("Type the code shown on the screen.")),
                    Length(max=40, message=_l("A code is 8 letters and numbers, like ABCD-2345."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )



class IdentityForm(FlaskForm):
    """A caseworker says which of the map's caseworkers they are, or adds themselves."""

    caseworker_id = SelectField(_l("Which of these is you?"), choices=[])
    name = text(_l("Your name as the family knows you"), maximum=200)
    role = text(_l("Your role"), maximum=200,
                description=_l("For example: housing caseworker, school nurse."))
    agency_id = SelectField(_l("Your agency"), choices=[])
    new_agency = text(_l("Or the name of your agency, if it is not listed"), maximum=200)

    def __init__(self, *args, view, taken_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        free = [w for w in view.caseworkers if w.id not in set(taken_ids)]
        # Those still in post first; someone who has left is said to have left, so a newcomer does
        # not take a departed colleague's place by mistake (they add themselves instead).
        free.sort(key=lambda w: w.has_left)
        # Someone who left with nobody recorded as taking over may be who this newcomer replaces.
        self.taking_over = {f"{TAKING_OVER}{w.id}": w.id for w in left_without_successor(view)}
        self.caseworker_id.choices = options(
            [("new", _("I am not listed: add me"))]
            + [(key, _("I am taking over from %(who)s", who=_who_at(view, i)))
               for key, i in self.taking_over.items()]
            + [(str(w.id), _("%(name)s (has left)", name=w.display_name) if w.has_left else w.display_name)
               for w in free]
        )
        self.agency_id.choices = options([("", _("Choose…"))] + [(str(a.id), a.name) for a in view.agencies])

    @property
    def predecessor_id(self) -> int | None:
        """Whom they are taking over from, when they chose "I am taking over from …"."""
        return self.taking_over.get(self.caseworker_id.data)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        adding = self.caseworker_id.data == "new" or self.predecessor_id is not None
        if adding and not self.name.data and not self.role.data:
            self.role.errors = [*self.role.errors, _("Give your name, your role, or both.")]
            valid = False
        if self.caseworker_id.data == "new" and not self.agency_id.data and not self.new_agency.data:
            self.agency_id.errors = [*self.agency_id.errors, _("Choose your agency or type its name.")]
            valid = False
        return valid


def _who_at(view, caseworker_id: int) -> str:
    """ "Ada, intake worker (County Housing)": who someone was, and where."""
    worker = view.caseworker(caseworker_id)
    agency = view.agency(worker.agency_id)
    who = worker.display_name or _("a caseworker")
    return f"{who} ({agency.name})" if agency else who
