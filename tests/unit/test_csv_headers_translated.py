"""Every CSV header a kind declares is marked for the catalogue (journeymap.exports.csv_out
DECLARED_HEADERS), so a Spanish download has no English header left."""

from journeymap.exports.csv_out import DECLARED_HEADERS
from journeymap.kinds.items import BARRIER, HANDOFF, INTRODUCTION, TOUCHPOINT


def test_every_declared_csv_header_is_marked_for_translation():
    declared = {h for kind in (TOUCHPOINT, BARRIER, INTRODUCTION, HANDOFF)
                for f in kind.content for h in f.csv_headers}
    assert declared - DECLARED_HEADERS == set()
