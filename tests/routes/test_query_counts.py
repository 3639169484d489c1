"""Every read page of a map runs the same number of SQL statements whatever the map's size.

The pages read the map through journeymap/snapshot.py (a fixed number of queries) and no template
runs a query of its own; a count that grows with the map is an N+1 (a lookup per touchpoint,
per agency...). Counted with SQLAlchemy's "before_cursor_execute" event, for a small and a large
synthetic map, signed in as their facilitator: the sign-in session, the membership check and the
live revision are the same at both sizes, so only a query per item can make the counts differ.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import url_for
from sqlalchemy import event

from journeymap.extensions import db
from journeymap.models import Touchpoint
from journeymap.samples.synth import synth_map
from tests.routes.conftest import FACILITATOR, HX, add_to_map

# (agencies, caseworkers per agency, touchpoints, barriers)
SMALL = (3, 2, 10, 5)
LARGE = (30, 4, 150, 60)

# The read pages of a map. Any other GET of a map that needs only "read" (the journey view's
# picture, say) is found in the URL map and counted too, by the last test below.
READ_PAGES = [
    "maps.overview", "journey.page", "people.page", "barriers.page", "handoffs.page", "silo.page",
    "silo.image",
    "journey_view.page", "brief.page", "present.page", "data.page",
    "sharing.page",  # the facilitator's check before sharing: every text of the map, read once
    "connections.page",  # introductions to make (pairs in Python, no query per pair) and the table
]
# The same pages with their options: other drawings, other queries.
WITH_OPTIONS = [
    ("silo.page", {"focus": "unowned", "caseworkers": "hide"}),
    ("silo.image", {"detail": "full"}),
    ("silo.image", {"focus": "unowned", "caseworkers": "hide"}),
    ("silo.image", {"detail": "full", "introductions": "show"}),
    ("journey_view.image", {"detail": "full"}),
    ("present.page", {"show": "journey"}),
]


def make_map(size: tuple[int, int, int, int], seed: int) -> int:
    agencies, per_agency, touchpoints, barriers = size
    journey_map = synth_map(
        db.session, agencies=agencies, caseworkers_per_agency=per_agency, touchpoints=touchpoints,
        barriers=barriers, seed=seed, handoffs=touchpoints // 5,  # some dropped, some moved on
    )
    db.session.commit()
    add_to_map(journey_map.id, FACILITATOR, "facilitator")
    return journey_map.id


@pytest.fixture
def two_sizes(app) -> tuple[int, int]:
    return make_map(SMALL, seed=1), make_map(LARGE, seed=2)


@contextmanager
def counting():
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def url_of(app, endpoint: str, map_id: int, **args) -> str:
    with app.test_request_context():
        return url_for(endpoint, map_id=map_id, **args)


def statements_of(client, url: str, headers: dict | None = None) -> tuple[int, list[str]]:
    with counting() as statements:
        response = client.get(url, headers=headers or {})
    return response.status_code, statements


def assert_same_count(small: list[str], large: list[str]) -> None:
    if len(small) != len(large):
        listing = "\n".join(f"  {s.splitlines()[0][:140]}" for s in large)
        pytest.fail(
            f"{len(small)} statements for the small map, {len(large)} for the large one; "
            f"the large map's:\n{listing}"
        )


@pytest.mark.parametrize("endpoint", READ_PAGES)
def test_read_page_runs_as_many_statements_at_both_sizes(app, client, two_sizes, endpoint):
    small_id, large_id = two_sizes
    small_status, small = statements_of(client, url_of(app, endpoint, small_id))
    large_status, large = statements_of(client, url_of(app, endpoint, large_id))
    assert (small_status, large_status) == (200, 200)
    assert_same_count(small, large)


@pytest.mark.parametrize(("endpoint", "args"), WITH_OPTIONS, ids=[f"{e} {a}" for e, a in WITH_OPTIONS])
def test_read_page_with_options_runs_as_many_statements_at_both_sizes(app, client, two_sizes, endpoint, args):
    small_id, large_id = two_sizes
    small_status, small = statements_of(client, url_of(app, endpoint, small_id, **args))
    large_status, large = statements_of(client, url_of(app, endpoint, large_id, **args))
    assert (small_status, large_status) == (200, 200)
    assert_same_count(small, large)


def other_read_pages(app) -> list[str]:
    """GETs of a map, with no other part in the URL, that a viewer may use, not listed above."""
    found = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if (
            "GET" in rule.methods and rule.arguments == {"map_id"}
            and getattr(view, "access", None) == "read" and rule.endpoint not in READ_PAGES
        ):
            found.add(rule.endpoint)
    return sorted(found)


def test_every_other_read_page_runs_as_many_statements_at_both_sizes(app, client, two_sizes):
    small_id, large_id = two_sizes
    others = other_read_pages(app)
    assert "maps.show_family" in others  # the discovery finds pages at all
    for endpoint in others:
        # Some answer a plain browser with a redirect and htmx with a fragment: count what htmx gets.
        for headers in ({}, HX):
            small_status, small = statements_of(client, url_of(app, endpoint, small_id), headers)
            if small_status == 200:
                break
        else:
            continue
        large_status, large = statements_of(client, url_of(app, endpoint, large_id), headers)
        assert large_status == 200, endpoint
        assert_same_count(small, large)


def test_silo_image_again_runs_as_many_statements_at_both_sizes(client, two_sizes):
    """Every open page asks for the picture again after any change: answered from the drawing
    cache, or with 304 when the browser has it, it must stay cheap."""
    cached, not_modified = [], []
    for map_id in two_sizes:
        url = f"/maps/{map_id}/silo-map.svg"
        etag = client.get(url).headers["ETag"]
        status, statements = statements_of(client, url)
        assert status == 200
        cached.append(statements)
        status, statements = statements_of(client, url, {"If-None-Match": etag})
        assert status == 304
        not_modified.append(statements)
    assert_same_count(*cached)
    assert_same_count(*not_modified)


def test_the_counter_sees_a_statement_per_item(two_sizes):
    """The check itself: a lookup per touchpoint shows up as different counts."""
    counts = []
    for map_id in two_sizes:
        ids = db.session.scalars(db.select(Touchpoint.id).where(Touchpoint.map_id == map_id)).all()
        db.session.expunge_all()
        with counting() as statements:
            for touchpoint_id in ids:
                db.session.get(Touchpoint, touchpoint_id)
        counts.append(len(statements))
    assert counts == [SMALL[2], LARGE[2]]


def test_the_map_views_indexes_give_what_a_scan_gives(app, view_of):
    """The lookups the pages make per agency and per caseworker are indexed (see snapshot.py) so a
    page's time does not grow with agencies x touchpoints; they must answer exactly as a scan of
    the whole map, in the same order. A synthetic map has the cases that matter: touchpoints with
    and without an agency or a caseworker, barriers owned by an agency, by a caseworker, and by
    no one."""
    view = view_of(make_map(LARGE, seed=3))
    agency_ids = [a.id for a in view.agencies] + [None, -1]
    worker_ids = [c.id for c in view.caseworkers] + [None, -1]
    for agency_id in agency_ids:
        assert view.caseworkers_of(agency_id) == [c for c in view.caseworkers if c.agency_id == agency_id]
        assert view.touchpoints_with(agency_id=agency_id) == (
            [tp for tp in view.touchpoints if tp.agency_id == agency_id] if agency_id is not None else []
        )
        assert view.barriers_owned_in(agency_id) == [
            b for b in view.barriers if not b.is_unowned and view.barrier_owner_agency_id(b) == agency_id
        ]
    for worker_id in worker_ids:
        assert view.touchpoints_with(caseworker_id=worker_id) == (
            [tp for tp in view.touchpoints if tp.caseworker_id == worker_id] if worker_id is not None else []
        )
    agency_id, worker_id = view.agencies[0].id, view.caseworkers[-1].id
    assert view.touchpoints_with(agency_id=agency_id, caseworker_id=worker_id) == [
        tp for tp in view.touchpoints if tp.agency_id == agency_id or tp.caseworker_id == worker_id
    ]
    # A list a caller changes is its own.
    view.caseworkers_of(agency_id).clear()
    assert view.caseworkers_of(agency_id)
