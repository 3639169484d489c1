"""Forms. Every text field is stripped, length-limited with a message that says by how much,
and refuses control characters; choices come from the map being edited, so an id from another
map is simply not a valid choice."""

from __future__ import annotations

from flask import current_app, g
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, NumberRange, Optional

from journeymap.auth import access
from journeymap.kinds import vocab
from journeymap.readmodel.snapshot import MapView

SHORT = 200
LONG = 5000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def small_int(raw) -> int | None:
    """A non-negative whole number as typed in a form or URL, or None: never a huge number that
    the database (or int() itself, past 4,300 digits) refuses with an error."""
    raw = raw.strip() if isinstance(raw, str) else ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def optional_int(value):
    """'' and None mean "not known"; anything else must be a whole number."""
    if value in ("", None, "None"):
        return None
    return int(value)


class Within:
    """Length limit whose message tells the user how far over they are."""

    def __init__(self, maximum: int):
        self.maximum = maximum

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.maximum:
            raise ValidationError(
                f"Please keep this to {self.maximum:,} characters; it has {length:,}."
            )


def printable(form, field):
    # Tabs and line breaks are fine in text; other control characters (NUL above all, which
    # PostgreSQL refuses) are almost always a paste accident.
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in field.data or ""):
        raise ValidationError("This contains invisible control characters; please retype it.")


def text(label: str, *, required: bool = False, maximum: int = SHORT, long: bool = False, **kw):
    field = TextAreaField if long else StringField
    # DataRequired looks at the stripped value, so spaces alone count as empty.
    checks = [DataRequired(message="Please fill this in.")] if required else [Optional()]
    # Optional() stops the chain on empty input, so the limits run only when there is text.
    return field(
        label, filters=[_strip], validators=[*checks, Within(maximum), printable], **kw
    )


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _id_choices(items, text_of, blank: str):
    return options([("", blank)] + [(item.id, text_of(item)) for item in items])


class WholeNumberField(IntegerField):
    """An optional whole number with a message people understand."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if raw:
            if not (raw.isascii() and raw.lstrip("-").isdigit()):
                raise ValueError("Enter a whole number, such as 14, or leave it empty.")
            self.data = int(raw)


class Versioned:
    """The version of the item its author saw, sent back with an edit so that a change made by
    someone else in the meantime is caught rather than overwritten."""

    version = HiddenField()

    def seen_version(self) -> int | None:
        """What the form sent, never what the record holds: an edit without a version is refused,
        as a conflict, rather than taken as "the latest" (WTForms fills a missing field from obj)."""
        return small_int((self.version.raw_data or [""])[0])


class FamilyForm(Versioned, FlaskForm):
    pseudonym = text(
        "Family pseudonym",
        required=True,
        maximum=120,
        description="A made-up name or initials, such as “Family R.”. Real names are not needed.",
    )
    situation = text(
        "Their situation, in their own words", long=True, maximum=LONG,
        description="What happened, as the family tells it.",
    )
    hopes = text("What they hope for", long=True, maximum=LONG)


class MemberForm(Versioned, FlaskForm):
    role = text(
        "Role in the household", required=True, maximum=80,
        description="For example: mother, grandfather, eldest child.",
    )
    age_band = SelectField("Age", choices=options(vocab.AGE_BANDS), default="unsaid")


class AgencyForm(Versioned, FlaskForm):
    name = text("Agency name", required=True)
    sector = SelectField("Sector", choices=options(vocab.SECTORS), default="other")


class NameOrRole:
    """A person is known by name, by role, or both; never by neither."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.name.data and not self.role.data:
            self.role.errors = [*self.role.errors, "Give a name, a role, or both."]
            return False
        return valid


class CaseworkerForm(NameOrRole, Versioned, FlaskForm):
    name = text("Name", description="Optional. Leave empty to record the role only.")
    role = text("Role", description="For example: school social worker, intake worker.")
    agency_id = SelectField("Agency", coerce=optional_int, choices=[])
    holds_file = BooleanField("Holds a file on the family", default=True)
    status = RadioField("Status", choices=options(vocab.CASEWORKER_STATUSES), default="active")

    def __init__(self, *args, view: MapView, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_id.choices = _id_choices(view.agencies, lambda a: a.name, "Not known")


class NewAgencyForm(AgencyForm):
    """The agency fields inside the touchpoint form (prefixed, no CSRF of its own)."""

    class Meta:
        csrf = False


class NewCaseworkerForm(NameOrRole, FlaskForm):
    class Meta:
        csrf = False

    name = text("Name", description="Optional.")
    role = text("Role")


class StageForm(Versioned, FlaskForm):
    name = text(
        "Stage name", required=True, maximum=120,
        description="For example: crisis, asking for help, intake, waiting, follow-up.",
    )


FEELING_CHOICES = [("", "Not said")] + [(value, f"{value:+d} {text}") for value, text in vocab.FEELINGS]


class TouchpointForm(Versioned, FlaskForm):
    action = text("What the family had to do", required=True, maximum=300)
    place = text("Where they had to go", maximum=300)
    stage_id = SelectField("Stage", coerce=optional_int, choices=[])
    agency_id = SelectField("Agency", coerce=optional_int, choices=[])
    caseworker_id = SelectField("Caseworker", coerce=optional_int, choices=[])
    channel = SelectField("How", choices=options([("", "Not recorded"), *vocab.CHANNELS]), default="")
    days_waited = WholeNumberField(
        "Days waited",
        validators=[Optional(), NumberRange(0, 3650, "Enter a number of days from 0 to 3,650.")],
        description="Leave empty if not known.",
    )
    documents = text(
        "Documents asked for", long=True, maximum=2000, description="One per line, or separated by commas."
    )
    retold_story = BooleanField("The family had to tell their story again")
    feeling = RadioField(
        "How it felt to the family", coerce=optional_int, choices=options(FEELING_CHOICES), default=""
    )
    reported_by = RadioField("Reported by", choices=options(vocab.REPORTERS), default="facilitator")

    def __init__(self, *args, view: MapView, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        self.stage_id.choices = _id_choices(view.named_stages, lambda s: s.name, "Not in a stage yet")
        self.agency_id.choices = _id_choices(view.agencies, lambda a: a.name, "Not known")
        self.caseworker_id.choices = _id_choices(view.caseworkers, _caseworker_choice(view), "Not known")
        if kwargs.get("formdata", True) is None and kwargs.get("obj") is None and view.named_stages:
            # A new touchpoint most likely belongs to the latest stage; journeys are told in order.
            self.stage_id.data = view.named_stages[-1].id
        self.new_agency = NewAgencyForm(prefix="new_agency")
        self.new_caseworker = NewCaseworkerForm(prefix="new_caseworker")

    def validate_caseworker_id(self, field):
        worker = self.view.caseworker(field.data)
        if worker and self.agency_id.data and worker.agency_id not in (None, self.agency_id.data):
            agency = self.view.agency(worker.agency_id)
            raise ValidationError(
                f"This caseworker is recorded at {agency.name}; choose that agency or none."
            )

    def after_extra_action(self, action: str, before: TouchpointForm) -> None:
        """After "add agency/caseworker": choose what was just added and empty the little form."""
        if action == "add_agency":
            self.agency_id.data = before.created_id
            self.new_agency = NewAgencyForm(prefix="new_agency", formdata=None)
        elif action == "add_caseworker":
            self.caseworker_id.data = before.created_id
            self.new_caseworker = NewCaseworkerForm(prefix="new_caseworker", formdata=None)

    def model_fields(self) -> dict:
        worker = self.view.caseworker(self.caseworker_id.data)
        agency_id = self.agency_id.data
        if agency_id is None and worker is not None:
            agency_id = worker.agency_id  # the caseworker's agency is the agency met
        return {
            "action": self.action.data,
            "place": self.place.data or "",
            "stage_id": self.stage_id.data,
            "agency_id": agency_id,
            "caseworker_id": self.caseworker_id.data,
            "channel": self.channel.data or None,
            "days_waited": self.days_waited.data,
            "documents": self.documents.data or "",
            "retold_story": self.retold_story.data,
            "feeling": self.feeling.data,
            "reported_by": self.reported_by.data,
        }


def _caseworker_choice(view: MapView):
    def text_of(worker):
        agency = view.agency(worker.agency_id)
        return f"{worker.display_name} ({agency.name})" if agency else worker.display_name

    return text_of


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class BarrierForm(Versioned, FlaskForm):
    title = text("Barrier", required=True, description="A short name, such as “Power shut off”.")
    description = text("What happened", long=True, maximum=LONG)
    category = SelectField("Category", choices=options(vocab.BARRIER_CATEGORIES), default="other")
    severity = SelectField("Severity", choices=options(vocab.SEVERITIES), default="medium")
    touchpoint_ids = MultiCheckboxField("Where it showed up", coerce=int, choices=[])
    owner_agency_id = SelectField("Owning agency", coerce=optional_int, choices=[])
    owner_caseworker_id = SelectField("Owning caseworker", coerce=optional_int, choices=[])

    def __init__(self, *args, view: MapView, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        self.touchpoint_ids.choices = options((tp.id, tp.action) for tp in view.touchpoints)
        self.owner_agency_id.choices = _id_choices(view.agencies, lambda a: a.name, "No one")
        self.owner_caseworker_id.choices = _id_choices(
            view.caseworkers, _caseworker_choice(view), "No one"
        )

    def validate_owner_caseworker_id(self, field):
        worker = self.view.caseworker(field.data)
        if worker and self.owner_agency_id.data and worker.agency_id not in (
            None, self.owner_agency_id.data
        ):
            agency = self.view.agency(worker.agency_id)
            raise ValidationError(
                f"This caseworker is recorded at {agency.name}; choose that agency or none."
            )

    def model_fields(self) -> dict:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "category": self.category.data,
            "severity": self.severity.data,
            "owner_agency_id": self.owner_agency_id.data,
            "owner_caseworker_id": self.owner_caseworker_id.data,
        }


def owner_groups(view: MapView, membership) -> list[tuple[str, list[tuple[str, str]]]]:
    """The owners this member may record, grouped for <optgroup>s: a caseworker may name only
    themselves or their own agency; every other role, anyone on the map."""
    agencies, workers = list(view.agencies), list(view.caseworkers)
    if access.owner_choices_limited_to_self(membership):
        me = view.caseworker(membership.caseworker_id)
        workers = [me] if me else []
        agencies = [a for a in agencies if me and a.id == me.agency_id]
    worker_text = _caseworker_choice(view)
    groups = [
        ("Agencies", [(f"agency:{a.id}", a.name) for a in agencies]),
        ("Caseworkers", [(f"caseworker:{w.id}", worker_text(w)) for w in workers]),
    ]
    return [(label, items) for label, items in groups if items]


def owner_form_inline(view: MapView, membership) -> bool:
    """Whether a barrier card carries its owner form, or asks for it on demand (a long list)."""
    if access.owner_choices_limited_to_self(membership):
        return True  # themselves and their own agency
    return len(view.agencies) + len(view.caseworkers) <= current_app.config["OWNER_CHOICES_INLINE"]


def owner_options(view: MapView, membership, chosen: str = "") -> Markup:
    """owner_groups as <optgroup>s of <option>s, for the owner form's <select>; empty when this
    member may name no one. The barriers page has an owner form for every barrier no one owns,
    all with the same choices: at 100 agencies and 500 caseworkers, rendering those 600 options
    200 times in the template was most of the page's time, so they are made once per request."""
    if chosen:  # a form shown again with its choice: the one place the options differ
        return _options_html(owner_groups(view, membership), chosen)
    key = (id(view), membership.role if membership else None,
           membership.caseworker_id if membership else None)
    made = g.setdefault("_owner_options", {})
    if key not in made:
        # The view is kept with its HTML so that its id cannot be reused by another view.
        made[key] = (view, _options_html(owner_groups(view, membership), ""))
    return made[key][1]


def _options_html(groups, chosen: str) -> Markup:
    parts = []
    for label, items in groups:
        parts.append(f'<optgroup label="{escape(label)}">')
        for value, text in items:
            selected = " selected" if value == chosen else ""
            parts.append(f'<option value="{escape(value)}"{selected}>{escape(text)}</option>')
        parts.append("</optgroup>")
    return Markup("".join(parts))


class OwnerForm(Versioned, FlaskForm):
    """One step from "no one owns this" to an owner: pick an agency or a person, press the button."""

    owner = SelectField("Whose job is it to fix this?", choices=[], validate_choice=False)
    # Sent by a form opened on demand from its card, so it is shown again as opened.
    opened = HiddenField()

    def __init__(self, *args, view: MapView, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        self.allowed = {value for _, items in owner_groups(view, membership) for value, _ in items}
        # Rendered by the template with one group for agencies and one for caseworkers;
        # owner_ids() checks the choice against this map and this member's role.
        self.owner.choices = []

    def validate_owner(self, field):
        if self.owner_ids() is None:
            raise ValidationError("Choose who will own this barrier.")
        if field.data not in self.allowed:
            raise ValidationError("As a caseworker you can record yourself or your own agency as the owner.")

    def owner_ids(self) -> tuple[int | None, int | None] | None:
        """(agency id, caseworker id) for the choice, or None when it names nothing on this map."""
        kind, _, raw = (self.owner.data or "").partition(":")
        if (number := small_int(raw)) is None:
            return None
        if kind == "agency" and self.view.agency(number):
            return number, None
        if kind == "caseworker" and (worker := self.view.caseworker(number)):
            return worker.agency_id, worker.id
        return None
