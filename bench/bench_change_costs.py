"""What one change costs the server, request by request, in process (no network, no other load):
the map view loaded, the journey page, a live refetch of its regions, a live fetch of a change's
items, a touchpoint added and one edited, on a map of the workshop benchmark's size at its end.

Run: .venv/bin/python bench/bench_change_costs.py [--touchpoints N] [--runs N]
Results in docs/performance.md ("Workshop: items, not pages").
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journeymap.extensions import db  # noqa: E402
from journeymap.models import Touchpoint  # noqa: E402
from journeymap.readmodel.snapshot import load_map_view  # noqa: E402
from tests.apps import TEST_SETTINGS, make_app  # noqa: E402
from tests.routes.conftest import FACILITATOR, PASSWORD, build_small_map, make_user  # noqa: E402

HX = {"HX-Request": "true"}


def timed(label: str, action, runs: int) -> None:
    action()  # templates compiled, caches warm
    start = time.perf_counter()
    for _ in range(runs):
        action()
    print(f"  {label:<48} {(time.perf_counter() - start) / runs * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--touchpoints", type=int, default=300)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = make_app(f"{folder}/instance", {**TEST_SETTINGS,
                                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/costs.sqlite3"})
    with app.app_context():
        db.create_all()
        make_user(FACILITATOR, "Fran")
        db.session.commit()
        small = build_small_map()
        db.session.add_all(Touchpoint(map_id=small.id, action=f"Step {i}", place="Office", position=10 + i,
                                      stage_id=small.stage1 if i % 2 else small.stage2)
                           for i in range(args.touchpoints))
        db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    journey = f"/maps/{small.id}/journey"
    print(f"{args.touchpoints + 3} touchpoints, SQLite, mean of {args.runs} runs:")
    with app.app_context():
        timed("the map view loaded", lambda: (db.session.expire_all(), load_map_view(db.session, small.id)),
              args.runs)
    timed("GET the journey page", lambda: client.get(journey), args.runs)
    # A query string of its own each time: never served from the shared renders.
    timed("live refetch of the journey's regions (rendered)",
          lambda: client.get(f"{journey}?t={time.time()}", headers={"X-Live-Refresh": "1"}), args.runs)
    items = "&".join(f"item=touchpoint-{small.tp1 + k}" for k in (3, 7, 40))
    timed("live fetch of three items (rendered)",
          lambda: client.get(f"/maps/{small.id}/live/items?page=journey&{items}&t={time.time()}"), args.runs)
    count = iter(range(10**6))

    def add() -> None:
        answer = client.post(f"/maps/{small.id}/touchpoints", headers=HX, data={
            "action": f"New {next(count)}", "stage_id": str(small.stage1), "channel": "",
            "reported_by": "family"})
        assert answer.status_code == 200, answer.status_code

    def edit() -> None:
        url = f"/maps/{small.id}/touchpoints/{small.tp1}/edit"
        form = client.get(url, headers=HX).get_data(as_text=True)
        tag = re.search(r'<input[^>]*name="version"[^>]*>', form).group(0)
        version = re.search(r'value="(\d+)"', tag).group(1)
        answer = client.post(url, headers=HX, data={
            "action": "First call", "place": f"Office {next(count)}", "stage_id": str(small.stage1),
            "channel": "", "reported_by": "family", "version": version})
        assert answer.status_code == 200, answer.status_code

    timed("POST a touchpoint added (htmx)", add, args.runs)
    timed("GET its edit form + POST it saved (htmx)", edit, args.runs)


if __name__ == "__main__":
    main()
