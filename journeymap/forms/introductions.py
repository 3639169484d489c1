"""The form recording that two caseworkers, or two agencies, were introduced. Labels, limits and
choices come from the declaration (journeymap.kinds.items.INTRODUCTION); what it adds by hand is
the rule across fields: one pair, of two different people who had not been in touch."""

from __future__ import annotations

from flask_babel import gettext

from journeymap.auth import access
from journeymap.forms.items import DeclaredFields, declared_form, fill_references
from journeymap.kinds.items import INTRODUCTION
from journeymap.readmodel import introductions
from journeymap.readmodel.snapshot import MapView

PAIRS = (("caseworker_a_id", "caseworker_b_id", "c"), ("agency_a_id", "agency_b_id", "a"))


def parse_pair(text: str) -> tuple[str, str] | None:
    """"c12-c15" or "a3-a4" (the links of the list) -> ("c12", "c15"); None when it is not one."""
    first, dash, second = text.partition("-")
    if not dash or first[:1] != second[:1] or first[:1] not in ("c", "a"):
        return None
    if not (first[1:].isdigit() and second[1:].isdigit()) or len(text) > 24:
        return None
    return first, second


class IntroductionForm(DeclaredFields, declared_form(INTRODUCTION)):
    def __init__(self, *args, view: MapView, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view
        fill_references(self, view)
        obj = kwargs.get("obj")
        self.was = obj_ends(obj) if obj is not None else None

    def prefill(self, pair: tuple[str, str]) -> None:
        """Choose the pair a link of the list named."""
        first, second = (int(key[1:]) for key in pair)
        names = PAIRS[0] if pair[0][0] == "c" else PAIRS[1]
        self[names[0]].data, self[names[1]].data = first, second

    def ends(self) -> tuple[str, str] | None:
        for first, second, letter in PAIRS:
            if self[first].data is not None and self[second].data is not None:
                return f"{letter}{self[first].data}", f"{letter}{self[second].data}"
        return None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        message = self._pair_problem()
        if message:
            field = self._field_for_problem()
            field.errors = [*field.errors, message]
            return False
        return valid

    def _field_for_problem(self):
        filled = [name for first, second, _ in PAIRS for name in (first, second)
                  if self[name].data is not None]
        return self[filled[-1]] if filled else self.caseworker_b_id

    def _pair_problem(self) -> str | None:
        filled = {letter: (self[first].data, self[second].data) for first, second, letter in PAIRS}
        complete = [letter for letter, (a, b) in filled.items() if a is not None and b is not None]
        partly = [letter for letter, (a, b) in filled.items() if (a is None) != (b is None)]
        if partly or not complete:
            return gettext("Choose two caseworkers, or two agencies.")
        if len(complete) == 2:
            return gettext("Choose two caseworkers or two agencies, not both: record each introduction "
                           "on its own.")
        first, second = self.ends()
        if first == second:
            return gettext("Choose two different ones: someone cannot be introduced to themselves.")
        if not access.may_record_introduction((first, second), self.view):
            return gettext("You can record introductions for yourself or your agency only.")
        changed = self.was is None or set(self.was) != {first, second}
        if changed and introductions.in_touch(self.view, first, second):
            return gettext("These two have already been in touch (they work together, met at a step of the "
                           "journey, or an introduction is recorded).")
        return None

    def model_fields(self) -> dict:
        fields = super().model_fields()
        # The smaller id first, so a pair is stored one way round whichever order it was chosen in.
        for first, second, _ in PAIRS:
            if fields[first] is not None and fields[second] is not None and fields[first] > fields[second]:
                fields[first], fields[second] = fields[second], fields[first]
        return fields


def obj_ends(obj) -> tuple[str, str]:
    if obj.caseworker_a_id is not None:
        return f"c{obj.caseworker_a_id}", f"c{obj.caseworker_b_id}"
    return f"a{obj.agency_a_id}", f"a{obj.agency_b_id}"


