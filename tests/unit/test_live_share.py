"""The shared renders' store (journeymap/live_share.py): newest render per key, a few keys per map,
a bounded number of maps, and one render in flight per key."""

from __future__ import annotations

import threading

from journeymap import live_share
from journeymap.live_share import Entry, SharedRenders


def test_a_render_answers_pages_asking_for_its_revision_or_older():
    shared = SharedRenders()
    shared.store(1, ("k",), Entry(5, b"five"))
    assert shared.find(1, ("k",), 5).body == b"five"
    assert shared.find(1, ("k",), 4).body == b"five"
    assert shared.find(1, ("k",), 6) is None
    assert shared.find(2, ("k",), 1) is None
    shared.store(1, ("k",), Entry(3, b"three"))  # a slower, older render does not replace it
    assert shared.find(1, ("k",), 1).body == b"five"


def test_a_few_entries_per_map_and_a_few_maps_are_kept():
    shared = SharedRenders()
    for n in range(live_share.ENTRIES_PER_MAP + 2):
        shared.store(1, (n,), Entry(1, b""))
    assert shared.find(1, (0,), 1) is None
    assert shared.find(1, (live_share.ENTRIES_PER_MAP + 1,), 1) is not None
    for map_id in range(2, live_share.MAPS + 3):
        shared.store(map_id, ("k",), Entry(1, b""))
    assert shared.find(1, (live_share.ENTRIES_PER_MAP + 1,), 1) is None  # the oldest map went
    assert shared.find(live_share.MAPS + 2, ("k",), 1) is not None


def test_concurrent_identical_refetches_wait_for_one_render():
    shared = SharedRenders()
    assert shared.lead_or_wait(("flight",)) is True
    waited = []
    follower = threading.Thread(target=lambda: waited.append(shared.lead_or_wait(("flight",))))
    follower.start()
    follower.join(0.2)
    assert follower.is_alive()  # still waiting for the leader
    shared.landed(("flight",))
    follower.join(5)
    assert waited == [False]
    assert shared.lead_or_wait(("flight",)) is True  # the next revision's render leads again
