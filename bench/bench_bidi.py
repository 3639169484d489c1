"""What isolating typed text costs (journeymap/bidi.py), on the xl map of bench_scale (100 agencies,
500 touchpoints, 200 barriers), with and without it, in one process, round by round.

Run: .venv/bin/python bench/bench_bidi.py [--repeat N]

"without" is a second app on the same database whose Jinja environment has no finalize, with the
drawings' `typed` made plain `plain` again while it draws. Two maps: the synthetic one as it is
(English names: the regular expression finds nothing, the common case), and the same map with every
agency, caseworker, stage, touchpoint and barrier named in Hebrew (every name is isolated, the
worst case). Each figure is the median of N rounds, a first round not counted, in CPU time of
this process (time.process_time): on a shared machine wall time moved by ±50 % from round to round;
dot's own time, in its subprocess, is not counted (the isolation does not change its work).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scale import EMAIL, PASSWORD, SIZES, make_app, make_map  # noqa: E402
from sqlalchemy import update  # noqa: E402

from journeymap.extensions import db  # noqa: E402
from journeymap.models import Agency, Barrier, Caseworker, Stage, Touchpoint  # noqa: E402
from journeymap.render import drawing, journey_svg, labels, silo  # noqa: E402

STEPS = {
    "journey page": "/maps/{}/journey",
    "people page": "/maps/{}/people",
    "barriers page": "/maps/{}/barriers",
    "journey view page": "/maps/{}/journey-view",
    "journey view SVG": "/maps/{}/journey-view.svg?detail=full",
    "silo SVG (DOT built, dot run)": "/maps/{}/silo-map.svg?detail=full",
}
HEBREW = "משפחה"
TYPED = labels.typed  # the drawings' isolating `typed`; "without" puts plain `plain` in its place


def drawings_isolate(on: bool) -> None:
    for module in (labels, journey_svg, silo):
        module.typed = TYPED if on else labels.plain


def in_hebrew(app) -> None:
    with app.app_context():
        for model, column in ((Agency, Agency.name), (Caseworker, Caseworker.name), (Stage, Stage.name),
                              (Touchpoint, Touchpoint.action), (Barrier, Barrier.title)):
            db.session.execute(update(model).values({column: HEBREW + " " + column}))
        db.session.commit()


def measure(clients, map_id: int, repeat: int) -> dict[str, dict[bool, float]]:
    """`clients`: with (True) and without (False) isolation; each step is timed with both, one
    right after the other, in an order that alternates from round to round."""
    times: dict[str, dict[bool, list[float]]] = {step: {True: [], False: []} for step in STEPS}
    for round_ in range(repeat + 1):
        for step, url in STEPS.items():
            for on in ((True, False) if round_ % 2 else (False, True)):
                drawings_isolate(on)
                drawing.clear_cache()
                start = time.process_time()
                response = clients[on].get(url.format(map_id))
                elapsed = (time.process_time() - start) * 1000
                assert response.status_code == 200, (step, response.status_code)
                if round_:
                    times[step][on].append(elapsed)
    drawings_isolate(True)
    return {step: {on: statistics.median(ms) for on, ms in by.items()} for step, by in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        map_id = make_map(app, SIZES["xl"])
        plain_app = make_app(Path(tmp))  # the same database, its templates without the finalize
        plain_app.jinja_env.finalize = None
        clients = {}
        for on, each in ((True, app), (False, plain_app)):
            clients[on] = each.test_client()
            clients[on].post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
        for names in ("English names", "every name in Hebrew"):
            if names != "English names":
                in_hebrew(app)
            print(f"\n{names} (xl: 500 touchpoints), median of {args.repeat} rounds, ms")
            print(f"{'step':34} {'without':>8} {'with':>8} {'cost':>7}")
            for step, by in measure(clients, map_id, args.repeat).items():
                cost = by[True] / by[False] - 1
                print(f"{step:34} {by[False]:8.1f} {by[True]:8.1f} {cost:+7.1%}")


if __name__ == "__main__":
    main()
