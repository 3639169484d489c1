"""A de-identified copy of a map view, safe to show a steering meeting.

The meeting needs the shape of the journey: which agencies, which roles, how many steps, how
long the waits, how often the story was retold, which barriers no one owns. It does not need
the family's story, anyone's name, or dates. `deidentify(view)` returns a new MapView with the
same ids, the same structure and the same figures (journeymap.readmodel.metrics gives the same
numbers for both). What it does with each field is that field's privacy class, declared with the
field (journeymap.kinds.items): KEPT and SERVICE fields are kept, REMOVED ones emptied, REPLACED
ones made anew by the function for them below (a test fails for a REPLACED field without one),
and CHECKED ones shown as a facilitator's check decided (journeymap.exports.sharing), else made
anew like REPLACED ones:

Kept as it is
    The pseudonym (it is already one). Every structured fact: stages and their order, which
    agency and caseworker each touchpoint was with, channel, days waited, retold story, feeling,
    reported by; barrier category, severity, owners and touchpoints; caseworker agency, holds-file
    and status; household age bands (coarse, from a fixed list); which items the family entered
    themselves (from_family). Ids, the revision and the edit versions, which are database
    counters, not facts about the family.

Kept because they describe the services, not the family
    Agency names and caseworker roles: what the issue asks a meeting to see ("caseworkers by role
    and agency"). The meeting is about these ("whose job is it to fix this?"), and a silo map
    without agency names says nothing. They are typed text and so could hold a name ("Dana's
    supervisor"); the facilitator should read them before sharing.

Removed
    The situation and hopes (the family's own story): empty. Caseworker names: empty, with the
    role kept; a caseworker known only by name becomes "Caseworker".
    Who created a touchpoint or barrier (created_by_id, a user account): None; the meeting
    needs to know whose job a barrier is, not who typed it in.
    created_at, updated_at and owner_recorded_at: None, so no date is shown (their types say
    `datetime | None`).

The group's words, after a check (CHECKED)
    A barrier's title, a step's "what the family had to do" and a stage's name say what the
    services asked of the family and where it went wrong: what a room can act on. Given a
    SharingCheck (journeymap.domain.sharing.deidentified loads the map's), each keeps its words
    (or the facilitator's rewording) with every suspected name, phone number, e-mail, address and
    date replaced by a marker (journeymap.exports.names_check), once a facilitator has checked that
    very text; withheld, unchecked or edited since, it is generated as below (emptied, like a
    removed field, when REPLACEMENTS has nothing for it: a next step, a progress note). Without a check
    (the retention rule's copy, kept long after anyone could read it) all are generated.

Replaced with generated text
    Household roles are typed text ("Son (asthma)", "Grandma Ruth"): the role becomes a word from
    a fixed list when the typed role has one ("Son (asthma)" -> "Son", "Grandma Ruth" -> "Grandmother",
    the last one when there are several: "Mom's boyfriend" -> "Partner"), else "Household member".
    Touchpoint action: "Touchpoint 3 (In person, County Housing Authority)" (its journey number,
    channel and agency, whichever are known). Place: "Place 2", numbered per distinct place, so
    "places they had to go" still counts the same. Documents: "Document 1", "Document 4", ...,
    numbered per distinct document across the map, so the count per touchpoint and the repeats
    across agencies still show. Unchecked or withheld barrier title: "Barrier 2: Waiting" (its
    number and category label); the description ("What happened", the family's story) is always
    emptied. Unchecked or withheld stage names become "Stage 1", "Stage 2", ... in journey order;
    the group of touchpoints not in a stage keeps its fixed name.

Every generated string is built from numbers, vocabulary labels and the kept texts above, never
from the removed ones or unchecked CHECKED ones, so no such text can leak through it.
"""

from __future__ import annotations

import dataclasses
import re

from flask_babel import gettext as _

from journeymap.clock import today
from journeymap.exports.sharing import SharingCheck
from journeymap.kinds.fields import Kind, Privacy
from journeymap.kinds.items import (
    BARRIER,
    CASEWORKER,
    COMMITMENT,
    FAMILY,
    FAMILY_WORD,
    HANDOFF,
    INTRODUCTION,
    MEETING,
    MEMBER,
    PROGRESS,
    STAGE,
    TOUCHPOINT,
)
from journeymap.readmodel import handoffs
from journeymap.readmodel.snapshot import MapView

DEFAULT_CASEWORKER_ROLE = "Caseworker"
DEFAULT_MEMBER_ROLE = "Household member"

# A word of a typed household role (lower case) -> the role shown. Only these labels ever pass.
HOUSEHOLD_ROLES = {
    word: label
    for label, words in {
        "Mother": ["mother", "mom", "mum", "mama"],
        "Father": ["father", "dad", "papa"],
        "Parent": ["parent"],
        "Stepmother": ["stepmother"],
        "Stepfather": ["stepfather"],
        "Grandmother": ["grandmother", "grandma", "granny"],
        "Grandfather": ["grandfather", "grandpa"],
        "Grandparent": ["grandparent"],
        "Daughter": ["daughter"],
        "Son": ["son"],
        "Child": ["child", "kid", "baby", "infant", "toddler"],
        "Stepdaughter": ["stepdaughter"],
        "Stepson": ["stepson"],
        "Sister": ["sister"],
        "Brother": ["brother"],
        "Aunt": ["aunt"],
        "Uncle": ["uncle"],
        "Cousin": ["cousin"],
        "Partner": ["partner", "boyfriend", "girlfriend", "spouse"],
        "Husband": ["husband"],
        "Wife": ["wife"],
        "Foster child": ["foster"],
        "Guardian": ["guardian"],
        "Lodger": ["lodger", "roommate", "flatmate"],
    }.items()
    for word in words
}


def household_role(typed: str) -> str:
    """The role shown for a typed household role: a word from HOUSEHOLD_ROLES, never the text."""
    # The last word on the list wins: "Mom's boyfriend" is a partner, "Grandma Ruth" a grandmother.
    known = [HOUSEHOLD_ROLES[w] for w in re.findall(r"[^\W\d_]+", typed.casefold()) if w in HOUSEHOLD_ROLES]
    return known[-1] if known else DEFAULT_MEMBER_ROLE


def deidentify(view: MapView, check: SharingCheck | None = None) -> MapView:
    """A new MapView without the family's story, names or dates; see the module docstring.
    `check`: the facilitators' choices for CHECKED fields (None: every one generated)."""
    made = _Replacements(view, check)
    touchpoints = {tp.id: clean(TOUCHPOINT, tp, made) for tp in view.touchpoints}
    stage_number = {s.id: n for n, s in enumerate(view.named_stages, 1)}

    def restage(stage):
        name = stage.name
        if stage.id in stage_number:
            name = made.checked_words(STAGE, STAGE.field("name"), stage)
            name = _("Stage %(num)d", num=stage_number[stage.id]) if name is None else name
        moved = tuple(touchpoints[tp.id] for tp in stage.touchpoints)
        return dataclasses.replace(stage, name=name, touchpoints=moved)

    stages = tuple(restage(s) for s in view.stages)
    by_id = {s.id: s for s in stages}
    return dataclasses.replace(
        view,
        **_cleaned_fields(FAMILY, view, made),
        members=tuple(clean(MEMBER, m, made) for m in view.members),
        stages=stages,
        named_stages=tuple(by_id.get(s.id) or restage(s) for s in view.named_stages),
        caseworkers=tuple(clean(CASEWORKER, c, made) for c in view.caseworkers),
        barriers=tuple(clean(BARRIER, b, made) for b in view.barriers),
        # Next steps and progress (issue 9): as their fields' privacy classes say, like every item.
        commitments=tuple(
            dataclasses.replace(clean(COMMITMENT, c, made),
                                progress=tuple(clean(PROGRESS, p, made) for p in c.progress))
            for c in view.commitments
        ),
        meetings=tuple(clean(MEETING, m, made) for m in view.meetings),
        # The family's word: confirmed or disputed is kept; their comment (their own telling, like
        # their situation), when and who typed it are removed.
        family_words=tuple(clean(FAMILY_WORD, w, made) for w in view.family_words),
        # Introductions made (issue 10): who and how are about the services, kept; the note as checked.
        introductions=tuple(clean(INTRODUCTION, i, made) for i in view.introductions),
        # Handoffs (issue 10): who sent and who was to receive kept, days removed, what was expected
        # shown once checked (else emptied), as their fields' privacy classes say. How long one
        # nobody received has waited is kept as a count (like a step's days waited), so the room
        # still sees which were dropped.
        handoffs=tuple(
            dataclasses.replace(clean(HANDOFF, h, made), kept_waiting=handoffs.days_waiting(h, today()))
            for h in view.handoffs
        ),
    )


def clean(kind: Kind, item, made: _Replacements):
    """One item as its fields' privacy classes say."""
    return dataclasses.replace(item, **_cleaned_fields(kind, item, made))


def _cleaned_fields(kind: Kind, item, made: _Replacements) -> dict:
    changes = {}
    for field in kind.fields:
        if field.privacy is Privacy.REMOVED:
            changes[field.name] = field.empty()
        elif (words := made.checked_words(kind, field, item)) is not None:
            changes[field.name] = words
        elif (replace := REPLACEMENTS.get((kind.name, field.name))) is not None:
            changes[field.name] = replace(made, item)
        elif field.privacy is Privacy.CHECKED:  # not shared, and no generated text: emptied
            changes[field.name] = field.empty()
    return changes


class _Replacements:
    """The numbering generated text needs: steps in journey order, places and documents in the
    order they first appear."""

    def __init__(self, view: MapView, check: SharingCheck | None = None):
        self.view = view
        self.check = check
        self.journey_number = {tp.id: n for n, tp in enumerate(view.touchpoints, 1)}
        self.barrier_number = {b.id: n for n, b in enumerate(view.barriers, 1)}
        self.places: dict[str, int] = {}
        self.documents: dict[str, int] = {}

    def checked_words(self, kind: Kind, field, item) -> str | None:
        """A CHECKED field's words as the check allows them, or None for its generated text."""
        if field.privacy is not Privacy.CHECKED or self.check is None:
            return None
        return self.check.words_for(kind.name, item, field.name)

    @staticmethod
    def numbered(numbers: dict[str, int], text: str) -> int:
        return numbers.setdefault(text.strip().casefold(), len(numbers) + 1)

    def action(self, tp) -> str:
        agency = self.view.agency(tp.agency_id)
        known = [part for part in (tp.channel and tp.channel_label, agency and agency.name) if part]
        number = _("Touchpoint %(num)d", num=self.journey_number[tp.id])
        return number + (f" ({', '.join(known)})" if known else "")

    def place(self, tp) -> str:
        return _("Place %(num)d", num=self.numbered(self.places, tp.place)) if tp.place.strip() else ""

    def documents_of(self, tp) -> str:
        return "\n".join(_("Document %(num)d", num=self.numbered(self.documents, doc))
                         for doc in tp.document_list)

    def title(self, barrier) -> str:
        return _("Barrier %(num)d: %(category)s", num=self.barrier_number[barrier.id],
                 category=barrier.category_label)


# The generated text for each REPLACED field, each CHECKED one not shared, and the one SERVICE
# field with a fallback, by (kind, field). Stage names are made in deidentify itself: the
# unstaged group keeps its name.
REPLACEMENTS = {
    ("member", "role"): lambda made, m: household_role(m.role),
    ("caseworker", "role"): lambda made, c: c.role if c.role.strip() else DEFAULT_CASEWORKER_ROLE,
    ("touchpoint", "action"): lambda made, tp: made.action(tp),
    ("touchpoint", "place"): lambda made, tp: made.place(tp),
    ("touchpoint", "documents"): lambda made, tp: made.documents_of(tp),
    ("barrier", "title"): lambda made, b: made.title(b),
    ("stage", "name"): None,  # see deidentify: "Stage 1", "Stage 2", ... in journey order
}
