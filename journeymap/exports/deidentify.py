"""A de-identified copy of a map view, safe to show a steering meeting.

The meeting needs the shape of the journey: which agencies, which roles, how many steps, how
long the waits, how often the story was retold, which barriers no one owns. It does not need
the family's story, anyone's name, or dates. `deidentify(view)` returns a new MapView with the
same ids, the same structure and the same figures (journeymap.readmodel.metrics gives the same numbers for
both), and this in place of what people typed:

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
    created_at and updated_at: None, so no date of contact is shown. The dataclass cannot drop
    fields, so whatever shows a de-identified view must not expect them: the version 2 JSON
    (interchange.map_to_json_dict), the CSVs, the silo map and the figures do not; the version 1
    download (render/exports.map_to_dict) does, and is not meant for a de-identified view.

Replaced with generated text
    Household roles are typed text ("Son (asthma)", "Grandma Ruth"): the role becomes a word from
    a fixed list when the typed role has one ("Son (asthma)" -> "Son", "Grandma Ruth" -> "Grandmother",
    the last one when there are several: "Mom's boyfriend" -> "Partner"), else "Household member".
    Touchpoint action: "Touchpoint 3 (In person, County Housing Authority)" (its journey number,
    channel and agency, whichever are known). Place: "Place 2", numbered per distinct place, so
    "places they had to go" still counts the same. Documents: "Document 1", "Document 4", ...,
    numbered per distinct document across the map, so the count per touchpoint and the repeats
    across agencies still show. Barrier title: "Barrier 2: Waiting" (its number and category
    label); the description is emptied. Stage names are the group's own words about the family's
    journey ("After the eviction"), so they become "Stage 1", "Stage 2", ... in journey order; the
    group of touchpoints not in a stage keeps its fixed name.

Every generated string is built from numbers, vocabulary labels and the kept texts above, never
from the removed ones, so no removed text can leak through it.
"""

from __future__ import annotations

import dataclasses
import re

from journeymap.readmodel.snapshot import MapView, StageView

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


def deidentify(view: MapView) -> MapView:
    """A new MapView without the family's story, names or dates; see the module docstring."""
    members = tuple(
        dataclasses.replace(m, role=household_role(m.role)) for m in view.members
    )
    caseworkers = tuple(
        dataclasses.replace(c, name="", role=c.role if c.role.strip() else DEFAULT_CASEWORKER_ROLE)
        for c in view.caseworkers
    )

    place_numbers: dict[str, int] = {}
    document_numbers: dict[str, int] = {}

    def numbered(numbers: dict[str, int], text: str) -> int:
        return numbers.setdefault(text.strip().casefold(), len(numbers) + 1)

    journey_number = {tp.id: n for n, tp in enumerate(view.touchpoints, 1)}

    def neutral_touchpoint(tp):
        agency = view.agency(tp.agency_id)
        known = [part for part in (tp.channel and tp.channel_label, agency and agency.name) if part]
        action = f"Touchpoint {journey_number[tp.id]}" + (f" ({', '.join(known)})" if known else "")
        place = f"Place {numbered(place_numbers, tp.place)}" if tp.place.strip() else ""
        documents = "\n".join(
            f"Document {numbered(document_numbers, doc)}" for doc in tp.document_list
        )
        return dataclasses.replace(
            tp, action=action, place=place, documents=documents, created_by_id=None
        )

    new_touchpoint = {tp.id: neutral_touchpoint(tp) for tp in view.touchpoints}

    stage_number = {s.id: n for n, s in enumerate(view.named_stages, 1)}

    def restage(stage: StageView) -> StageView:
        return dataclasses.replace(
            stage,
            name=f"Stage {stage_number[stage.id]}" if stage.id in stage_number else stage.name,
            touchpoints=tuple(new_touchpoint[tp.id] for tp in stage.touchpoints),
        )

    stages = tuple(restage(s) for s in view.stages)
    by_id = {s.id: s for s in stages}
    named_stages = tuple(by_id.get(s.id) or restage(s) for s in view.named_stages)
    barriers = tuple(
        dataclasses.replace(
            b, title=f"Barrier {n}: {b.category_label}", description="", created_by_id=None
        )
        for n, b in enumerate(view.barriers, 1)
    )
    return dataclasses.replace(
        view,
        situation="",
        hopes="",
        created_at=None,
        updated_at=None,
        members=members,
        stages=stages,
        named_stages=named_stages,
        caseworkers=caseworkers,
        barriers=barriers,
        # The lookups must hand out the de-identified items too.
        _agency_by_id={a.id: a for a in view.agencies},
        _caseworker_by_id={c.id: c for c in caseworkers},
        _touchpoint_by_id=dict(new_touchpoint),
        _barrier_by_id={b.id: b for b in barriers},
    )


# Every field of the view, with what deidentify does to it. A test compares this with the
# dataclasses, so a field added to the view later fails that test until someone decides here
# whether it is safe to show.
REVIEWED_FIELDS = {
    "MapView": {
        "id", "pseudonym", "situation", "hopes", "revision", "created_at", "updated_at", "members",
        "stages", "named_stages", "agencies", "caseworkers", "barriers", "version", "from_family",
        "_agency_by_id", "_caseworker_by_id", "_touchpoint_by_id", "_barrier_by_id",
    },
    "MemberView": {"id", "role", "age_band", "version", "from_family"},
    "AgencyView": {"id", "name", "sector", "version"},
    "CaseworkerView": {"id", "name", "role", "agency_id", "holds_file", "status", "version"},
    "StageView": {"id", "name", "position", "touchpoints", "version"},
    "TouchpointView": {
        "id", "stage_id", "position", "action", "place", "agency_id", "caseworker_id", "channel",
        "days_waited", "documents", "retold_story", "feeling", "reported_by", "barrier_ids",
        "version", "from_family", "created_by_id",
    },
    "BarrierView": {
        "id", "title", "description", "category", "severity", "owner_agency_id",
        "owner_caseworker_id", "touchpoint_ids", "version", "from_family", "created_by_id",
    },
}
