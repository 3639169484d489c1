"""One silo on its own: the map narrowed to one agency, for a room that cannot read the whole.

Kept: the agency, its caseworkers, the touchpoints where the family met the agency or one of them,
the barriers the agency owns (or one of its caseworkers owns), and the barriers no one owns that
the family met there, each narrowed to the touchpoints kept. The silo map is then drawn from the
narrowed view as usual (journeymap.render.silo), so one silo looks like a piece of the whole.
"""

from __future__ import annotations

import dataclasses

from journeymap.readmodel.snapshot import MapView


def only_agency(view: MapView, agency_id: int) -> MapView:
    """The map as one agency's silo. The caller checks the agency is on this map (a 404 if not);
    a view already narrowed to a stage where the family never met the agency has none of it."""
    agency = view.agency(agency_id)
    caseworkers = tuple(view.caseworkers_of(agency_id))
    worker_ids = {cw.id for cw in caseworkers}
    met_here = {
        tp.id for tp in view.touchpoints
        if tp.agency_id == agency_id or tp.caseworker_id in worker_ids
    }
    owned = {b.id for b in view.barriers_owned_in(agency_id)}
    barriers = tuple(
        dataclasses.replace(b, touchpoint_ids=tuple(t for t in b.touchpoint_ids if t in met_here))
        for b in view.barriers
        if b.id in owned or (b.is_unowned and met_here.intersection(b.touchpoint_ids))
    )
    barrier_ids = {b.id for b in barriers}
    stages = tuple(
        dataclasses.replace(stage, touchpoints=tuple(
            dataclasses.replace(tp, barrier_ids=tuple(b for b in tp.barrier_ids if b in barrier_ids))
            for tp in stage.touchpoints if tp.id in met_here
        ))
        for stage in view.stages
    )
    return dataclasses.replace(
        view,
        stages=stages,
        named_stages=tuple(s for s in stages if s.id is not None),  # as the snapshot makes them
        agencies=(agency,) if agency is not None else (),
        caseworkers=caseworkers,
        barriers=barriers,
    )
