"""The fixed vocabularies of a map, each as (stored value, label people read), in display order.

Forms, templates, the renderer and exports all read labels from here so they never disagree.
The labels are English; `label` gives them in the reader's language (journeymap.kinds.catalogue
puts them in the translation catalogue).
"""

from journeymap.i18n import translated

SECTORS = [
    ("school", "School"),
    ("county", "County"),
    ("state", "State"),
    ("federal", "Federal"),
    ("nonprofit", "Nonprofit"),
    ("faith", "Faith"),
    ("community", "Grassroots / community"),
    ("health", "Health"),
    ("housing", "Housing"),
    ("utility", "Utility"),
    ("other", "Other"),
]

CHANNELS = [
    ("in_person", "In person"),
    ("phone", "Phone"),
    ("online", "Online"),
    ("mail", "Mail"),
    ("home_visit", "Home visit"),
]

REPORTERS = [
    ("family", "Family"),
    ("caseworker", "Caseworker"),
    ("facilitator", "Facilitator"),
    ("contributor", "Contributor"),
]

# "Reported by" is set from who is writing; the one choice a form offers, to a facilitator
# sitting with the family (journeymap.auth.access.reported_by), the first being what it keeps.
FACILITATOR_REPORTS = [
    ("facilitator", "Me, the facilitator"),
    ("family", "The family, sitting with me"),
]

# The family's word on an item of their map (journeymap.kinds.family_word). Words, never colour.
VERDICTS = [
    ("confirmed", "Confirmed by the family"),
    ("disputed", "Disputed by the family"),
]

# How a step felt to the family. Shown with words and a sign, never by colour alone.
FEELINGS = [
    (-2, "Very hard"),
    (-1, "Hard"),
    (0, "Neither"),
    (1, "Helped"),
    (2, "Helped a lot"),
]

AGE_BANDS = [
    ("0-4", "Under 5"),
    ("5-11", "5 to 11"),
    ("12-17", "12 to 17"),
    ("18-24", "18 to 24"),
    ("25-44", "25 to 44"),
    ("45-64", "45 to 64"),
    ("65+", "65 or over"),
    ("unsaid", "Not said"),
]

CASEWORKER_STATUSES = [
    ("active", "Active"),
    ("left", "Left"),
]

# What a caseworker who left passed on to whoever took over (journeymap.readmodel.turnover).
HANDOVERS = [
    ("with_notes", "File passed on, with notes"),
    ("without_notes", "File passed on, without notes"),
    ("nothing", "Nothing passed on"),
    ("unknown", "Not known"),
]

# How two people holding a file on the family got in touch (journeymap.models.introductions).
INTRODUCTION_WAYS = [
    ("meeting", "Met at a meeting"),
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("family", "Introduced by the family"),
    ("other", "Other"),
]

BARRIER_CATEGORIES = [
    ("basic_needs", "Basic needs (heat, power, water, food)"),
    ("eligibility", "Eligibility rules"),
    ("paperwork", "Documents and paperwork"),
    ("waiting", "Waiting"),
    ("access", "Getting there (distance, hours, transport)"),
    ("cost", "Cost"),
    ("communication", "Communication and language"),
    ("coordination", "Agencies not talking to each other"),
    ("trust", "Trust and safety"),
    ("other", "Other"),
]

SEVERITIES = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]


# An owner's answer to being asked to own a barrier (None: no owner, nothing asked).
OWNER_ANSWERS = [
    ("pending", "Waiting for the owner's answer"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
]

COMMITMENT_STATUSES = [
    ("open", "Open"),
    ("done", "Done"),
    ("handed_on", "Handed on"),
]


def label(vocabulary: list[tuple], value, default: str = "Not recorded") -> str:
    """The human label for a stored value, in the reader's language; unknown or empty values read
    as `default`."""
    for stored, text in vocabulary:
        if stored == value:
            return translated(text)
    return translated(default)


def values(vocabulary: list[tuple]) -> list:
    return [stored for stored, _ in vocabulary]


# How someone sent the family on to the next agency or person (journeymap.readmodel.handoffs).
HANDOFF_CHANNELS = [
    ("referral_form", "Referral form"),
    ("phone_call", "Phone call"),
    ("go_to_office", "Told to go to an office"),
    ("email", "E-mail"),
    ("letter", "Letter"),
    ("other", "Other"),
]

# The steps of a handoff, in order; "dropped" is not stored: it is a "sent" one left too long.
HANDOFF_STATUSES = [
    ("sent", "Sent"),
    ("received", "Received"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("completed", "Completed"),
]
