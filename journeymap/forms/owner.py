"""The one-step answer to "whose job is it to fix this?": an agency or a person, chosen from
this map's, and for a caseworker only themselves or their own agency."""

from __future__ import annotations

from flask import current_app, g
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, SelectField, ValidationError

from journeymap.auth import access
from journeymap.forms.fields import Versioned, small_int
from journeymap.forms.items import caseworker_choice
from journeymap.readmodel.snapshot import MapView


def owner_groups(view: MapView, membership) -> list[tuple[str, list[tuple[str, str]]]]:
    """The owners this member may record, grouped for <optgroup>s: a caseworker may name only
    themselves or their own agency; every other role, anyone on the map."""
    agencies, workers = list(view.agencies), list(view.caseworkers)
    if access.owner_choices_limited_to_self(membership):
        me = view.caseworker(membership.caseworker_id)
        workers = [me] if me else []
        agencies = [a for a in agencies if me and a.id == me.agency_id]
    worker_text = caseworker_choice(view)
    groups = [
        (gettext("Agencies"), [(f"agency:{a.id}", a.name) for a in agencies]),
        (gettext("Caseworkers"), [(f"caseworker:{w.id}", worker_text(w)) for w in workers]),
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

    owner = SelectField(_l("Whose job is it to fix this?"), choices=[], validate_choice=False)
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
            raise ValidationError(gettext("Choose who will own this barrier."))
        if field.data not in self.allowed:
            raise ValidationError(gettext("As a caseworker you can record yourself or your own agency as the "
                                          "owner."))

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
