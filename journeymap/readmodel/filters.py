"""Narrowing a map view for a drawing: one stage of the journey.

Pure, like the map view itself: the silo map and the journey view draw the narrowed view with
the same code as the whole one, so a filtered drawing cannot disagree with the unfiltered one.
"""

from __future__ import annotations

import dataclasses

from journeymap.readmodel.snapshot import MapView


def only_stage(view: MapView, stage_id: int) -> MapView:
    """The map as the family lived it in one stage.

    Kept: that stage's touchpoints; the barriers met at them; the agencies and caseworkers the
    family met there or who own one of those barriers. Everything else (other stages, people
    they never met in this stage) is left out, so the drawing answers "who was involved here?".
    The caller checks that the stage exists (an unknown stage is a 404, not an empty drawing).
    """
    stage = view.stage(stage_id)
    if stage is None:
        raise KeyError(stage_id)
    touchpoint_ids = {tp.id for tp in stage.touchpoints}
    barriers = tuple(b for b in view.barriers if touchpoint_ids.intersection(b.touchpoint_ids))
    barriers = tuple(
        dataclasses.replace(b, touchpoint_ids=tuple(t for t in b.touchpoint_ids if t in touchpoint_ids))
        for b in barriers
    )
    barrier_ids = {b.id for b in barriers}
    touchpoints = tuple(
        dataclasses.replace(tp, barrier_ids=tuple(b for b in tp.barrier_ids if b in barrier_ids))
        for tp in stage.touchpoints
    )
    stage = dataclasses.replace(stage, touchpoints=touchpoints)

    caseworker_ids = {tp.caseworker_id for tp in touchpoints} | {b.owner_caseworker_id for b in barriers}
    caseworkers = tuple(c for c in view.caseworkers if c.id in caseworker_ids)
    agency_ids = (
        {tp.agency_id for tp in touchpoints}
        | {c.agency_id for c in caseworkers}
        | {view.barrier_owner_agency_id(b) for b in barriers}
    )
    agencies = tuple(a for a in view.agencies if a.id in agency_ids)
    return dataclasses.replace(
        view,
        stages=(stage,),
        named_stages=(stage,),
        agencies=agencies,
        caseworkers=caseworkers,
        barriers=barriers,
    )
