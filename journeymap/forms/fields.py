"""The parts every form is made of: text that is stripped, length-limited with a message that
says by how much and refuses control characters; whole numbers; choices; the edit's version."""

from __future__ import annotations

from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, Optional, StopValidation

from journeymap.bidi import unwrap
from journeymap.i18n import lazily_translated

SHORT = 200
LONG = 5000


def _strip(value):
    # A value shown in an attribute went out isolated (journeymap.bidi) and may come back so:
    # what was typed is stored, never the wrapper, so a save cannot make the text grow.
    return unwrap(value.strip()).strip() if isinstance(value, str) else value


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
            raise ValidationError(gettext(
                "Please keep this to %(maximum)s characters; it has %(length)s.",
                maximum=format_number(self.maximum), length=format_number(length),
            ))


def printable(form, field):
    # Tabs and line breaks are fine in text; other control characters (NUL above all, which
    # PostgreSQL refuses) are almost always a paste accident.
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in field.data or ""):
        raise ValidationError(gettext("This contains invisible control characters; please retype it."))


def text(label: str, *, required: bool = False, maximum: int = SHORT, long: bool = False, **kw):
    field = TextAreaField if long else StringField
    # DataRequired looks at the stripped value, so spaces alone count as empty.
    checks = [DataRequired(message=_l("Please fill this in."))] if required else [Optional()]
    # Optional() stops the chain on empty input, so the limits run only when there is text.
    return field(
        label, filters=[_strip], validators=[*checks, Within(maximum), printable], **kw
    )


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices: labels shown as they are (names people typed)."""
    return [SelectChoice(value, label) for value, label in pairs]


def word_options(pairs) -> list[SelectChoice]:
    """(value, label) pairs of our own words (a vocabulary, a form's fixed choices) as WTForms
    choices, each label in the language of the page that shows it."""
    return [SelectChoice(value, lazily_translated(label)) for value, label in pairs]


def _id_choices(items, text_of, blank: str):
    return options([("", blank)] + [(item.id, text_of(item)) for item in items])


class WholeNumberField(IntegerField):
    """An optional whole number with a message people understand."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if raw:
            if not (raw.isascii() and raw.lstrip("-").isdigit()):
                raise ValueError(gettext("Enter a whole number, such as 14, or leave it empty."))
            self.data = int(raw)

    def pre_validate(self, form):
        # Not a number at all: that one message says it; a range check of nothing would add a second.
        if self.process_errors:
            raise StopValidation()


class Versioned:
    """The version of the item its author saw, sent back with an edit so that a change made by
    someone else in the meantime is caught rather than overwritten."""

    version = HiddenField()

    def seen_version(self) -> int | None:
        """What the form sent, never what the record holds: an edit without a version is refused,
        as a conflict, rather than taken as "the latest" (WTForms fills a missing field from obj)."""
        return small_int((self.version.raw_data or [""])[0])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
