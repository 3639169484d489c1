"""Every kind of item on a map, declared once: its fields, their types, limits, labels and privacy.

Adding a plain text field to a kind means: a column on the model, a migration, and a line here
(plus the templates where it is shown). The form, the map view, JSON in and out, CSV,
de-identification and the history's wording follow from this line.
"""

from __future__ import annotations

from journeymap.kinds import vocab
from journeymap.kinds.fields import (
    Field,
    Kind,
    Privacy,
    Type,
    choice,
    flag,
    long_text,
    ref,
    structure,
    text,
)
from journeymap.models import (
    Agency,
    Barrier,
    Caseworker,
    Commitment,
    FamilyWord,
    Handoff,
    HouseholdMember,
    Introduction,
    JourneyMap,
    Meeting,
    ProgressEntry,
    Stage,
    Touchpoint,
)

KEPT, SERVICE, REPLACED, REMOVED = Privacy.KEPT, Privacy.SERVICE, Privacy.REPLACED, Privacy.REMOVED
CHECKED = Privacy.CHECKED
LONG = 5000  # characters of a story or a description: a few paragraphs

ID = structure("id", Type.ID)
VERSION = structure("version", Type.COUNTER)  # a database counter, not a fact about the family
POSITION = structure("position", Type.COUNTER)
FROM_FAMILY = Field("from_family", Type.FLAG, KEPT, "From the family", csv=None)
CREATED_BY = structure("created_by_id", Type.REF, REMOVED)  # an account on this server: who typed it

FAMILY = Kind(
    name="family", noun="family", model=JourneyMap,
    fields=(
        ID,
        text("pseudonym", "Family pseudonym", 120, KEPT, required=True,
             hint="A made-up name or initials, such as “Family R.”. Real names are not needed."),
        long_text("situation", "Their situation, in their own words", LONG, REMOVED,
                  hint="What happened, as the family tells it."),
        long_text("hopes", "What they hope for", LONG, REMOVED),
        structure("revision", Type.COUNTER),
        structure("created_at", Type.TIME, REMOVED),
        structure("updated_at", Type.TIME, REMOVED),
        VERSION,
        FROM_FAMILY,
        # Closing and retention (journeymap.domain.closing, .retention): the database's, never typed.
        structure("closed_at", Type.TIME, REMOVED),
        structure("closed_by_id", Type.REF, REMOVED),  # an account on this server, like created_by_id
        structure("reduced_at", Type.TIME, REMOVED),
        # Set by a facilitator on the Handoffs page (journeymap.routes.handoffs), not the family's form.
        structure("handoff_days", Type.NUMBER, KEPT, label="Days before a handoff counts as dropped",
                  low=1, high=365, unit="days"),
    ),
)

MEMBER = Kind(
    name="member", noun="household member", model=HouseholdMember, json_list="household",
    fields=(
        ID,
        text("role", "Role in the household", 80, REPLACED, required=True,
             hint="For example: mother, grandfather, eldest child."),
        choice("age_band", "Age", vocab.AGE_BANDS, default="unsaid"),
        POSITION,
        VERSION,
        FROM_FAMILY,
    ),
)

AGENCY = Kind(
    name="agency", noun="agency", model=Agency, json_list="agencies", json_key_prefix="a",
    fields=(
        ID,
        text("name", "Agency name", 200, SERVICE, required=True, csv=("Agency",)),
        choice("sector", "Sector", vocab.SECTORS, default="other"),
        VERSION,
    ),
)

CASEWORKER = Kind(
    name="caseworker", noun="caseworker", model=Caseworker, json_list="caseworkers", json_key_prefix="c",
    fields=(
        ID,
        text("name", "Name", 200, REMOVED, hint="Optional. Leave empty to record the role only."),
        text("role", "Role", 200, SERVICE, hint="For example: school social worker, intake worker."),
        ref("agency_id", "Agency", "agency", blank="Not known", json="agency"),
        flag("holds_file", "Holds a file on the family", default=True),
        choice("status", "Status", vocab.CASEWORKER_STATUSES, default="active", radio=True),
        VERSION,
        # Turnover, for someone who has left: a day is about a person, so removed like other dates;
        # who took over and what was passed on are facts about the services, kept.
        Field("left_on", Type.DATE, REMOVED, "Left on",
              hint="The day they left, such as 2026-10-30. Optional."),
        ref("successor_id", "Who took over", "caseworker", blank="Not known", json="successor"),
        choice("handover", "What was passed on", vocab.HANDOVERS, blank="Not recorded"),
    ),
    one_of=("name", "role"),
    one_of_words="a name, a role, or both",
)

STAGE = Kind(
    name="stage", noun="stage", model=Stage, json_list="stages", json_key_prefix="s",
    fields=(
        ID,
        text("name", "Stage name", 120, CHECKED, required=True,
             hint="For example: crisis, asking for help, intake, waiting, follow-up."),
        POSITION,
        structure("touchpoints", Type.CHILDREN),
        VERSION,
    ),
)

TOUCHPOINT = Kind(
    name="touchpoint", noun="touchpoint", model=Touchpoint, json_list="touchpoints", json_key_prefix="t",
    fields=(
        ID,
        ref("stage_id", "Stage", "stage", blank="Not in a stage yet", json="stage", csv=None),
        POSITION,
        text("action", "What the family had to do", 300, CHECKED, required=True),
        text("place", "Where they had to go", 300, REPLACED, csv=("Where",)),
        ref("agency_id", "Agency", "agency", blank="Not known", json="agency", csv=("Agency", "Sector")),
        ref("caseworker_id", "Caseworker", "caseworker", blank="Not known", json="caseworker"),
        choice("channel", "How", vocab.CHANNELS, blank="Not recorded"),
        Field("days_waited", Type.NUMBER, KEPT, "Days waited", hint="Leave empty if not known.",
              low=0, high=3650, unit="days"),
        long_text("documents", "Documents asked for", 2000, REPLACED,
                  hint="One per line, or separated by commas."),
        flag("retold_story", "The family had to tell their story again", csv=("Told their story again",)),
        choice("feeling", "How it felt to the family", vocab.FEELINGS, blank="Not said", radio=True,
               csv=("Feeling", "Feeling score (-2 to +2)")),
        choice("reported_by", "Reported by", vocab.REPORTERS, default="facilitator", radio=True),
        structure("barrier_ids", Type.LINKS, ref="barrier"),
        VERSION,
        FROM_FAMILY,
        CREATED_BY,
    ),
)

BARRIER = Kind(
    name="barrier", noun="barrier", model=Barrier, json_list="barriers", json_key_prefix="b",
    fields=(
        ID,
        text("title", "Barrier", 200, CHECKED, required=True, hint="A short name, such as “Power shut off”.",
             csv=("Title",)),
        long_text("description", "What happened", LONG, REMOVED),
        choice("category", "Category", vocab.BARRIER_CATEGORIES, default="other"),
        choice("severity", "Severity", vocab.SEVERITIES, default="medium"),
        ref("owner_agency_id", "Owning agency", "agency", blank="No one", json="owner_agency",
            csv=("Whose job", "Owning agency")),
        ref("owner_caseworker_id", "Owning caseworker", "caseworker", blank="No one",
            json="owner_caseworker", csv=("Owning caseworker",)),
        structure("owner_recorded_at", Type.TIME, REMOVED),
        # The owner's answer (journeymap.domain.commitments): set by accepting or declining, never by
        # the barrier's form, so kept out of it; the history records them with accept and decline.
        structure("owner_answer", Type.CHOICE, KEPT, label="Owner's answer", vocabulary=vocab.OWNER_ANSWERS,
                  blank="Not asked"),
        structure("owner_answered_at", Type.TIME, REMOVED, label="Answered"),
        structure("owner_answered_by", Type.TEXT, REMOVED, label="Answered by", maximum=120),
        structure("decline_reason", Type.LONG_TEXT, CHECKED, label="Why they declined", maximum=1000),
        structure("created_at", Type.TIME, REMOVED, label="Added"),  # "new since the last meeting"
        VERSION,
        FROM_FAMILY,
        CREATED_BY,
        # Last, as in JSON files since version 2 (their bytes do not change with this declaration).
        Field("touchpoint_ids", Type.LINKS, KEPT, "Where it showed up", ref="touchpoint", json="touchpoints",
              csv=None),
    ),
)

# That two people (or two agencies) holding a file on the family have been in touch
# (journeymap.readmodel.introductions): either the two caseworkers or the two agencies are set.
# The day is about the services' contact, like a steering meeting's, so kept; the note is the
# group's words, shared only once checked.
INTRODUCTION = Kind(
    name="introduction", noun="introduction", model=Introduction, json_list="introductions",
    json_key_prefix="i",
    fields=(
        ID,
        ref("caseworker_a_id", "Caseworker", "caseworker", blank="Choose a caseworker", json="caseworker_a"),
        ref("caseworker_b_id", "and caseworker", "caseworker", blank="Choose a caseworker",
            json="caseworker_b"),
        ref("agency_a_id", "Agency", "agency", blank="Choose an agency", json="agency_a"),
        ref("agency_b_id", "and agency", "agency", blank="Choose an agency", json="agency_b"),
        Field("made_on", Type.DATE, KEPT, "When", required=True,
              hint="The day they were first in touch, such as 2026-11-16."),
        choice("how", "How", vocab.INTRODUCTION_WAYS, default="meeting", radio=True),
        text("note", "Note", 500, CHECKED,
             hint="Optional. What was agreed, in a few words. No names are needed."),
        structure("created_at", Type.TIME, REMOVED),
        CREATED_BY,
        VERSION,
    ),
)

# Someone sent the family on (journeymap.domain.handoffs, journeymap.readmodel.handoffs). Who sent and
# who was to receive are facts about the services, kept; the days are days of the family's life,
# removed like other dates (the brief counts dropped handoffs and days lost from the full view, as it
# does what changed since a meeting). What was expected is the group's words about a service,
# CHECKED like a step's action.
# The steps (status and their days) are set by the step actions, never by the edit form.
HANDOFF = Kind(
    name="handoff", noun="handoff", model=Handoff, json_list="handoffs", json_key_prefix="h",
    fields=(
        ID,
        ref("from_agency_id", "From agency", "agency", blank="Not known", json="from_agency"),
        ref("from_caseworker_id", "From caseworker", "caseworker", blank="Not known", json="from_caseworker"),
        ref("to_agency_id", "To agency", "agency", blank="Not known", json="to_agency"),
        ref("to_caseworker_id", "To caseworker", "caseworker", blank="Not known", json="to_caseworker"),
        Field("sent_on", Type.DATE, REMOVED, "Sent on",
              hint="The day the family was sent on, such as 2026-11-02."),
        choice("channel", "How", vocab.HANDOFF_CHANNELS, blank="Not recorded"),
        long_text("expected", "What was expected", 1000, CHECKED,
                  hint="What the family was told would happen, such as “They will call you within a week”."),
        ref("began_touchpoint_id", "Where it began", "touchpoint", blank="Not linked", json="began_at"),
        ref("ended_touchpoint_id", "Where it ended", "touchpoint", blank="Not linked", json="ended_at"),
        structure("status", Type.CHOICE, KEPT, label="Step", vocabulary=vocab.HANDOFF_STATUSES,
                  default="sent"),
        structure("received_on", Type.DATE, REMOVED, label="Received on"),
        structure("answered_on", Type.DATE, REMOVED, label="Answered on"),
        structure("answered_by", Type.TEXT, REMOVED, label="Answered by", maximum=120),
        structure("decline_reason", Type.LONG_TEXT, CHECKED, label="Why they declined", maximum=1000),
        structure("completed_on", Type.DATE, REMOVED, label="Completed on"),
        # Named "barrier" in JSON files (a key there, like every reference), not by its column.
        Field("barrier_id", Type.REF, KEPT, "Became the barrier", ref="barrier", json="barrier", csv=None,
              kept_by_database=True),
        structure("created_at", Type.TIME, REMOVED),
        VERSION,
        FROM_FAMILY,
        CREATED_BY,
    ),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in (FAMILY, MEMBER, AGENCY, CASEWORKER, STAGE, TOUCHPOINT,
                                                       BARRIER, INTRODUCTION, HANDOFF)}

# What owners said they would do, and the record of doing it (journeymap.domain.commitments).
# Not in KINDS: they are not yet in JSON, CSV or the item forms those tests walk (the issue's
# point 3 brings JSON format version 3); tests/unit/test_follow_up_kinds.py checks them instead.
# Their typed text about the service is CHECKED: shared only once a facilitator has checked it
# (Check before sharing), with the map's names replaced.
COMMITMENT = Kind(
    name="commitment", noun="next step", model=Commitment,
    fields=(
        ID,
        structure("barrier_id", Type.REF, ref="barrier"),
        text("next_step", "Next step", 500, CHECKED, required=True,
             hint="In plain words: what will be done, such as “Call the landlord about the deposit”."),
        ref("who_caseworker_id", "Who does it", "caseworker", blank="Not one of the map's caseworkers",
            json="who_caseworker"),
        text("who_text", "Or who, in words", 200, REMOVED, hint="For example: the intake team."),
        Field("due_on", Type.DATE, KEPT, "By when", hint="A day, such as 2026-12-18."),
        choice("status", "Status", vocab.COMMITMENT_STATUSES, default="open"),
        long_text("what_changed", "What changed for the family", 2000, CHECKED),
        structure("closed_at", Type.TIME, REMOVED, label="Closed"),
        structure("created_at", Type.TIME, REMOVED),
        structure("updated_at", Type.TIME, REMOVED),
        CREATED_BY,
        VERSION,
    ),
)

PROGRESS = Kind(
    name="progress", noun="progress entry", model=ProgressEntry,
    fields=(
        ID,
        structure("commitment_id", Type.REF, ref="commitment"),
        Field("on_date", Type.DATE, KEPT, "On", required=True),
        long_text("what_was_done", "What was done", 2000, CHECKED),
        long_text("what_is_blocking", "What is in the way", 2000, CHECKED),
        structure("by_name", Type.TEXT, REMOVED, label="By", maximum=120),
        CREATED_BY,
        structure("created_at", Type.TIME, REMOVED),
    ),
    one_of=("what_was_done", "what_is_blocking"),
    one_of_words="what was done, what is in the way, or both",
)

FOLLOW_UP_KINDS: dict[str, Kind] = {kind.name: kind for kind in (COMMITMENT, PROGRESS)}

# A steering meeting of the map's group (journeymap.domain.meetings): the day the brief compares
# the map with. Who came is by role and agency, about the services, so it is SERVICE text like a
# caseworker's role (read before sharing). No notes: what a group agrees is in the commitments,
# and free notes would be text about the family that de-identification must then clean.
MEETING = Kind(
    name="meeting", noun="steering meeting", model=Meeting,
    fields=(
        ID,
        Field("held_on", Type.DATE, KEPT, "Held on", required=True,
              hint="The day the group met, such as 2026-11-16."),
        long_text("attendees", "Who came", 2000, SERVICE,
                  hint="One a line: a role, then the agency after a comma, such as "
                       "“Housing officer, County Housing Office”. No names are needed."),
        structure("created_at", Type.TIME, REMOVED),
        CREATED_BY,
        VERSION,
    ),
)

MEETING_KINDS: dict[str, Kind] = {MEETING.name: MEETING}


# The family's word on an item of their map (journeymap.domain.family_word): confirmed or disputed,
# with a comment in their own words. The comment is the family's own telling, like their situation:
# removed when de-identified. The day and who typed it are removed too; whether it was given on the
# family's behalf (by a facilitator sitting with them) is kept, as provenance.
FAMILY_WORD = Kind(
    name="family_word", noun="family's word", model=FamilyWord,
    fields=(
        ID,
        structure("item_kind", Type.TEXT, label="Item", maximum=20),
        structure("item_id", Type.ID),
        choice("verdict", "The family's word", vocab.VERDICTS, required=True),
        long_text("comment", "In their own words", 2000, REMOVED,
                  hint="Optional. For a dispute: what really happened?"),
        structure("on_behalf", Type.FLAG, label="On the family's behalf"),
        structure("by_user_id", Type.REF, REMOVED),  # an account on this server, like created_by_id
        structure("at", Type.TIME, REMOVED, label="When"),
        VERSION,
    ),
)

# The kinds of item the family confirms or disputes, by name: adding one here gives it the routes,
# the mark on its page, the counts, the CSV column and the JSON entries. Each must be in KINDS.
WORD_KINDS: tuple[str, ...] = ("touchpoint", "barrier", "handoff")
