"""The names check: the map's own names and the patterns for contact details and dates are found
in the group's words, and the group's other words are left alone."""

from __future__ import annotations

import pytest

from journeymap.exports.deidentify import HOUSEHOLD_ROLES
from journeymap.exports.names_check import Names, fingerprint, pieces, scrubbed, suspects

NAMES = Names.of(["Dana Rivers", "José Ñúñez", "Hope Adeyemi", "Will Turner", "Rose", "Family Okafor"],
                 capitalised_only=["Grandma Ruth", "Son (asthma)", "Mom's boyfriend"],
                 role_words=HOUSEHOLD_ROLES)


@pytest.mark.parametrize("text, expected", [
    ("Called Dana about the form", "Called [name] about the form"),
    ("Dana's office lost the form", "[name]'s office lost the form"),
    ("Dana’s office lost it", "[name]’s office lost it"),
    ("dana never called back", "[name] never called back"),  # not a common word: any case
    ("RIVERS said no", "[name] said no"),
    ("Asked Jose again", "Asked [name] again"),  # without the accent
    ("Asked JOSÉ again", "Asked [name] again"),
    ("Nunez sent it on", "[name] sent it on"),
    ("Asked Jose\u0301 again", "Asked [name] again"),  # the accent as a combining mark
    ("Sent to Dana\n   Rivers at intake", "Sent to [name]\n   [name] at intake"),  # split across lines
    ("Grandma Ruth had to sign", "Grandma [name] had to sign"),
    ("The Okafor family waited", "The [name] family waited"),
])
def test_names_are_replaced(text, expected):
    assert scrubbed(text, NAMES) == expected


@pytest.mark.parametrize("text", [
    "No hope of a place before winter",
    "They will call back on Monday",
    "Prices rose again",
    "Inhaler for asthma not covered",  # a detail in a household role, not a name
    "Family had to retell the story",  # "Family" of the pseudonym is not a name
    "Waited 12 days for a letter",
    "Form B-7 sent in 2019",
])
def test_common_words_and_other_words_are_kept(text):
    assert scrubbed(text, NAMES) == text
    assert suspects(text, NAMES) == []


@pytest.mark.parametrize("text, expected", [
    ("Hope said there was no hope", "[name] said there was no hope"),
    ("Will Turner will phone", "[name] [name] will phone"),
    ("Rose's team", "[name]'s team"),
])
def test_a_name_that_is_a_common_word_is_found_when_capitalised(text, expected):
    assert scrubbed(text, NAMES) == expected


@pytest.mark.parametrize("text, expected", [
    ("Call 555-123-4567 after 5", "Call [phone] after 5"),
    ("Ring +44 20 7946 0958", "Ring [phone]"),
    ("Mail dana.r@example.org", "Mail [email]"),
    ("Born 12/03/2015, school says", "Born [date], school says"),
    ("DOB 2015-03-12", "DOB [date]"),
    ("Seen on 3 March 2019", "Seen on [date]"),
    ("Seen on March 3rd, 2019 at the office", "Seen on [date] at the office"),
    ("Moved out in May 2020", "Moved out in [date]"),
    ("Waitlist 2019-2021, then nothing", "Waitlist [date], then nothing"),
    ("Lives at 42 Elm Street, Apt 3", "Lives at [address]"),
    ("Went to 7 North Main Rd for the form", "Went to [address] for the form"),
    ("Postcode SW1A 1AA on the letter", "Postcode [address] on the letter"),
])
def test_contact_details_and_dates_are_replaced(text, expected):
    assert scrubbed(text, Names()) == expected


def test_pieces_mark_each_suspect_with_its_kind_and_keep_the_rest():
    found = pieces("Dana called 555-123-4567", NAMES)
    assert [(p.text, p.kind) for p in found] == [
        ("Dana", "name"), (" called ", ""), ("555-123-4567", "phone"),
    ]
    assert found[2].kind_word == "phone number"


def test_one_letter_words_and_generic_words_are_not_names():
    names = Names.of(["Family R.", "Dr A. Smith"])
    assert names.words == {"smith"}


def test_an_edit_changes_the_fingerprint_and_a_normalisation_does_not():
    assert fingerprint("José") == fingerprint("Jose\u0301")
    assert fingerprint("No heat") != fingerprint("No heat!")
