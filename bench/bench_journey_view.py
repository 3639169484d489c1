"""Time the journey view: lay out and write the SVG for the demo map and a big synthetic one.

Run: .venv/bin/python bench/bench_journey_view.py [--repeat N] [--svg DIR]
Prints the median and worst of N runs for each step. The big map is the tests' synthetic view
(100 agencies, 500 touchpoints, 200 barriers), built from the map view's dataclasses without a
database. The target is under 200 ms for the big map's whole SVG. --svg DIR also writes both
drawings there, to look at.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from timing import timed  # bench/timing.py: scripts run from bench/ have it on their path

from journeymap import create_app
from journeymap.extensions import db
from journeymap.readmodel.snapshot import load_map_view
from journeymap.render.journey_layout import layout_journey
from journeymap.render.journey_svg import build_journey_svg
from journeymap.samples.demo import load_demo

# The synthetic view lives with the tests so both measure the same map.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.unit.test_journey_view import synthetic_view  # noqa: E402


def demo_view():
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-key-long-enough-for-production",
        })
        with app.app_context():
            db.create_all()
            map_id = load_demo().id
            db.session.commit()
            return load_map_view(db.session, map_id)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--svg", type=Path, help="also write demo.svg and big.svg to this folder")
    args = parser.parse_args()
    views = {"demo map": demo_view(), "big map": synthetic_view()}
    print(f"journey view, {args.repeat} runs each")
    print(f"{'step':44} {'median ms':>10} {'max ms':>10} {'SVG kB':>8}")
    for name, view in views.items():
        size = (
            f"{len(view.touchpoints)} steps, {len(view.agencies)} agencies, "
            f"{len(view.barriers)} barriers"
        )
        svg = build_journey_svg(view)
        rows = {
            f"{name}: layout only": timed(lambda v=view: layout_journey(v), args.repeat),
            f"{name}: layout + SVG": timed(lambda v=view: build_journey_svg(v), args.repeat),
        }
        print(f"-- {name} ({size})")
        for step, samples in rows.items():
            print(
                f"{step:44} {statistics.median(samples) * 1000:10.1f} {max(samples) * 1000:10.1f} "
                f"{len(svg.encode()) / 1000:8.0f}"
            )
        if args.svg:
            args.svg.mkdir(parents=True, exist_ok=True)
            (args.svg / f"{name.split()[0]}.svg").write_text(svg, encoding="utf-8")


if __name__ == "__main__":
    main()
