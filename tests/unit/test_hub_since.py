"""A stream that missed some of a map's changes (a burst, a worker slow to wake) gets one change
covering them all, with every item they touched, so its page can still fetch just those items
(journeymap/hub.py, _since)."""

from __future__ import annotations

from journeymap.hub import Change, MapState, _since


def state_of(*changes: Change) -> MapState:
    state = MapState()
    for change in changes:
        state.change = change
        state.recent.append(change)
    return state


def test_a_stream_that_had_the_one_before_gets_the_latest_as_it_is():
    latest = Change(7, 1, ("Ana",), "Ana added …", since=6, items=("touchpoint-3",))
    assert _since(state_of(Change(6, since=5, items=("barrier-1",)), latest), 6) is latest


def test_a_stream_behind_by_several_gets_them_as_one():
    state = state_of(Change(6, 1, ("Ana",), since=5, items=("touchpoint-1",)),
                     Change(7, 2, ("Bo",), since=6, items=("touchpoint-2", "touchpoint-1")),
                     Change(8, 1, ("Ana",), "Ana moved …", since=7, items=("barrier-4",)))
    merged = _since(state, 5)
    assert (merged.revision, merged.since, merged.count, merged.people, merged.said) == (
        8, 5, 4, ("Ana", "Bo"), "Ana moved …")
    assert merged.items == ("touchpoint-1", "touchpoint-2", "barrier-4")


def test_a_gap_or_a_change_without_items_means_the_whole_page():
    unknown = state_of(Change(6, since=5, items=None), Change(7, since=6, items=("touchpoint-2",)))
    assert _since(unknown, 5).items is None
    forgotten = state_of(Change(7, since=6, items=("touchpoint-2",)), Change(8, since=7, items=()))
    assert _since(forgotten, 5).items is None and _since(forgotten, 5).since == 0
