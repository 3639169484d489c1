"""The forms for the items of a map, made from their kinds' declarations (journeymap.kinds.items):
a declared field becomes a form field with its label, help, limits and choices, so a field added
to a kind is in its form at once. What a form adds by hand is a rule across fields (a caseworker
at another agency) and the choices that come from the map being edited, so an id from another map
is simply not a valid choice."""

from __future__ import annotations

from flask import g
from flask_babel import LazyString, format_number, gettext
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, ValidationError
from wtforms.validators import NumberRange, Optional

from journeymap.auth import access
from journeymap.bidi import isolate
from journeymap.forms.commitments import DayField
from journeymap.forms.fields import (
    MultiCheckboxField,
    Versioned,
    WholeNumberField,
    optional_int,
    options,
    text,
    word_options,
)
from journeymap.i18n import lazily_translated, translated
from journeymap.kinds import vocab
from journeymap.kinds.fields import Field, Kind, Type
from journeymap.kinds.items import AGENCY, BARRIER, CASEWORKER, FAMILY, MEMBER, STAGE, TOUCHPOINT
from journeymap.readmodel.snapshot import MapView


class _Feeling(LazyString):
    """"+1 Helped": the sign, then the feeling in the page's language."""

    def __init__(self, value: int, text: str):
        super().__init__(lambda: f"{value:+d} {translated(text)}")


FEELING_CHOICES = [("", "Not said")] + [(value, _Feeling(value, text)) for value, text in vocab.FEELINGS]
# How the choices of a vocabulary are shown, where that is not just their labels.
SHOWN_CHOICES = {("touchpoint", "feeling"): FEELING_CHOICES}


def form_field(kind: Kind, name: str, **overrides):
    """The WTForms field for a declared field; `overrides` change its label or help. Label, help
    and choices are the declaration's English, shown in the page's language."""
    declared = kind.field(name)
    label = lazily_translated(overrides.get("label", declared.label))
    hint = lazily_translated(overrides.get("hint", declared.hint))
    kw = {"description": hint} if hint else {}
    if declared.type in (Type.TEXT, Type.LONG_TEXT):
        return text(label, required=declared.required, maximum=declared.maximum,
                    long=declared.type is Type.LONG_TEXT, **kw)
    if declared.type is Type.CHOICE:
        return _choice_field(kind, declared, label, kw)
    if declared.type is Type.FLAG:
        return BooleanField(label, default=bool(declared.default), **kw)
    if declared.type is Type.NUMBER:
        message = LazyString(lambda: gettext(
            "Enter a number of %(unit)s from %(low)s to %(high)s.", unit=translated(declared.unit),
            low=format_number(declared.low), high=format_number(declared.high)))
        return WholeNumberField(
            label, validators=[Optional(), NumberRange(declared.low, declared.high, message)], **kw
        )
    if declared.type is Type.REF:
        return SelectField(label, coerce=optional_int, choices=[], **kw)
    if declared.type is Type.DATE:
        return DayField(label, required=declared.required, **kw)
    if declared.type is Type.LINKS:
        return MultiCheckboxField(label, coerce=int, choices=[], **kw)
    raise ValueError(f"{kind.name}.{name} is not typed in a form")


def _choice_field(kind: Kind, declared: Field, label: str, kw: dict):
    shown = SHOWN_CHOICES.get((kind.name, declared.name))
    if shown is None:
        shown = ([("", declared.blank)] if declared.blank else []) + list(declared.vocabulary)
    numbers = isinstance(declared.vocabulary[0][0], int)
    default = declared.default if declared.default is not None else ""
    field_class = RadioField if declared.radio else SelectField
    coerce = {"coerce": optional_int} if numbers else {}
    return field_class(label, choices=word_options(shown), default=default, **coerce, **kw)


def declared_form(kind: Kind, *names: str, base: tuple = (Versioned, FlaskForm)) -> type:
    """A form class with the kind's fields typed in a form (or only `names`), in declared order."""
    chosen = names or tuple(f.name for f in kind.content)
    attrs = {name: form_field(kind, name) for name in chosen}
    attrs["kind"] = kind
    attrs["__doc__"] = f"The form for a {kind.noun}, made from its declaration."  # for people reading code
    return type(f"{kind.name.title()}FormBase", base, attrs)


class DeclaredFields:
    """What a form made from a declaration gives the write side: field name -> stored value."""

    kind: Kind

    def model_fields(self) -> dict:
        values = {}
        for declared in self.kind.content:
            if declared.name not in self._fields or declared.type is Type.LINKS:
                continue
            data = self[declared.name].data
            if declared.type in (Type.TEXT, Type.LONG_TEXT):
                data = data or ""
            elif declared.type is Type.CHOICE and declared.default is None:
                data = data if data not in ("", None) else None
            values[declared.name] = data
        return values


class OneOf:
    """A kind whose items need at least one of some fields (a caseworker: a name, a role, or both)."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        names = self.kind.one_of
        if names and not any(self[name].data for name in names):
            last = self[names[-1]]
            last.errors = [*last.errors, self.kind.one_of_message]
            return False
        return valid


def _id_choices(items, text_of, blank: str):
    return [SelectChoice("", lazily_translated(blank))] + options((item.id, text_of(item)) for item in items)


def fill_references(form, view: MapView) -> None:
    """The choices of every reference in `form`: the items of this map, and the declared blank."""
    lists = {
        AGENCY.name: (view.agencies, lambda a: a.name),
        CASEWORKER.name: (view.caseworkers, caseworker_choice(view)),
        STAGE.name: (view.named_stages, lambda s: s.name),
        TOUCHPOINT.name: (view.touchpoints, lambda t: t.action),
    }
    for declared in form.kind.content:
        if declared.name not in form._fields:
            continue
        if declared.type is Type.REF:
            items, text_of = lists[declared.ref]
            form[declared.name].choices = _id_choices(items, text_of, declared.blank)
        elif declared.type is Type.LINKS:
            form[declared.name].choices = options((tp.id, tp.action) for tp in view.touchpoints)


class FamilyForm(DeclaredFields, declared_form(FAMILY)):
    pass


class MemberForm(DeclaredFields, declared_form(MEMBER)):
    pass


class AgencyForm(DeclaredFields, declared_form(AGENCY)):
    pass


LEFT_ONLY = ("left_on", "successor_id", "handover")


class CaseworkerForm(OneOf, DeclaredFields, declared_form(CASEWORKER)):
    def __init__(self, *args, view: MapView, **kwargs):
        super().__init__(*args, **kwargs)
        fill_references(self, view)
        if self.handover.data is None:
            self.handover.data = ""  # "Not recorded", as the drop-down says it
        obj = kwargs.get("obj")
        self.editing_id = obj.id if obj is not None else None
        if self.editing_id is not None:
            # Nobody takes over from themselves.
            self.successor_id.choices = [c for c in self.successor_id.choices if c.value != self.editing_id]

    def validate_successor_id(self, field):
        if field.data is not None and field.data == self.editing_id:
            raise ValidationError(_("Someone cannot take over from themselves; choose another caseworker."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.status.data != "left":
            for name in LEFT_ONLY:
                if self[name].data not in (None, "") and not self[name].errors:
                    self[name].errors = [*self[name].errors, _("Only for someone who has left: set Status "
                                                               "to Left, or leave this empty.")]
                    valid = False
        return valid


class NewAgencyForm(AgencyForm):
    """The agency fields inside the touchpoint form (prefixed, no CSRF of its own)."""

    class Meta:
        csrf = False


class NewCaseworkerForm(OneOf, FlaskForm):
    """A caseworker's name and role inside the touchpoint form (prefixed, no CSRF of its own)."""

    class Meta:
        csrf = False

    kind = CASEWORKER
    name = form_field(CASEWORKER, "name", hint="Optional.")
    role = form_field(CASEWORKER, "role", hint="")


class StageForm(DeclaredFields, declared_form(STAGE)):
    pass


class SameAgency:
    """A caseworker chosen with an agency must work there (or at no agency recorded)."""

    def same_agency(self, worker_field, agency_field) -> None:
        worker = self.view.caseworker(worker_field.data)
        if worker and agency_field.data and worker.agency_id not in (None, agency_field.data):
            agency = self.view.agency(worker.agency_id)
            raise ValidationError(
                _("This caseworker is recorded at %(agency)s; choose that agency or none.",
                  agency=isolate(agency.name))
            )


class TouchpointForm(SameAgency, DeclaredFields, declared_form(TOUCHPOINT)):
    def __init__(self, *args, view: MapView, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        fill_references(self, view)
        if kwargs.get("formdata", True) is None and kwargs.get("obj") is None and view.named_stages:
            # A new touchpoint most likely belongs to the latest stage; journeys are told in order.
            self.stage_id.data = view.named_stages[-1].id
        self.new_agency = NewAgencyForm(prefix="new_agency")
        self.new_caseworker = NewCaseworkerForm(prefix="new_caseworker")
        # Who reported it is set by the server from who is writing (routes.journey.touchpoint_fields);
        # the one choice left is a facilitator's, sitting with the family (the only role shown it).
        if access.may_report_for_family(g.get("membership")):
            choices = vocab.FACILITATOR_REPORTS
            self.reported_by.choices = word_options(choices)
            self.reported_by.description = _("Choose the family only when they are telling you this "
                                             "themselves.")
            if not self.reported_by.raw_data and self.reported_by.data not in dict(choices):
                self.reported_by.data = choices[0][0]  # a step a caseworker reported, edited by a facilitator

    def validate_caseworker_id(self, field):
        self.same_agency(field, self.agency_id)

    def after_extra_action(self, action: str, before: TouchpointForm) -> None:
        """After "add agency/caseworker": choose what was just added and empty the little form."""
        if action == "add_agency":
            self.agency_id.data = before.created_id
            self.new_agency = NewAgencyForm(prefix="new_agency", formdata=None)
        elif action == "add_caseworker":
            self.caseworker_id.data = before.created_id
            self.new_caseworker = NewCaseworkerForm(prefix="new_caseworker", formdata=None)

    def model_fields(self) -> dict:
        fields = super().model_fields()
        worker = self.view.caseworker(fields["caseworker_id"])
        if fields["agency_id"] is None and worker is not None:
            fields["agency_id"] = worker.agency_id  # the caseworker's agency is the agency met
        return fields


class BarrierForm(SameAgency, DeclaredFields, declared_form(BARRIER)):
    def __init__(self, *args, view: MapView, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        fill_references(self, view)

    def validate_owner_caseworker_id(self, field):
        self.same_agency(field, self.owner_agency_id)


def caseworker_choice(view: MapView):
    def text_of(worker):
        agency = view.agency(worker.agency_id)
        return f"{isolate(worker.display_name)} ({isolate(agency.name)})" if agency else worker.display_name

    return text_of


