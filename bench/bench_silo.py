"""Time the demo map's read and render path: load the map view, build the DOT, run dot.

Run: .venv/bin/python bench/bench_silo.py [--repeat N]
Prints the median and worst of N runs for each step, and a bare `dot` run on the same DOT, so the
overhead of our code over Graphviz itself is visible. Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from timing import timed  # bench/timing.py: scripts run from bench/ have it on their path

from journeymap import create_app
from journeymap.exports.downloads import export_map
from journeymap.extensions import db
from journeymap.readmodel.snapshot import load_map_view
from journeymap.render.silo import build_silo_graph
from journeymap.samples.demo import load_demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-key-long-enough-for-production",
        })
        with app.app_context():
            db.create_all()
            map_id = load_demo().id
            db.session.commit()
            view = load_map_view(db.session, map_id)
            source = build_silo_graph(view).source
            rows = {
                "load map view (8 queries)": timed(
                    lambda: (db.session.expire_all(), load_map_view(db.session, map_id)), args.repeat
                ),
                "build DOT": timed(lambda: build_silo_graph(view).source, args.repeat),
                "silo map SVG (build + dot)": timed(lambda: export_map(view, "svg"), args.repeat),
                "bare dot -Tsvg, same DOT": timed(
                    lambda: subprocess.run(
                        ["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=True
                    ),
                    args.repeat,
                ),
                "silo map PNG (build + dot)": timed(lambda: export_map(view, "png"), args.repeat),
                "silo map PDF (build + dot)": timed(lambda: export_map(view, "pdf"), args.repeat),
            }
    print(f"demo map, {args.repeat} runs each")
    print(f"{'step':32} {'median ms':>10} {'max ms':>10}")
    for name, samples in rows.items():
        print(f"{name:32} {statistics.median(samples) * 1000:10.1f} {max(samples) * 1000:10.1f}")


if __name__ == "__main__":
    main()
