"""Synthetic maps: plausible, made-up journeys of any size, for load tests, demos and screenshots.

`synth_document` builds a format_version 2 document (see journeymap/exports/json_out.py) from a seed,
with nothing but Python's own `random.Random(seed)`: the same arguments give the same map.
`synth_map` imports that document, so a synthetic map passes exactly the checks a file from a
user does, and lands in four flushes (one per level of reference) and one executemany of the
barrier links, however large it is. On PostgreSQL SQLAlchemy batches each flush's INSERTs; on
SQLite it still sends one row per statement, since SQLite cannot say which new rowid belongs to
which row of a batch, and a map of 100 agencies, 500 caseworkers, 500 touchpoints and 200
barriers takes about 0.1 s all the same. Nothing commits; the caller does.

Every name here is generated from small word lists; none is a real person or office.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from journeymap import clock
from journeymap.domain.imports import import_map
from journeymap.exports.json_out import FORMAT_NAME, FORMAT_VERSION
from journeymap.kinds import vocab
from journeymap.kinds.items import TOUCHPOINT
from journeymap.models import JourneyMap

MAX_DAYS_WAITED = TOUCHPOINT.field("days_waited").high

STAGE_NAMES = ["Crisis", "Asking for help", "Intake", "Waiting", "Follow-up", "Settling"]

TOWNS = [
    "Ashford", "Brookvale", "Cedar Falls", "Dunmore", "Eastbridge", "Fairhaven", "Glenwood",
    "Harlow", "Ironton", "Juniper", "Kingsley", "Lakeside", "Millbrook", "Northgate", "Oakridge",
    "Pinehurst", "Quarry Hill", "Riverton", "Stonebridge", "Thornbury",
]

# sector -> (agency name patterns, caseworker roles)
SECTOR_PEOPLE = {
    "school": (
        ["{town} Unified School District", "{town} Elementary School", "{town} High School"],
        ["School social worker", "Attendance officer", "School nurse", "School counselor"],
    ),
    "county": (
        ["{town} County Human Services", "{town} County Child Protective Services"],
        ["CPS investigator", "Family services caseworker", "Eligibility specialist"],
    ),
    "state": (
        ["State Benefits Office, {town}", "State Workforce Center, {town}"],
        ["SNAP eligibility worker", "Medicaid renewal caseworker", "Employment counselor"],
    ),
    "federal": (
        ["Social Security Field Office, {town}", "{town} Head Start"],
        ["Claims representative", "Family advocate"],
    ),
    "nonprofit": (
        ["{town} Legal Aid", "{town} Community Action Agency", "{town} Food Bank"],
        ["Staff attorney", "Energy assistance intake worker", "Case manager", "Volunteer coordinator"],
    ),
    "faith": (["{town} Community Church", "St. Anne's Parish, {town}"], ["Pastor", "Outreach volunteer"]),
    "community": (["{town} Neighbors Network", "{town} Tenants' Union"], ["Organizer", "Peer navigator"]),
    "health": (
        ["{town} Community Health Center", "{town} Children's Clinic"],
        ["Pediatrician", "Community health worker", "Nurse care manager"],
    ),
    "housing": (
        ["{town} Housing Authority", "{town} Rapid Rehousing Program"],
        ["Housing intake specialist", "Voucher caseworker", "Housing navigator"],
    ),
    "utility": (
        ["{town} Electric Company", "{town} Water Department"],
        ["Credit and collections agent", "Customer service representative"],
    ),
    "other": (["{town} Public Library", "{town} Transit Office"], ["Librarian", "Clerk"]),
}

FIRST_NAMES = [
    "Ada", "Bo", "Carmen", "Dev", "Elif", "Femi", "Gus", "Hana", "Ines", "Jules", "Kofi", "Lena",
    "Mo", "Nia", "Oren", "Pia", "Raj", "Sol", "Tess", "Uma", "Vic", "Wren", "Yara", "Zane",
]

MEMBER_ROLES = [
    ("Mother", ["25-44", "18-24", "45-64"]),
    ("Father", ["25-44", "45-64"]),
    ("Grandmother", ["45-64", "65+"]),
    ("Daughter", ["0-4", "5-11", "12-17"]),
    ("Son", ["0-4", "5-11", "12-17"]),
    ("Aunt", ["25-44", "unsaid"]),
]

ACTIONS = [
    "Applied for {thing}", "Called to ask about {thing}", "Brought documents for {thing}",
    "Was told to come back about {thing}", "Filled in a form for {thing}",
    "Waited for a decision on {thing}", "Was referred elsewhere for {thing}",
    "Explained the situation again to ask for {thing}",
]
THINGS = [
    "energy assistance", "a housing voucher", "SNAP benefits", "Medicaid renewal", "school transport",
    "a payment plan", "emergency food", "legal advice", "a childcare subsidy", "a rent deposit",
]
PLACES = [
    "Office downtown", "Customer phone line", "Online portal, on a phone", "Branch office (two buses)",
    "The family's home", "Walk-in centre", "Letter to the home", "",
]
DOCUMENTS = [
    "Photo ID", "Pay stubs (30 days)", "Lease", "Birth certificates", "Social Security cards",
    "Proof of address", "Utility bill", "Shut-off notice", "Bank statement", "School enrollment letter",
]
# category -> barrier titles
BARRIER_TITLES = {
    "basic_needs": ["No heat or hot water", "Not enough food at the end of the month"],
    "eligibility": ["Earns a little too much to qualify", "Rules differ between programs"],
    "paperwork": ["The same documents asked for again", "Form only available in print"],
    "waiting": ["Long wait for a decision", "Waitlist with no date"],
    "access": ["Office only open during work hours", "Two buses to reach the office"],
    "cost": ["Deposit needed before service resumes", "Fees for replacement documents"],
    "communication": ["Letters sent to an old address", "No interpreter offered"],
    "coordination": ["Agencies do not share information", "Referred in a circle"],
    "trust": ["Afraid asking for help will lead to an investigation", "Caseworker changed twice"],
    "other": ["Phone line always busy", "No one returns calls"],
}

UNOWNED_SHARE = 0.4


def synth_document(
    *, agencies: int, caseworkers_per_agency: int, touchpoints: int, barriers: int,
    stages: int = 6, seed: int = 1, handoffs: int = 0, today: date | None = None,
) -> dict:
    """A synthetic map as a JSON document (json_out.FORMAT_VERSION); the same arguments, the same document."""
    for name, count in [
        ("agencies", agencies), ("caseworkers_per_agency", caseworkers_per_agency),
        ("touchpoints", touchpoints), ("barriers", barriers), ("stages", stages), ("handoffs", handoffs),
    ]:
        if count < 0:
            raise ValueError(f"{name} must not be negative, not {count}")
    rng = random.Random(seed)
    # Each part draws from the one generator in turn, so the order of these calls is the document.
    household = [
        {"role": role, "age_band": rng.choice(bands)}
        for role, bands in rng.sample(MEMBER_ROLES, rng.randint(2, len(MEMBER_ROLES)))
    ]
    agency_list = _agencies(rng, agencies)
    worker_list = _caseworkers(rng, agency_list, caseworkers_per_agency)
    stage_list = [
        {"key": f"s{n}", "name": STAGE_NAMES[n - 1] if n <= len(STAGE_NAMES) else f"Stage {n}"}
        for n in range(1, stages + 1)
    ]
    touchpoint_list = _touchpoints(rng, touchpoints, stage_list, agency_list, worker_list)
    barrier_list = _barriers(rng, barriers, agency_list, worker_list, touchpoint_list)
    # Last, so that a document without handoffs is the one earlier versions made from its seed.
    handoff_list = _handoffs(rng, handoffs, agency_list, worker_list, touchpoint_list, today or date.today())
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "family": {
            "pseudonym": f"Synthetic family {seed}",
            "situation": (
                f"A made-up family (seed {seed}) whose journey crosses {agencies} agencies "
                f"and {len(worker_list)} caseworkers."
            ),
            "hopes": "Made-up hopes: one person who knows the whole story.",
        },
        "household": household,
        "agencies": agency_list,
        "caseworkers": worker_list,
        "stages": stage_list,
        "touchpoints": touchpoint_list,
        "barriers": barrier_list,
        "handoffs": handoff_list,
    }


def _agencies(rng: random.Random, count: int) -> list[dict]:
    agency_list, names_used = [], set()
    sectors = vocab.values(vocab.SECTORS)
    for n in range(1, count + 1):
        sector = rng.choice(sectors)
        name = rng.choice(SECTOR_PEOPLE[sector][0]).format(town=rng.choice(TOWNS))
        if name in names_used:  # two "Ashford Food Bank"s would be hard to tell apart
            name = f"{name} (office {n})"
        names_used.add(name)
        agency_list.append({"key": f"a{n}", "name": name, "sector": sector})
    return agency_list


def _caseworkers(rng: random.Random, agency_list: list[dict], per_agency: int) -> list[dict]:
    worker_list = []
    for agency in agency_list:
        roles = SECTOR_PEOPLE[agency["sector"]][1]
        for _ in range(per_agency):
            worker_list.append(
                {
                    "key": f"c{len(worker_list) + 1}",
                    "name": rng.choice(FIRST_NAMES) if rng.random() < 0.4 else "",
                    "role": rng.choice(roles),
                    "agency": agency["key"],
                    "holds_file": rng.random() < 0.9,
                    "status": "left" if rng.random() < 0.1 else "active",
                }
            )
    return worker_list


def _touchpoints(rng: random.Random, count: int, stage_list: list[dict], agency_list: list[dict],
                 worker_list: list[dict]) -> list[dict]:
    workers_of: dict[str, list[dict]] = {}
    for worker in worker_list:
        workers_of.setdefault(worker["agency"], []).append(worker)
    feelings = vocab.values(vocab.FEELINGS)
    stages = len(stage_list)
    touchpoint_list = []
    for n in range(1, count + 1):
        # Spread evenly over the stages, in order: a journey moves forward.
        stage = stage_list[(n - 1) * stages // count]["key"] if stage_list else None
        agency = rng.choice(agency_list) if agency_list and rng.random() < 0.9 else None
        candidates = workers_of.get(agency["key"], []) if agency else []
        worker = rng.choice(candidates) if candidates and rng.random() < 0.7 else None
        touchpoint_list.append(
            {
                "key": f"t{n}",
                "stage": stage,
                "action": rng.choice(ACTIONS).format(thing=rng.choice(THINGS)),
                "place": rng.choice(PLACES),
                "agency": agency["key"] if agency else None,
                "caseworker": worker["key"] if worker else None,
                "channel": rng.choice([*vocab.values(vocab.CHANNELS), None]),
                "days_waited": rng.randint(0, min(90, MAX_DAYS_WAITED)) if rng.random() < 0.4 else None,
                "documents": ", ".join(rng.sample(DOCUMENTS, rng.randint(0, 4))),
                "retold_story": rng.random() < 0.5,
                "feeling": rng.choice([*feelings, None]),
                "reported_by": rng.choice(vocab.values(vocab.REPORTERS)),
            }
        )
    return touchpoint_list


def _barriers(rng: random.Random, count: int, agency_list: list[dict], worker_list: list[dict],
              touchpoint_list: list[dict]) -> list[dict]:
    barrier_list = []
    categories = vocab.values(vocab.BARRIER_CATEGORIES)
    severities = vocab.values(vocab.SEVERITIES)
    for n in range(1, count + 1):
        category = rng.choice(categories)
        owner_agency = owner_worker = None
        if rng.random() >= UNOWNED_SHARE and agency_list:
            # Owned by a caseworker (and so their agency, as the owner form records it) or an agency.
            if worker_list and rng.random() < 0.5:
                worker = rng.choice(worker_list)
                owner_agency, owner_worker = worker["agency"], worker["key"]
            else:
                owner_agency = rng.choice(agency_list)["key"]
        at = rng.sample(touchpoint_list, min(len(touchpoint_list), rng.randint(1, 3)))
        barrier_list.append(
            {
                "key": f"b{n}",
                "title": rng.choice(BARRIER_TITLES[category]),
                "description": f"Synthetic barrier {n}.",
                "category": category,
                "severity": rng.choice(severities),
                "owner_agency": owner_agency,
                "owner_caseworker": owner_worker,
                "touchpoints": [tp["key"] for tp in at],
            }
        )
    return barrier_list


def _handoffs(rng: random.Random, count: int, agency_list: list[dict], worker_list: list[dict],
              touchpoint_list: list[dict], today: date) -> list[dict]:
    """Referrals between agencies: about half still waiting after more than two weeks (dropped),
    the rest received and moved on some steps."""
    handoff_list = []
    for n in range(1, (count if len(agency_list) >= 2 else 0) + 1):
        sender, receiver = rng.sample(agency_list, 2)
        sent = today - timedelta(days=rng.randint(1, 90))
        status = rng.choice(["sent", "sent", "received", "accepted", "declined", "completed"])
        received = min(sent + timedelta(days=rng.randint(0, 20)), today) if status != "sent" else None
        handoff_list.append({
            "key": f"h{n}", "from_agency": sender["key"],
            "from_caseworker": rng.choice([w["key"] for w in worker_list if w["agency"] == sender["key"]]
                                          or [None]),
            "to_agency": receiver["key"], "to_caseworker": None,
            "sent_on": sent.isoformat(), "channel": rng.choice(vocab.values(vocab.HANDOFF_CHANNELS)),
            "expected": "Made-up: they would call the family back.",
            "began_at": rng.choice(touchpoint_list)["key"] if touchpoint_list else None, "ended_at": None,
            "status": status, "received_on": received.isoformat() if received else None,
            "decline_reason": "Made-up: not their area." if status == "declined" else "",
        })
    return handoff_list


def synth_map(
    session: Session, *, agencies: int, caseworkers_per_agency: int, touchpoints: int,
    barriers: int, stages: int = 6, seed: int = 1, handoffs: int = 0,
) -> JourneyMap:
    """Add a synthetic map to the session and return it; the caller commits."""
    document = synth_document(
        agencies=agencies, caseworkers_per_agency=caseworkers_per_agency, touchpoints=touchpoints,
        barriers=barriers, stages=stages, seed=seed, handoffs=handoffs, today=clock.today(),
    )
    return import_map(session, document)
