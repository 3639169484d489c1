"""synth_map: made-up maps of any size, the same for the same seed, every reference on its own map."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from journeymap.exports.json_out import map_to_json_dict
from journeymap.extensions import db
from journeymap.kinds import vocab
from journeymap.models import Agency, Barrier, Caseworker, JourneyMap, Stage, Touchpoint
from journeymap.readmodel import metrics
from journeymap.samples.synth import synth_document, synth_map

SIZE = {"agencies": 8, "caseworkers_per_agency": 3, "touchpoints": 40, "barriers": 15}


def make(seed: int = 1, **size):
    journey_map = synth_map(db.session, **{**SIZE, **size}, seed=seed)
    db.session.commit()
    return journey_map


def test_counts_match(app, view_of):
    view = view_of(make(stages=4).id)
    assert len(view.agencies) == 8
    assert len(view.caseworkers) == 24
    assert len(view.touchpoints) == 40
    assert len(view.barriers) == 15
    assert len(view.named_stages) == 4
    assert view.pseudonym == "Synthetic family 1"
    assert 2 <= len(view.members) <= 6


def test_same_seed_same_map_other_seed_other_map(app, view_of):
    first, again, other = (map_to_json_dict(view_of(make(seed).id)) for seed in (7, 7, 8))
    assert first == again
    assert first["touchpoints"] != other["touchpoints"]
    assert synth_document(**SIZE, seed=3) == synth_document(**SIZE, seed=3)


def test_every_reference_stays_on_its_own_map(app):
    maps = [make(seed) for seed in (1, 2)]
    for journey_map in maps:
        def ids(model, map_id=journey_map.id):
            return set(db.session.scalars(select(model.id).where(model.map_id == map_id)))

        agencies, workers, stages = ids(Agency), ids(Caseworker), ids(Stage)
        worker_agency = dict(
            db.session.execute(
                select(Caseworker.id, Caseworker.agency_id).where(Caseworker.map_id == journey_map.id)
            ).all()
        )
        assert set(worker_agency.values()) <= agencies
        assert None not in worker_agency.values()  # every synthetic caseworker is at an agency
        touchpoints = db.session.scalars(
            select(Touchpoint).where(Touchpoint.map_id == journey_map.id)
        ).all()
        for tp in touchpoints:
            assert tp.stage_id in stages
            assert tp.agency_id is None or tp.agency_id in agencies
            if tp.caseworker_id is not None:
                assert tp.caseworker_id in workers
                assert worker_agency[tp.caseworker_id] == tp.agency_id
        for barrier in db.session.scalars(select(Barrier).where(Barrier.map_id == journey_map.id)):
            assert barrier.owner_agency_id is None or barrier.owner_agency_id in agencies
            if barrier.owner_caseworker_id is not None:
                assert barrier.owner_caseworker_id in workers
                assert worker_agency[barrier.owner_caseworker_id] == barrier.owner_agency_id


def test_the_view_loads_and_looks_like_a_journey(app, view_of):
    view = view_of(make(touchpoints=60, barriers=50).id)
    # Every stage has touchpoints, in order, and nothing is left outside a stage.
    assert all(stage.touchpoints for stage in view.named_stages)
    assert view.stages == view.named_stages
    assert all(1 <= len(b.touchpoint_ids) <= 3 for b in view.barriers)
    assert 0.2 <= len(view.unowned_barriers) / len(view.barriers) <= 0.6  # about 40%
    assert {tp.channel for tp in view.touchpoints} <= {*vocab.values(vocab.CHANNELS), None}
    assert {a.sector for a in view.agencies} <= set(vocab.values(vocab.SECTORS))
    assert len({a.name for a in view.agencies}) == len(view.agencies)
    figures = {f.label: f.value for f in metrics.family_figures(view)}
    assert figures["things the family had to do"] == 60
    assert figures["documents asked for"] > 0
    for barrier in view.barriers:
        assert all(view.barrier(barrier.id) in view.barriers_at(tp) for tp in barrier.touchpoint_ids)


def test_large_map_is_quick_and_does_not_commit(app):
    journey_map = synth_map(
        db.session, agencies=100, caseworkers_per_agency=5, touchpoints=500, barriers=200
    )
    assert db.session.scalar(select(func.count()).select_from(Touchpoint)) == 500
    db.session.rollback()  # nothing was committed: it all goes
    assert db.session.scalar(select(func.count()).select_from(JourneyMap)) == 0
    assert journey_map is not None


def test_empty_and_tiny_maps(app, view_of):
    view = view_of(make(agencies=0, caseworkers_per_agency=5, touchpoints=3, barriers=2, stages=0).id)
    assert view.agencies == () and view.caseworkers == () and view.named_stages == ()
    assert [tp.agency_id for tp in view.touchpoints] == [None, None, None]
    assert all(b.is_unowned for b in view.barriers)
    view = view_of(make(touchpoints=0, barriers=2).id)
    assert view.touchpoints == [] and all(b.touchpoint_ids == () for b in view.barriers)


def test_negative_sizes_are_refused(app):
    with pytest.raises(ValueError, match="touchpoints must not be negative"):
        synth_map(db.session, agencies=1, caseworkers_per_agency=1, touchpoints=-1, barriers=0)
