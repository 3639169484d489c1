"""How big the silo map's smallest text comes out when projected, and where the overview begins.

Run: .venv/bin/python bench/bench_legible.py
For the demo (de-identified, as presented, and in full detail, as downloaded) and for synthetic maps
of growing size, draws the silo map with dot and computes its smallest text in CSS px when the
drawing is fitted into the presentation view's frame at 1920×1080 (1884 × 903 px, measured by
tests/browser/test_legible.py) and into a whole 1920×1080 slide (the downloads). The largest map
whose whole drawing keeps 18 px sets journeymap.render.silo_overview.LEGIBLE_MAX_BOXES.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path

from journeymap import create_app
from journeymap.exports.deidentify import deidentify
from journeymap.extensions import db
from journeymap.readmodel.snapshot import load_map_view
from journeymap.render.silo import SiloOptions, build_silo_graph
from journeymap.samples.demo import load_demo
from journeymap.samples.synth import synth_map

FRAME = (1884, 903)  # the presentation view's picture at 1920×1080
SLIDE = (1920, 1080)
PRESENTED = SiloOptions(key_in_page=True)
SLIDE_WHOLE = SiloOptions()


def smallest_px(source: str, box: tuple[int, int]) -> tuple[float, float, float]:
    """(smallest text in px fitted into `box`, width in, height in) of the drawing, and dot's time."""
    svg = subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=True).stdout
    width, height = (float(x) for x in re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    fonts = [float(f) for f in re.findall(rb'font-size="([\d.]+)"', svg)]
    scale = min(box[0] / (width * 4 / 3), box[1] / (height * 4 / 3))
    return min(fonts) * 4 / 3 * scale, width / 72, height / 72


def row(name: str, view, options: SiloOptions, box) -> None:
    source = build_silo_graph(view, options).source
    start = time.perf_counter()
    px, width, height = smallest_px(source, box)
    took = (time.perf_counter() - start) * 1000
    boxes = len(view.agencies) + len(view.caseworkers) + len(view.barriers)
    print(f"{name:44} {boxes:6} {width:6.1f}x{height:<5.1f} {px:7.1f} {took:8.0f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                          "SECRET_KEY": "bench-key-long-enough-for-production"})
        with app.app_context():
            db.create_all()
            demo_id = load_demo().id
            sizes = [(a, cw, b) for a, cw, b in ((6, 2, 6), (8, 2, 8), (8, 3, 10), (10, 2, 10), (10, 3, 10),
                                                  (12, 3, 12), (15, 3, 15), (20, 5, 40))]
            synth_ids = {size: synth_map(db.session, agencies=size[0], caseworkers_per_agency=size[1],
                                         touchpoints=size[0] * 5, barriers=size[2]).id for size in sizes}
            db.session.commit()
            print(f"{'drawing':44} {'boxes':>6} {'inches':>11} {'min px':>7} {'dot ms':>8}")
            demo = load_map_view(db.session, demo_id)
            row("demo, presented (frame)", deidentify(demo), PRESENTED, FRAME)
            row("demo, de-identified download (slide)", deidentify(demo), SLIDE_WHOLE, SLIDE)
            row("demo, full-detail download (slide)", demo, SLIDE_WHOLE, SLIDE)
            for (agencies, per, barriers), map_id in synth_ids.items():
                view = deidentify(load_map_view(db.session, map_id))
                name = f"synth {agencies} ag × {per} cw, {barriers} barriers"
                row(name + ", whole", view, PRESENTED, FRAME)
                row(name + ", overview", view, SiloOptions(scope="overview", key_in_page=True), FRAME)


if __name__ == "__main__":
    main()
