"""Load a whole map once, in a fixed number of queries, into the map view (readmodel/views.py).

The map view feeds the pages, the silo map, the exports and the figures alike, so they never
disagree and no template runs a query of its own. Items are built by keyword from their rows:
every field a kind declares (journeymap.kinds.items) is read from the column of the same name.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    barrier_touchpoint,
)
from journeymap.readmodel.views import (
    ITEM_VIEW_OF,
    UNSTAGED_NAME,
    AgencyView,
    BarrierView,
    CaseworkerView,
    CommitmentView,
    FamilyWordView,
    HandoffView,
    IntroductionView,
    MapView,
    MeetingView,
    MemberView,
    ProgressView,
    StageView,
    TouchpointView,
)

__all__ = [
    "ITEM_VIEW_OF", "UNSTAGED_NAME", "AgencyView", "BarrierView", "CaseworkerView", "MapView", "MemberView",
    "StageView", "TouchpointView", "load_map_view",
]


@cache
def stored_fields(kind: Kind) -> tuple[str, ...]:
    """The names of the kind's declared fields that are columns of its table, in declared order."""
    columns = kind.model.__table__.columns
    return tuple(f.name for f in kind.fields if f.name in columns)


def load_map_view(session: Session, map_id: int) -> MapView | None:
    """The whole map in a dozen queries, whatever its size; None when there is no such map."""
    journey_map = session.get(JourneyMap, map_id)
    if journey_map is None:
        return None

    def rows(kind: Kind, *order) -> list[dict]:
        # Plain rows of the declared columns, not ORM objects: the view copies them into its own
        # dataclasses anyway, and building (and identity-mapping) a thousand objects for a big
        # map costs more than the queries themselves.
        names = stored_fields(kind)
        columns = [kind.model.__table__.columns[name] for name in names]
        found = session.execute(select(*columns).where(kind.model.map_id == map_id).order_by(*order))
        return [dict(zip(names, row, strict=True)) for row in found]

    members = tuple(
        MemberView(**m) for m in rows(MEMBER, HouseholdMember.position, HouseholdMember.id)
    )
    agencies = tuple(AgencyView(**a) for a in rows(AGENCY, Agency.name, Agency.id))
    caseworkers = tuple(
        CaseworkerView(**c) for c in rows(CASEWORKER, Caseworker.role, Caseworker.name, Caseworker.id)
    )
    barriers_of_tp, tps_of_barrier = _links(session, map_id)

    touchpoints_by_stage: dict[int | None, list] = defaultdict(list)
    for t in rows(TOUCHPOINT, Touchpoint.position, Touchpoint.id):
        touchpoints_by_stage[t["stage_id"]].append(
            TouchpointView(**t, barrier_ids=tuple(barriers_of_tp.get(t["id"], ())))
        )
    named_stages = tuple(
        StageView(**s, touchpoints=tuple(touchpoints_by_stage.get(s["id"], ())))
        for s in rows(STAGE, Stage.position, Stage.id)
    )
    stages = named_stages
    if touchpoints_by_stage.get(None):
        unstaged = tuple(touchpoints_by_stage[None])
        stages += (StageView(id=None, name=UNSTAGED_NAME, position=len(named_stages), touchpoints=unstaged),)

    barriers = tuple(
        BarrierView(**b, touchpoint_ids=tuple(tps_of_barrier.get(b["id"], ())))
        for b in rows(BARRIER, Barrier.id)
    )
    progress_of: dict[int, list] = defaultdict(list)
    for p in rows(PROGRESS, ProgressEntry.on_date, ProgressEntry.id):
        progress_of[p["commitment_id"]].append(ProgressView(**p))
    commitments = tuple(
        CommitmentView(**c, progress=tuple(progress_of.get(c["id"], ())))
        for c in rows(COMMITMENT, Commitment.id)
    )
    meetings = tuple(MeetingView(**m) for m in rows(MEETING, Meeting.held_on, Meeting.id))
    family_words = tuple(FamilyWordView(**w) for w in rows(FAMILY_WORD, FamilyWord.id))
    introductions = tuple(
        IntroductionView(**i) for i in rows(INTRODUCTION, Introduction.made_on, Introduction.id)
    )
    handoffs = tuple(HandoffView(**h) for h in rows(HANDOFF, Handoff.sent_on.is_(None), Handoff.sent_on,
                                                     Handoff.id))
    family = {f.name: getattr(journey_map, f.name) for f in FAMILY.fields}
    return MapView(
        **family, members=members, stages=stages, named_stages=named_stages, agencies=agencies,
        caseworkers=caseworkers, barriers=barriers, commitments=commitments,
        meetings=meetings, family_words=family_words, introductions=introductions, handoffs=handoffs,
    )


def _links(session: Session, map_id: int) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Which barriers showed up at which touchpoints, both ways round."""
    links = session.execute(
        select(barrier_touchpoint.c.barrier_id, barrier_touchpoint.c.touchpoint_id)
        .join(Barrier, Barrier.id == barrier_touchpoint.c.barrier_id)
        .where(Barrier.map_id == map_id)
        .order_by(barrier_touchpoint.c.barrier_id, barrier_touchpoint.c.touchpoint_id)
    ).all()
    barriers_of_tp: dict[int, list[int]] = defaultdict(list)
    tps_of_barrier: dict[int, list[int]] = defaultdict(list)
    for barrier_id, touchpoint_id in links:
        barriers_of_tp[touchpoint_id].append(barrier_id)
        tps_of_barrier[barrier_id].append(touchpoint_id)
    return barriers_of_tp, tps_of_barrier
