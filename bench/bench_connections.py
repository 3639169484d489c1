"""Time the Connections read models on the synthetic maps: introductions to make (pairs over ids
in Python, O(n²) in caseworkers) and who is at the table.

Run: .venv/bin/python bench/bench_connections.py [--repeat N]

A synthetic map of each size of bench/bench_scale.py is made in a fresh SQLite database, loaded
once as a map view, and each function timed on it alone (median and worst of N runs): no SQL.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_scale import SIZES  # noqa: E402
from journeymap import create_app  # noqa: E402
from journeymap.extensions import db  # noqa: E402
from journeymap.readmodel.at_the_table import at_the_table  # noqa: E402
from journeymap.readmodel.introductions import introductions  # noqa: E402
from journeymap.readmodel.snapshot import load_map_view  # noqa: E402
from journeymap.samples.synth import synth_map  # noqa: E402


def timed(run, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| size | caseworkers | pairs | introductions to make, ms | who is at the table, ms |")
    print("|---|---|---|---|---|")
    for name, (agencies, per_agency, touchpoints, barriers) in SIZES.items():
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'b.sqlite3'}",
                              "SECRET_KEY": "bench-key-long-enough-for-production"})
            with app.app_context():
                db.create_all()
                journey_map = synth_map(db.session, agencies=agencies, caseworkers_per_agency=per_agency,
                                        touchpoints=touchpoints, barriers=barriers)
                db.session.commit()
                view = load_map_view(db.session, journey_map.id)
                n = len(view.caseworkers)
                made = timed(lambda view=view: introductions(view), args.repeat)
                table = timed(lambda view=view: at_the_table(view, [], date(2026, 12, 7)), args.repeat)
                db.engine.dispose()
        print(f"| {name} | {n} | {n * (n - 1) // 2:,} | {made[0]:.0f} ({made[1]:.0f}) "
              f"| {table[0]:.1f} ({table[1]:.1f}) |")


if __name__ == "__main__":
    main()
