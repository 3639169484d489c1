"""The map view: plain, frozen, read-only objects, one class per kind of item.

Each item class is made from its kind's declaration (journeymap.kinds.items): every declared field
is an attribute of that name and type, set by keyword only. What the classes add by hand is
behaviour (labels, lookups), never fields, so a field declared once is in the view at once.
The map's indexes (item by id, caseworkers by agency, ...) are derived from its tuples on first
use, so `dataclasses.replace(view, barriers=...)` can never hand out a stale item.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from functools import cached_property

from journeymap.kinds import vocab
from journeymap.kinds.fields import Kind
from journeymap.kinds.items import (
    AGENCY,
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
from journeymap.readmodel import follow_up

UNSTAGED_NAME = "Not in a stage yet"


def view_class(name: str, kind: Kind, behaviour: type, extra: tuple = ()) -> type:
    """A frozen, keyword-only dataclass with the kind's declared fields (and `extra` ones, as
    (name, type, default)) and `behaviour`'s methods."""
    fields = [
        (f.name, f.python_type, dataclasses.field(default=f.view_default())) for f in kind.fields
    ] + [(name, type_, dataclasses.field(default=default)) for name, type_, default in extra]
    return dataclasses.make_dataclass(
        name, fields, bases=(behaviour,), frozen=True, kw_only=True,
        namespace={"__module__": __name__, "__doc__": behaviour.__doc__, "kind": kind},
    )


class _Member:
    """A member of the household, by role and age band."""

    @property
    def age_label(self) -> str:
        return vocab.label(vocab.AGE_BANDS, self.age_band)


class _Agency:
    """An agency holding a file on the family."""

    @property
    def sector_label(self) -> str:
        return vocab.label(vocab.SECTORS, self.sector)


class _Caseworker:
    """A person at an agency, known by name, by role, or both."""

    @property
    def display_name(self) -> str:
        """Name and role when both are known ("Dana, school social worker")."""
        return ", ".join(part for part in (self.name, self.role) if part)

    @property
    def has_left(self) -> bool:
        return self.status == "left"


class _Stage:
    """A stage of the journey with its touchpoints in order (id None: those not in a stage yet)."""


class _Touchpoint:
    """One thing the family had to do, somewhere, with someone."""

    @property
    def channel_label(self) -> str:
        return vocab.label(vocab.CHANNELS, self.channel)

    @property
    def feeling_label(self) -> str:
        return vocab.label(vocab.FEELINGS, self.feeling)

    @property
    def reporter_label(self) -> str:
        return vocab.label(vocab.REPORTERS, self.reported_by)

    @property
    def document_list(self) -> list[str]:
        """Documents asked for, one per line or separated by commas."""
        parts = self.documents.replace("\r", "").replace(",", "\n").split("\n")
        return [part.strip() for part in parts if part.strip()]


class _Barrier:
    """Something that got in the family's way, and whose job it is to fix it."""

    @property
    def is_unowned(self) -> bool:
        return self.owner_agency_id is None and self.owner_caseworker_id is None

    @property
    def category_label(self) -> str:
        return vocab.label(vocab.BARRIER_CATEGORIES, self.category)

    @property
    def answer(self) -> str | None:
        """The owner's answer: an owner recorded before owners were asked is waiting for one too."""
        if self.is_unowned:
            return "declined" if self.owner_answer == "declined" else None
        return self.owner_answer if self.owner_answer in ("pending", "accepted") else "pending"

    @property
    def severity_label(self) -> str:
        return vocab.label(vocab.SEVERITIES, self.severity)


class _Handoff:
    """Someone sent the family on, and what became of it (journeymap.readmodel.handoffs: dropped)."""

    @property
    def channel_label(self) -> str:
        return vocab.label(vocab.HANDOFF_CHANNELS, self.channel)

    @property
    def status_label(self) -> str:
        return vocab.label(vocab.HANDOFF_STATUSES, self.status)


class _Commitment:
    """What an owner said they would do about a barrier, with its progress entries oldest first."""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def is_overdue(self, today) -> bool:
        return follow_up.is_overdue(self, today)


class _Progress:
    """One dated line of follow-up on a commitment."""


class _Meeting:
    """A steering meeting of the map's group: its day and who came."""

    @property
    def attendee_lines(self) -> list[tuple[str, str]]:
        """Who came, (role, agency) a line: the agency is what follows the last comma, if any."""
        lines = []
        for line in self.attendees.replace("\r", "").split("\n"):
            if not line.strip():
                continue
            role, comma, agency = line.rpartition(",")
            lines.append((role.strip(), agency.strip()) if comma and role.strip() else (line.strip(), ""))
        return lines


class _FamilyWord:
    """The family's word on one item: confirmed or disputed, perhaps with a comment."""

    @property
    def is_disputed(self) -> bool:
        return self.verdict == "disputed"

    @property
    def is_confirmed(self) -> bool:
        return self.verdict == "confirmed"

    @property
    def verdict_label(self) -> str:
        return vocab.label(vocab.VERDICTS, self.verdict)


class _Introduction:
    """Two caseworkers, or two agencies, who have been in touch."""

    @property
    def between_caseworkers(self) -> bool:
        return self.caseworker_a_id is not None

    @property
    def ends(self) -> tuple[str, str]:
        """The pair as the read model keys people: ("c12", "c15") or ("a3", "a4")."""
        if self.between_caseworkers:
            return f"c{self.caseworker_a_id}", f"c{self.caseworker_b_id}"
        return f"a{self.agency_a_id}", f"a{self.agency_b_id}"

    @property
    def how_label(self) -> str:
        return vocab.label(vocab.INTRODUCTION_WAYS, self.how)


MemberView = view_class("MemberView", MEMBER, _Member)
AgencyView = view_class("AgencyView", AGENCY, _Agency)
CaseworkerView = view_class("CaseworkerView", CASEWORKER, _Caseworker)
StageView = view_class("StageView", STAGE, _Stage)
TouchpointView = view_class("TouchpointView", TOUCHPOINT, _Touchpoint)
BarrierView = view_class("BarrierView", BARRIER, _Barrier)
ProgressView = view_class("ProgressView", PROGRESS, _Progress)
MeetingView = view_class("MeetingView", MEETING, _Meeting)
FamilyWordView = view_class("FamilyWordView", FAMILY_WORD, _FamilyWord)
IntroductionView = view_class("IntroductionView", INTRODUCTION, _Introduction)
# kept_waiting: how many days a handoff nobody received had waited when a de-identified view was
# made (journeymap.exports.deidentify), which has no days to count from; None in a full view.
HandoffView = view_class("HandoffView", HANDOFF, _Handoff, extra=(("kept_waiting", int | None, None),))
CommitmentView = view_class("CommitmentView", COMMITMENT, _Commitment, extra=(("progress", tuple, ()),))

ITEM_VIEW_OF = {
    cls.kind.name: cls
    for cls in (MemberView, AgencyView, CaseworkerView, StageView, TouchpointView, BarrierView,
                IntroductionView, HandoffView)
}


class _Map:
    """A whole map: the family's details (journeymap.kinds.items.FAMILY) and every item on it."""

    # Lookups -----------------------------------------------------------------------------
    def agency(self, agency_id: int | None):
        return self._agency_by_id.get(agency_id) if agency_id is not None else None

    def caseworker(self, caseworker_id: int | None):
        return self._caseworker_by_id.get(caseworker_id) if caseworker_id is not None else None

    def member(self, member_id: int):
        return next((m for m in self.members if m.id == member_id), None)

    def stage(self, stage_id: int):
        return next((s for s in self.named_stages if s.id == stage_id), None)

    def touchpoint(self, touchpoint_id: int):
        return self._touchpoint_by_id.get(touchpoint_id)

    def barrier(self, barrier_id: int):
        return self._barrier_by_id.get(barrier_id)

    def introduction(self, introduction_id: int):
        return next((i for i in self.introductions if i.id == introduction_id), None)
    def handoff(self, handoff_id: int):
        return self._handoff_by_id.get(handoff_id)

    def meeting(self, meeting_id: int):
        return next((m for m in self.meetings if m.id == meeting_id), None)

    def last_meeting(self, today):
        """The latest steering meeting held by `today` (not one planned for later), or None."""
        held = [m for m in self.meetings if m.held_on <= today]  # in the order they were held
        return held[-1] if held else None

    def word_on(self, kind: str, item_id: int | None):
        """The family's word on an item (journeymap.kinds.items.WORD_KINDS), or None."""
        return self._word_by_item.get((kind, item_id))

    @cached_property
    def _word_by_item(self) -> dict:
        return {(w.item_kind, w.item_id): w for w in self.family_words}

    # Derived lists and indexes: computed once from the tuples above (the view is frozen, so they
    # cannot go stale; a replaced view computes its own). Pages ask once per agency or caseworker,
    # so a scan of the whole map each time would make a page's time grow with agencies x touchpoints.
    @cached_property
    def _agency_by_id(self) -> dict:
        return {a.id: a for a in self.agencies}

    @cached_property
    def _caseworker_by_id(self) -> dict:
        return {c.id: c for c in self.caseworkers}

    @cached_property
    def _touchpoint_by_id(self) -> dict:
        return {tp.id: tp for tp in self.touchpoints}

    @cached_property
    def _barrier_by_id(self) -> dict:
        return {b.id: b for b in self.barriers}

    @cached_property
    def _handoff_by_id(self) -> dict:
        return {h.id: h for h in self.handoffs}

    @cached_property
    def touchpoints(self) -> list:
        """Every touchpoint in journey order (stage order, then position)."""
        return [tp for stage in self.stages for tp in stage.touchpoints]

    @cached_property
    def unowned_barriers(self) -> list:
        return [b for b in self.barriers if b.is_unowned]

    # Commitments (journeymap.readmodel.follow_up has the rules; these are the map's lookups).
    def commitment_of(self, barrier_id: int):
        """The barrier's open commitment, else its latest one (done or handed on), else None."""
        mine = self._commitments_by_barrier.get(barrier_id, ())
        return next((c for c in reversed(mine) if c.is_open), mine[-1] if mine else None)

    @cached_property
    def _commitments_by_barrier(self) -> dict:
        return _grouped(self.commitments, lambda c: c.barrier_id)

    @cached_property
    def open_commitments(self) -> list:
        """Open commitments of barriers that still have an owner, oldest first."""
        return [c for c in self.commitments if c.is_open and self.barrier(c.barrier_id) is not None]

    def overdue_commitments(self, today) -> list:
        return [c for c in self.open_commitments if c.is_overdue(today)]

    def caseworkers_of(self, agency_id: int | None) -> list:
        return list(self._caseworkers_by_agency.get(agency_id, ()))

    def barriers_at(self, touchpoint_id: int) -> list:
        tp = self.touchpoint(touchpoint_id)
        return [self._barrier_by_id[b] for b in tp.barrier_ids if b in self._barrier_by_id] if tp else []

    def touchpoints_with(self, *, agency_id: int | None = None, caseworker_id: int | None = None):
        """Touchpoints with this agency or this caseworker, in journey order."""
        if caseworker_id is None:
            return list(self._touchpoints_by_agency.get(agency_id, ())) if agency_id is not None else []
        if agency_id is None:
            return list(self._touchpoints_by_caseworker.get(caseworker_id, ()))
        return [
            tp for tp in self.touchpoints if tp.agency_id == agency_id or tp.caseworker_id == caseworker_id
        ]

    @cached_property
    def _caseworkers_by_agency(self) -> dict:
        return _grouped(self.caseworkers, lambda worker: worker.agency_id)

    @cached_property
    def _touchpoints_by_agency(self) -> dict:
        return _grouped(self.touchpoints, lambda tp: tp.agency_id)

    @cached_property
    def _touchpoints_by_caseworker(self) -> dict:
        return _grouped(self.touchpoints, lambda tp: tp.caseworker_id)

    def barrier_owner_agency_id(self, barrier) -> int | None:
        """The silo a barrier belongs in: its owning agency, or its owning caseworker's."""
        if barrier.owner_agency_id is not None:
            return barrier.owner_agency_id
        owner = self.caseworker(barrier.owner_caseworker_id)
        return owner.agency_id if owner else None

    def barriers_owned_in(self, agency_id: int | None) -> list:
        """The barriers with an owner whose silo is this agency (None: owned by a caseworker with
        no agency recorded), in the map's order."""
        return list(self._owned_barriers_by_agency.get(agency_id, ()))

    @cached_property
    def _owned_barriers_by_agency(self) -> dict:
        owned = (b for b in self.barriers if not b.is_unowned)
        return _grouped(owned, self.barrier_owner_agency_id)

    def owner_text(self, barrier, each=str) -> str:
        """"Dana, school social worker at Lincoln School". `each` is applied to each name: for a
        page, journeymap.bidi.isolate, so a name cannot turn the "at" around."""
        parts = []
        if (cw := self.caseworker(barrier.owner_caseworker_id)) is not None:
            parts.append(each(cw.display_name))
        if (agency := self.agency(self.barrier_owner_agency_id(barrier))) is not None:
            parts.append(each(agency.name))
        return " at ".join(parts)


MapView = view_class("MapView", FAMILY, _Map, extra=(
    ("members", tuple, ()),
    ("stages", tuple, ()),  # in order; the unstaged group last, only when it has touchpoints
    ("named_stages", tuple, ()),  # the stages the group made, empty ones included
    ("agencies", tuple, ()),
    ("caseworkers", tuple, ()),
    ("barriers", tuple, ()),
    ("commitments", tuple, ()),  # every barrier's, oldest first, each with its progress
    ("meetings", tuple, ()),  # steering meetings, in the order they were held
    ("family_words", tuple, ()),  # the family's word on touchpoints and barriers, oldest first
    ("introductions", tuple, ()),  # introductions made, oldest first
    ("handoffs", tuple, ()),  # in the order they were sent (unknown days last), then added
))


def _grouped(items, key) -> dict:
    """`items` by `key(item)`, each group in the items' order."""
    groups: dict = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)
