"""The demo map: one family whose electricity was shut off, and the fifteen people with a file.

From a real account: a child-welfare reformer found about fifteen caseworkers in the school
system, county and state government and nonprofits who each had a file on one family. He called
them together with the parents, and as he named each barrier (the family's electricity had been
turned off, so no heat or hot water) he asked "Whose job is it to fix this?" No one responded.

Every name here is fictional. The data are plain constants, keyed by short names; `load_demo`
builds the map through the domain functions only, and never commits (the caller does).
"""

from __future__ import annotations

from datetime import timedelta

from journeymap import clock
from journeymap.domain import commitments, handoffs
from journeymap.domain.barriers import add_barrier, set_owner
from journeymap.domain.family import add_member, record_arrival, start_map
from journeymap.domain.family_word import give as give_word
from journeymap.domain.history import Actor
from journeymap.domain.introductions import add_introduction
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.meetings import add_meeting
from journeymap.domain.people import add_agency, add_caseworker, update_caseworker
from journeymap.models import JourneyMap
from journeymap.models.utctime import utcnow

DEMO_ACTOR = Actor.command("flask demo (command line)")

PSEUDONYM = "Family R. (pseudonym)"

SITUATION = (
    "My husband lost his job in the fall, and by January we were so far behind on the electric "
    "bill that they shut the power off. No heat, no hot water: the kids slept in their coats, "
    "and they stopped going to school because they couldn't get washed or warm. Every office we "
    "went to wanted the same papers and had us start from the beginning, so we told our story "
    "over and over."
)

HOPES = (
    "The heat and the hot water back on, and the kids back in school every day. One person who "
    "knows our whole story, so we don't have to tell it again. To get back on our feet without "
    "being afraid that asking for help will cost us our kids."
)

# (role, age band), in household order.
MEMBERS = (
    ("Mother", "25-44"),
    ("Father", "25-44"),
    ("Daughter", "12-17"),
    ("Son", "5-11"),
    ("Son (asthma)", "0-4"),
)

# key -> stage name, in journey order.
STAGES = {
    "crisis": "Crisis",
    "asking": "Asking for help",
    "intake": "Intake",
    "waiting": "Waiting",
    "followup": "Follow-up",
}

# key -> (name, sector)
AGENCIES = {
    "school": ("Lincoln Unified School District", "school"),
    "cps": ("County Human Services: Child Protective Services", "county"),
    "housing": ("County Housing Authority", "housing"),
    "state": ("State Benefits Office (SNAP and Medicaid eligibility)", "state"),
    "utility": ("Valley Electric Company", "utility"),
    "energy": ("Tri-County Community Action: Energy Assistance", "nonprofit"),
    "legal": ("Legal Aid Society", "nonprofit"),
    "clinic": ("Eastside Community Health Center", "health"),
    "church": ("Grace Fellowship Church", "faith"),
}

# key -> caseworker fields, plus "agency": an AGENCIES key. Unset fields take the model defaults
# (holds a file, active).
CASEWORKERS = {
    "ssw": {"agency": "school", "name": "Dana", "role": "School social worker"},
    "attendance": {"agency": "school", "role": "Attendance officer"},
    "nurse": {"agency": "school", "role": "School nurse"},
    "investigator": {"agency": "cps", "role": "CPS investigator"},
    "cps_first": {
        "agency": "cps", "name": "Marcus", "role": "Family services caseworker", "status": "left"
    },
    "cps_second": {"agency": "cps", "name": "Tanya", "role": "Family services caseworker"},
    "housing_intake": {"agency": "housing", "role": "Housing intake specialist"},
    "snap": {"agency": "state", "role": "SNAP eligibility worker"},
    "medicaid": {"agency": "state", "role": "Medicaid renewal caseworker", "status": "left"},
    "collections": {"agency": "utility", "role": "Credit and collections agent"},
    "energy_intake": {"agency": "energy", "name": "Rosa", "role": "Energy assistance intake worker"},
    "energy_cm": {"agency": "energy", "role": "Case manager"},
    "attorney": {"agency": "legal", "role": "Staff attorney, utility shut-offs"},
    "pediatrician": {"agency": "clinic", "role": "Pediatrician"},
    "chw": {"agency": "clinic", "name": "Luis", "role": "Community health worker"},
    "pastor": {"agency": "church", "role": "Pastor", "holds_file": False},
}

# Who left, who took over and what was passed on (journeymap.readmodel.turnover): Marcus passed
# nothing to Tanya, so the family told their story again; the Medicaid renewal went to the SNAP
# worker with notes. Days left are days ago.
SUCCESSIONS = {
    "cps_first": {"successor": "cps_second", "handover": "nothing", "left_days_ago": 75},
    "medicaid": {"successor": "snap", "handover": "with_notes", "left_days_ago": 40},
}

# key -> touchpoint fields, plus "stage" (a STAGES key) and "who": a CASEWORKERS key, or an
# AGENCIES key when only the agency is known, or None when neither is. Reported by the family
# unless "reported_by" says otherwise.
TOUCHPOINTS = {
    "shutoff_call": {
        "stage": "crisis", "who": "collections", "channel": "phone", "feeling": -2,
        "action": "Called the electric company about the shut-off notice to ask for a payment plan",
        "place": "Utility customer line", "retold_story": True,
        "documents": "Account number, Shut-off notice",
    },
    "helpline": {
        "stage": "crisis", "who": None, "channel": "phone", "feeling": -1,
        "action": "Called a helpline number from a flyer; was given three other numbers to call",
        "place": "From home, on a prepaid phone",
    },
    "clinic": {
        "stage": "crisis", "who": "pediatrician", "channel": "in_person", "feeling": -1,
        "action": "Took the youngest to the clinic: his asthma got worse in the cold house",
        "place": "Eastside clinic", "retold_story": True,
        "documents": "Medicaid card, Photo ID",
    },
    "church": {
        "stage": "asking", "who": "pastor", "channel": "in_person", "feeling": 2,
        "action": "Asked the congregation for help; the pastor bought a space heater and a week "
        "of groceries",
        "place": "After Sunday service", "retold_story": True,
    },
    "energy_office": {
        "stage": "asking", "who": "energy_intake", "channel": "in_person", "feeling": -1,
        "action": "Went to the community action office with documents to apply for energy "
        "assistance",
        "place": "Community action office downtown (two buses)", "retold_story": True,
        "documents": "Photo ID, Shut-off notice, Pay stubs (30 days), Lease, "
        "Social Security cards for everyone in the household",
    },
    "legal": {
        "stage": "asking", "who": "attorney", "channel": "phone", "feeling": 1, "days_waited": 6,
        "action": "Called legal aid to ask whether the power can be cut off in winter with "
        "children in the house",
        "place": "Legal aid intake line", "retold_story": True,
        "documents": "Shut-off notice, Lease",
    },
    "snap": {
        "stage": "asking", "who": "state", "channel": "online", "feeling": -1,
        "action": "Recertified for SNAP online after the job loss",
        "place": "State benefits website, on a phone", "retold_story": True,
        "documents": "Photo ID, Pay stubs (30 days), Termination letter, Lease",
    },
    "truancy_letter": {
        "stage": "intake", "who": "attendance", "channel": "mail", "feeling": -2,
        "reported_by": "caseworker",
        "action": "School sent a truancy letter about the children's absences",
        "place": "Letter to the home",
    },
    "home_visit": {
        "stage": "intake", "who": "ssw", "channel": "home_visit", "feeling": 1,
        "reported_by": "caseworker",
        "action": "School social worker visited at home to ask why the children were missing school",
        "place": "The family's home", "retold_story": True,
    },
    "cps_visit": {
        "stage": "intake", "who": "investigator", "channel": "home_visit", "feeling": -2,
        "reported_by": "caseworker",
        "action": "CPS investigator came to the house after the school reported the absences",
        "place": "The family's home", "retold_story": True,
        "documents": "Children's birth certificates, Medicaid cards, Proof of school enrollment",
    },
    "housing": {
        "stage": "intake", "who": "housing_intake", "channel": "in_person", "feeling": -1,
        "days_waited": 21,
        "action": "Applied for a housing voucher in case they lost the apartment",
        "place": "Housing authority office", "retold_story": True,
        "documents": "Photo ID, Birth certificates, Pay stubs (30 days), Lease, Landlord reference",
    },
    "energy_wait": {
        "stage": "waiting", "who": "energy", "channel": "phone", "feeling": -2, "days_waited": 45,
        "action": "Waited to hear about energy assistance; called the office three times and "
        "reached a different person each time",
        "place": "Community action phone line",
    },
    "cps_case": {
        "stage": "waiting", "who": "cps_first", "channel": "in_person", "feeling": -1,
        "action": "Met the family services caseworker assigned after the investigation; he left "
        "the agency a month later",
        "place": "County human services office", "retold_story": True,
    },
    "medicaid": {
        "stage": "waiting", "who": "medicaid", "channel": "mail", "feeling": -2, "days_waited": 30,
        "reported_by": "facilitator",
        "action": "Medicaid renewal letter went to an old address, and the children's coverage "
        "lapsed",
        "place": "Letter to a previous address",
    },
    "cps_new": {
        "stage": "followup", "who": "cps_second", "channel": "home_visit", "feeling": -1,
        "action": "New CPS caseworker visited; the family told the whole story again from the "
        "start",
        "place": "The family's home", "retold_story": True,
    },
    "reconnect": {
        "stage": "followup", "who": "collections", "channel": "phone", "feeling": -2,
        "action": "Utility said the power stays off until the past-due balance and a deposit "
        "are paid",
        "place": "Utility customer line", "retold_story": True,
        "documents": "Account number, Energy assistance pledge letter",
    },
}

# key -> barrier fields, plus "at": TOUCHPOINTS keys, and "owner": an AGENCIES or CASEWORKERS
# key, or None when it is nobody's job.
# The family's word on their map (journeymap.domain.family_word): they read the journey with the
# facilitator and confirmed most of it, in their own words where they had something to say. Two
# steps the school and the county wrote up they disputed: how the services told it is not how it
# happened. Steps not listed here they have not given their word on yet.
DISPUTED_STEPS = {
    "truancy_letter": "Nobody asked us why they were home. The house had no heat and my son could not "
    "breathe in the cold. I called the school office twice and nobody called back.",
    "cps_visit": "The report said neglect. It was the power being cut off, and everybody knew it. After "
    "that it took a long time before I trusted anyone who came to the door.",
}
UNCONFIRMED_STEPS = ("helpline", "medicaid")  # not gone through yet
CONFIRMED_COMMENTS = {
    "church": "The only place that helped the same day.",
    "cps_case": "He was kind, then he was gone and nobody told us.",
}
UNCONFIRMED_BARRIERS = ("coordination",)

BARRIERS = {
    "electricity": {
        "title": "Electricity shut off — no heat or hot water",
        "description": "Power cut in January after the job loss. The children slept in coats and "
        "missed school; the youngest's asthma got worse. The utility wants the balance and a "
        "deposit; energy assistance pays part of it, and only after the wait.",
        "category": "basic_needs", "severity": "critical", "owner": None,
        "at": ("shutoff_call", "clinic", "reconnect"),
    },
    "retelling": {
        "title": "Had to tell the story again at every office",
        "description": "Each new office, and each new caseworker in the same office, started "
        "from the beginning.",
        "category": "communication", "severity": "high", "owner": None,
        "at": ("energy_office", "cps_visit", "cps_new"),
    },
    "documents": {
        "title": "Each agency asks for the same documents",
        "description": "ID, pay stubs, lease and birth certificates, copied and carried to each "
        "office on the bus.",
        "category": "paperwork", "severity": "high", "owner": None,
        "at": ("energy_office", "snap", "housing"),
    },
    "coordination": {
        "title": "No one coordinates across the agencies",
        "description": "Fifteen people held a file on the family, and none of them knew what the "
        "others were doing. The school reported the absences to CPS; nobody asked why the power "
        "was off.",
        "category": "coordination", "severity": "critical", "owner": None,
        "at": ("helpline", "cps_visit", "medicaid"),
    },
    "energy_waitlist": {
        "title": "45-day wait for energy assistance",
        "description": "Applications are handled in order; the shut-off did not move the family "
        "up the list.",
        "category": "waiting", "severity": "high", "owner": "energy",
        "at": ("energy_office", "energy_wait"),
    },
    "absences": {
        "title": "Children missing school; absences treated as truancy",
        "description": "The absences led to a CPS investigation, and the parents are now afraid "
        "that asking for help will cost them their children.",
        "category": "trust", "severity": "high", "owner": "ssw",
        "at": ("truancy_letter", "home_visit", "cps_visit"),
    },
    "housing_waitlist": {
        "title": "Housing voucher waitlist is two years long",
        "description": "The family is on the list, with no date.",
        "category": "waiting", "severity": "medium", "owner": "housing",
        "at": ("housing",),
    },
}


# What owners said about their barriers (journeymap.domain.commitments), relative to the day the
# demo is loaded, so a fresh demo always has one next step overdue, one ahead and one done.
# barrier key -> who answered (a CASEWORKERS key) and what followed.
FOLLOW_UP = {
    "energy_waitlist": {
        "by": "energy_intake",
        "next_step": "Ask the programme manager to move households with a shut-off notice to the front "
        "of the list",
        "who": "energy_intake", "due_in_days": -5, "set_days_ago": 19,
        "progress": [(-12, "Raised it at the programme's staff meeting", "Needs the state's sign-off on "
                      "the order of the list")],
    },
    "absences": {
        "by": "ssw",
        "next_step": "Meet the family with the attendance officer; record the absences as caused by the "
        "power cut",
        "who": "ssw", "due_in_days": -10, "set_days_ago": 24,
        "progress": [(-16, "Met the parents at home with the attendance officer", "")],
        "done": "The truancy referral was withdrawn; the children are back at school and in the "
        "breakfast club.",
    },
    "housing_waitlist": {
        "by": "housing_intake",
        "next_step": "Check whether the family qualifies for the emergency priority list",
        "who": "housing_intake", "due_in_days": 12, "set_days_ago": 3, "progress": [],
    },
}
# A barrier once given an owner who declined, with their reason: back to no one's.
DECLINED = {
    "documents": ("snap", "state", "We can only take documents for our own programmes; one shared set of "
                  "documents for every agency needs the county to agree to it."),
}

# The steering group's last meeting, three weeks before the day the demo is loaded, so the brief's
# "since the last meeting" has something in every part on first run. Days relative to that day:
MEETING_DAYS_AGO = 21
MEETING_ATTENDEES = (
    "Chair, deputy director, County Human Services: Child Protective Services\n"
    "Housing programme manager, County Housing Authority\n"
    "Principal, Lincoln Unified School District\n"
    "Energy assistance supervisor, Tri-County Community Action: Energy Assistance\n"
    "Family advocate, Legal Aid Society\n"
    "Benefits supervisor, State Benefits Office (SNAP and Medicaid eligibility)\n"
    "Customer care manager, Valley Electric Company\n"
    "Pastor, Grace Fellowship Church\n"
    "Facilitator"
)
# Everyone holding a file came but the clinic (journeymap.readmodel.at_the_table): "Nobody at the
# table" from the agency that saw the youngest's asthma get worse in the cold house.
# One introduction made since the meeting: the school social worker and the energy assistance
# intake worker, who had both met the family about the shut-off and never spoken.
INTRODUCTION = {"between": ("ssw", "energy_intake"), "days_ago": 10, "how": "phone",
                "note": "Agreed to share the shut-off notice rather than ask the family for it again."}
# Handoffs (journeymap.readmodel.handoffs), each with "from"/"to" (a CASEWORKERS or AGENCIES key),
# "began"/"ended" (TOUCHPOINTS keys), the day it was sent and its steps as days ago. The school's
# referral to County Human Services was never received: dropped, past the map's 14 days. The clinic's
# community health worker sent the family to Legal Aid, who took the case on and saw it through.
HANDOFFS = {
    "school_to_county": {
        "from": "ssw", "to": "cps", "began": "home_visit", "ended": None, "sent_days_ago": 23,
        "channel": "referral_form", "steps": {},
        "expected": "County Human Services would call within a week about help with the heating bill.",
    },
    "clinic_to_legal": {
        "from": "chw", "to": "legal", "began": "clinic", "ended": "legal", "sent_days_ago": 50,
        "channel": "phone_call", "steps": {"received": 47, "accepted": 46, "completed": 30},
        "expected": "Legal Aid would ask the electric company to hold off the shut-off.",
    },
}
BARRIERS_ADDED_DAYS_AGO = 45  # found when the journey was first mapped, before the meeting
NEW_SINCE_MEETING = {"coordination": 9}  # found afterwards: barrier key -> days ago
# How long ago each owner answered (FOLLOW_UP's "set_days_ago" for those who accepted), each step
# was done, and the decliner declined.
DONE_DAYS_AGO = 8
DECLINED_DAYS_AGO = 6


def load_demo(actor: Actor = DEMO_ACTOR) -> JourneyMap:
    """Build the demo map in the current session and return it; the caller commits. Each item is
    in the map's history, added by `actor`."""
    journey_map = start_map(PSEUDONYM, SITUATION, HOPES)
    record_arrival(journey_map, actor=actor, via="demo")
    for role, age_band in MEMBERS:
        add_member(journey_map, actor=actor, role=role, age_band=age_band)
    stages = {key: add_stage(journey_map, actor=actor, name=name) for key, name in STAGES.items()}
    agencies = {
        key: add_agency(journey_map, actor=actor, name=name, sector=sector)
        for key, (name, sector) in AGENCIES.items()
    }
    caseworkers = {
        key: add_caseworker(journey_map, actor=actor, agency_id=agencies[agency].id, **fields)
        for key, (agency, fields) in _split(CASEWORKERS, "agency")
    }
    for key, (successor, days, fields) in _split(SUCCESSIONS, "successor", "left_days_ago"):
        update_caseworker(journey_map, caseworkers[key], actor=actor, successor_id=caseworkers[successor].id,
                          left_on=utcnow().date() - timedelta(days=days), **fields)

    touchpoints = {}
    for key, (stage, who, fields) in _split(TOUCHPOINTS, "stage", "who"):
        agency_id, caseworker_id = _who(who, agencies, caseworkers)
        touchpoints[key] = add_touchpoint(
            journey_map,
            actor=actor,
            stage_id=stages[stage].id,
            agency_id=agency_id,
            caseworker_id=caseworker_id,
            **{"reported_by": "family", **fields},
        )

    barriers = {}
    for key, (owner, at, fields) in _split(BARRIERS, "owner", "at"):
        # Owners recorded with the barrier: the demo's owned barriers never stood without one.
        owner_agency_id, owner_caseworker_id = _who(owner, agencies, caseworkers)
        barriers[key] = add_barrier(journey_map, [touchpoints[k].id for k in at], actor=actor,
                                    owner_agency_id=owner_agency_id, owner_caseworker_id=owner_caseworker_id,
                                    **fields)
    _follow_up(journey_map, barriers, caseworkers, agencies, recorder=actor)
    _family_word(journey_map, touchpoints, barriers, actor)
    _date_the_past(barriers)
    today = utcnow().date()
    add_meeting(journey_map, actor=actor, held_on=today - timedelta(days=MEETING_DAYS_AGO),
                attendees=MEETING_ATTENDEES)
    first, second = sorted(caseworkers[key].id for key in INTRODUCTION["between"])
    add_introduction(journey_map, actor=actor, caseworker_a_id=first, caseworker_b_id=second,
                     made_on=today - timedelta(days=INTRODUCTION["days_ago"]), how=INTRODUCTION["how"],
                     note=INTRODUCTION["note"])
    _handoffs(journey_map, agencies, caseworkers, touchpoints, actor=actor)
    return journey_map


def _family_word(journey_map: JourneyMap, touchpoints: dict, barriers: dict, actor: Actor) -> None:
    """The family's word on the steps and barriers (DISPUTED_STEPS and the lists beside it)."""
    for key, touchpoint in touchpoints.items():
        if key in UNCONFIRMED_STEPS:
            continue
        disputed = key in DISPUTED_STEPS
        give_word(journey_map, touchpoint, kind="touchpoint", verdict="disputed" if disputed else "confirmed",
                  comment=DISPUTED_STEPS.get(key) or CONFIRMED_COMMENTS.get(key, ""), seen=0, on_behalf=False,
                  actor=actor)
    for key, barrier in barriers.items():
        if key not in UNCONFIRMED_BARRIERS:
            give_word(journey_map, barrier, kind="barrier", verdict="confirmed", comment="", seen=0,
                      on_behalf=False, actor=actor)


def _handoffs(journey_map: JourneyMap, agencies: dict, caseworkers: dict, touchpoints: dict, *,
              actor: Actor) -> None:
    """The demo's handoffs (HANDOFFS), with their steps dated as many days ago as they say."""
    today = clock.today()
    for _, (sender, receiver, began, ended, sent, steps, fields) in _split(
            HANDOFFS, "from", "to", "began", "ended", "sent_days_ago", "steps"):
        from_agency_id, from_caseworker_id = _who(sender, agencies, caseworkers)
        to_agency_id, to_caseworker_id = _who(receiver, agencies, caseworkers)
        handoff = handoffs.add_handoff(
            journey_map, actor=actor, from_agency_id=from_agency_id, from_caseworker_id=from_caseworker_id,
            to_agency_id=to_agency_id, to_caseworker_id=to_caseworker_id,
            sent_on=today - timedelta(days=sent), began_touchpoint_id=touchpoints[began].id,
            ended_touchpoint_id=touchpoints[ended].id if ended else None, **fields,
        )
        for step, days_ago in steps.items():
            handoffs.move(journey_map, handoff, step, today - timedelta(days=days_ago), actor=actor)


def _date_the_past(barriers: dict) -> None:
    """When each barrier was added and answered for, as if the map had been in use for weeks: the
    domain functions stamp them now, which would make everything "new since the last meeting"."""
    now = utcnow()
    for key, barrier in barriers.items():
        barrier.created_at = now - timedelta(days=NEW_SINCE_MEETING.get(key, BARRIERS_ADDED_DAYS_AGO))
    for key, plan in FOLLOW_UP.items():
        barriers[key].owner_answered_at = now - timedelta(days=plan["set_days_ago"])
    for key in DECLINED:
        barriers[key].owner_answered_at = now - timedelta(days=DECLINED_DAYS_AGO)


def _follow_up(journey_map: JourneyMap, barriers: dict, caseworkers: dict, agencies: dict, *,
               recorder: Actor) -> None:
    """Answers, next steps and progress, by the caseworkers who gave them (see FOLLOW_UP); the
    owner the decliner was asked as is recorded by `recorder`, like the rest of the demo."""
    today = utcnow().date()

    def by(key: str) -> Actor:
        worker = caseworkers[key]
        return Actor(None, ", ".join(p for p in (worker.name, worker.role) if p), "caseworker")

    for key, plan in FOLLOW_UP.items():
        barrier, actor = barriers[key], by(plan["by"])
        commitments.accept(journey_map, barrier, actor=actor)
        step = commitments.commit_to(journey_map, barrier, actor=actor, next_step=plan["next_step"],
                                     who_caseworker_id=caseworkers[plan["who"]].id, who_text="",
                                     due_on=today + timedelta(days=plan["due_in_days"]))
        step.created_at = step.updated_at = utcnow() - timedelta(days=plan["set_days_ago"])
        for days, done_text, blocking in plan["progress"]:
            commitments.record_progress(journey_map, step, actor=actor, on_date=today + timedelta(days=days),
                                        what_was_done=done_text, what_is_blocking=blocking)
        if "done" in plan:
            commitments.mark_done(journey_map, step, plan["done"], actor=actor)
            step.closed_at = step.updated_at = utcnow() - timedelta(days=DONE_DAYS_AGO)
    for key, (worker, agency, reason) in DECLINED.items():
        set_owner(journey_map, barriers[key], agencies[agency].id, None, actor=recorder)
        commitments.decline(journey_map, barriers[key], reason, actor=by(worker))


def _split(specs: dict[str, dict], *refs: str):
    """(key, (the values of `refs`..., the remaining model fields)) for each spec."""
    for key, spec in specs.items():
        fields = {name: value for name, value in spec.items() if name not in refs}
        yield key, (*(spec[ref] for ref in refs), fields)


def _who(key: str | None, agencies: dict, caseworkers: dict) -> tuple[int | None, int | None]:
    """A CASEWORKERS key, an AGENCIES key or None, as (agency id, caseworker id)."""
    if key is None:
        return None, None
    if key in caseworkers:
        return caseworkers[key].agency_id, caseworkers[key].id
    return agencies[key].id, None
