"""Load a whole map once, in a fixed number of queries, into plain read-only objects.

The map view feeds the pages, the silo map, the exports and the figures alike, so they never
disagree and no template runs a query of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from journeymap.kinds import vocab
from journeymap.models import (
    Agency,
    Barrier,
    Caseworker,
    HouseholdMember,
    JourneyMap,
    Stage,
    Touchpoint,
    barrier_touchpoint,
)


@dataclass(frozen=True)
class MemberView:
    id: int
    role: str
    age_band: str
    version: int = 1
    from_family: bool = False

    @property
    def age_label(self) -> str:
        return vocab.label(vocab.AGE_BANDS, self.age_band)


@dataclass(frozen=True)
class AgencyView:
    id: int
    name: str
    sector: str
    version: int = 1

    @property
    def sector_label(self) -> str:
        return vocab.label(vocab.SECTORS, self.sector)


@dataclass(frozen=True)
class CaseworkerView:
    id: int
    name: str
    role: str
    agency_id: int | None
    holds_file: bool
    status: str
    version: int = 1

    @property
    def display_name(self) -> str:
        """Name and role when both are known ("Dana, school social worker")."""
        return ", ".join(part for part in (self.name, self.role) if part)

    @property
    def has_left(self) -> bool:
        return self.status == "left"


@dataclass(frozen=True)
class TouchpointView:
    id: int
    stage_id: int | None
    position: int
    action: str
    place: str
    agency_id: int | None
    caseworker_id: int | None
    channel: str | None
    days_waited: int | None
    documents: str
    retold_story: bool
    feeling: int | None
    reported_by: str
    barrier_ids: tuple[int, ...] = ()
    version: int = 1
    from_family: bool = False
    created_by_id: int | None = None

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


@dataclass(frozen=True)
class StageView:
    id: int | None  # None is the group of touchpoints not yet in a stage
    name: str
    position: int
    touchpoints: tuple[TouchpointView, ...]
    version: int = 1


@dataclass(frozen=True)
class BarrierView:
    id: int
    title: str
    description: str
    category: str
    severity: str
    owner_agency_id: int | None
    owner_caseworker_id: int | None
    touchpoint_ids: tuple[int, ...] = ()
    version: int = 1
    from_family: bool = False
    created_by_id: int | None = None

    @property
    def is_unowned(self) -> bool:
        return self.owner_agency_id is None and self.owner_caseworker_id is None

    @property
    def category_label(self) -> str:
        return vocab.label(vocab.BARRIER_CATEGORIES, self.category)

    @property
    def severity_label(self) -> str:
        return vocab.label(vocab.SEVERITIES, self.severity)


UNSTAGED_NAME = "Not in a stage yet"


@dataclass(frozen=True)
class MapView:
    id: int
    pseudonym: str
    situation: str
    hopes: str
    revision: int
    created_at: datetime
    updated_at: datetime
    members: tuple[MemberView, ...]
    stages: tuple[StageView, ...]  # in order; the unstaged group last, only when it has touchpoints
    named_stages: tuple[StageView, ...]  # the stages the group made, empty ones included
    agencies: tuple[AgencyView, ...]
    caseworkers: tuple[CaseworkerView, ...]
    barriers: tuple[BarrierView, ...]
    version: int = 1  # of the family's details
    from_family: bool = False
    _agency_by_id: dict[int, AgencyView] = field(repr=False, default_factory=dict)
    _caseworker_by_id: dict[int, CaseworkerView] = field(repr=False, default_factory=dict)
    _touchpoint_by_id: dict[int, TouchpointView] = field(repr=False, default_factory=dict)
    _barrier_by_id: dict[int, BarrierView] = field(repr=False, default_factory=dict)

    # Lookups -----------------------------------------------------------------------------
    def agency(self, agency_id: int | None) -> AgencyView | None:
        return self._agency_by_id.get(agency_id) if agency_id is not None else None

    def caseworker(self, caseworker_id: int | None) -> CaseworkerView | None:
        return self._caseworker_by_id.get(caseworker_id) if caseworker_id is not None else None

    def member(self, member_id: int) -> MemberView | None:
        return next((m for m in self.members if m.id == member_id), None)

    def stage(self, stage_id: int) -> StageView | None:
        return next((s for s in self.named_stages if s.id == stage_id), None)

    def touchpoint(self, touchpoint_id: int) -> TouchpointView | None:
        return self._touchpoint_by_id.get(touchpoint_id)

    def barrier(self, barrier_id: int) -> BarrierView | None:
        return self._barrier_by_id.get(barrier_id)

    # Derived lists -------------------------------------------------------------------------
    # Cached: templates ask for these many times per page (frozen, so they cannot go stale).
    @cached_property
    def touchpoints(self) -> list[TouchpointView]:
        """Every touchpoint in journey order (stage order, then position)."""
        return [tp for stage in self.stages for tp in stage.touchpoints]

    @cached_property
    def unowned_barriers(self) -> list[BarrierView]:
        return [b for b in self.barriers if b.is_unowned]

    def caseworkers_of(self, agency_id: int | None) -> list[CaseworkerView]:
        return list(self._caseworkers_by_agency.get(agency_id, ()))

    def barriers_at(self, touchpoint_id: int) -> list[BarrierView]:
        tp = self.touchpoint(touchpoint_id)
        return [self._barrier_by_id[b] for b in tp.barrier_ids] if tp else []

    def touchpoints_with(self, *, agency_id: int | None = None, caseworker_id: int | None = None):
        """Touchpoints with this agency or this caseworker, in journey order."""
        if caseworker_id is None:
            return list(self._touchpoints_by_agency.get(agency_id, ())) if agency_id is not None else []
        if agency_id is None:
            return list(self._touchpoints_by_caseworker.get(caseworker_id, ()))
        return [
            tp for tp in self.touchpoints if tp.agency_id == agency_id or tp.caseworker_id == caseworker_id
        ]

    # Indexes for the lookups above. Pages ask once per agency or per caseworker, so a scan of the
    # whole map each time would make a page's time grow with agencies x touchpoints.
    @cached_property
    def _caseworkers_by_agency(self) -> dict[int | None, list[CaseworkerView]]:
        return _grouped(self.caseworkers, lambda worker: worker.agency_id)

    @cached_property
    def _touchpoints_by_agency(self) -> dict[int | None, list[TouchpointView]]:
        return _grouped(self.touchpoints, lambda tp: tp.agency_id)

    @cached_property
    def _touchpoints_by_caseworker(self) -> dict[int | None, list[TouchpointView]]:
        return _grouped(self.touchpoints, lambda tp: tp.caseworker_id)

    def barrier_owner_agency_id(self, barrier: BarrierView) -> int | None:
        """The silo a barrier belongs in: its owning agency, or its owning caseworker's."""
        if barrier.owner_agency_id is not None:
            return barrier.owner_agency_id
        owner = self.caseworker(barrier.owner_caseworker_id)
        return owner.agency_id if owner else None

    def barriers_owned_in(self, agency_id: int | None) -> list[BarrierView]:
        """The barriers with an owner whose silo is this agency (None: owned by a caseworker with
        no agency recorded), in the map's order."""
        return list(self._owned_barriers_by_agency.get(agency_id, ()))

    @cached_property
    def _owned_barriers_by_agency(self) -> dict[int | None, list[BarrierView]]:
        owned = (b for b in self.barriers if not b.is_unowned)
        return _grouped(owned, self.barrier_owner_agency_id)

    def owner_text(self, barrier: BarrierView) -> str:
        parts = []
        if (cw := self.caseworker(barrier.owner_caseworker_id)) is not None:
            parts.append(cw.display_name)
        if (agency := self.agency(self.barrier_owner_agency_id(barrier))) is not None:
            parts.append(agency.name)
        return " at ".join(parts)


def _grouped(items, key) -> dict:
    """`items` by `key(item)`, each group in the items' order."""
    groups: dict = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)


def load_map_view(session: Session, map_id: int) -> MapView | None:
    """The whole map in eight queries, whatever its size; None when there is no such map."""
    journey_map = session.get(JourneyMap, map_id)
    if journey_map is None:
        return None

    def rows(model, *order):
        # Plain rows of the table's columns, not ORM objects: the view copies them into its own
        # dataclasses anyway, and building (and identity-mapping) a thousand objects for a big
        # map costs more than the queries themselves.
        columns = model.__table__.columns
        return session.execute(select(*columns).where(model.map_id == map_id).order_by(*order)).all()

    members = tuple(
        MemberView(m.id, m.role, m.age_band, m.version, m.from_family)
        for m in rows(HouseholdMember, HouseholdMember.position, HouseholdMember.id)
    )
    agencies = tuple(
        AgencyView(a.id, a.name, a.sector, a.version) for a in rows(Agency, Agency.name, Agency.id)
    )
    caseworkers = tuple(
        CaseworkerView(c.id, c.name, c.role, c.agency_id, c.holds_file, c.status, c.version)
        for c in rows(Caseworker, Caseworker.role, Caseworker.name, Caseworker.id)
    )
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

    touchpoints_by_stage: dict[int | None, list[TouchpointView]] = defaultdict(list)
    for t in rows(Touchpoint, Touchpoint.position, Touchpoint.id):
        touchpoints_by_stage[t.stage_id].append(
            TouchpointView(
                t.id, t.stage_id, t.position, t.action, t.place, t.agency_id, t.caseworker_id,
                t.channel, t.days_waited, t.documents, t.retold_story, t.feeling, t.reported_by,
                tuple(barriers_of_tp.get(t.id, ())), t.version, t.from_family, t.created_by_id,
            )
        )
    named_stages = tuple(
        StageView(s.id, s.name, s.position, tuple(touchpoints_by_stage.get(s.id, ())), s.version)
        for s in rows(Stage, Stage.position, Stage.id)
    )
    stages = named_stages
    if touchpoints_by_stage.get(None):
        unstaged = tuple(touchpoints_by_stage[None])
        stages += (StageView(None, UNSTAGED_NAME, len(named_stages), unstaged),)

    barriers = tuple(
        BarrierView(
            b.id, b.title, b.description, b.category, b.severity, b.owner_agency_id,
            b.owner_caseworker_id, tuple(tps_of_barrier.get(b.id, ())), b.version, b.from_family,
            b.created_by_id,
        )
        for b in rows(Barrier, Barrier.id)
    )
    return MapView(
        id=journey_map.id,
        pseudonym=journey_map.pseudonym,
        situation=journey_map.situation,
        hopes=journey_map.hopes,
        revision=journey_map.revision,
        created_at=journey_map.created_at,
        updated_at=journey_map.updated_at,
        members=members,
        stages=stages,
        named_stages=named_stages,
        agencies=agencies,
        caseworkers=caseworkers,
        barriers=barriers,
        version=journey_map.version,
        from_family=journey_map.from_family,
        _agency_by_id={a.id: a for a in agencies},
        _caseworker_by_id={c.id: c for c in caseworkers},
        _touchpoint_by_id={tp.id: tp for stage in stages for tp in stage.touchpoints},
        _barrier_by_id={b.id: b for b in barriers},
    )
