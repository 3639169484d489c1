"""Time a map's pages and drawings at three sizes, beside a bare `dot` run on the same DOT.

Run: .venv/bin/python bench/bench_scale.py [--repeat N] [--sizes workshop,large,xl] [--markdown]

For each size a synthetic map (journeymap/synth.py) is made in a fresh SQLite database in a
temporary folder, with one facilitator. Every request goes through the whole Flask app with its
test client, signed in as that facilitator: routing, the access check, the session, SQL,
templates and dot, but no network and no web server, so a figure is the server's own time.
Each step is the median (and worst) of N runs.

  map page ............ GET /maps/<id> (the overview)
  journey, people, barriers, silo page, journey view page: GET of each read page
  silo SVG cold ....... GET silo-map.svg?detail=full (what the silo page shows) after
                        journeymap.render.drawing.clear_cache(): load, build DOT, run dot
  silo SVG warm ....... the same request again, nothing changed: answered from the cache
  silo SVG 304 ........ the same again with If-None-Match: the browser's copy is current
  bare dot -Tsvg ...... `dot -Tsvg` in a subprocess on the same DOT source, same timeout
  journey view SVG .... GET journey-view.svg?detail=full (drawn in Python; no dot)

Steps run round by round (each step once per round, a first round not counted), so changes in
the machine's load fall on every step alike. The overhead is silo SVG cold / bare dot - 1, the
median of each round's own ratio: what our code adds to Graphviz itself. Beside the
times: the SQL statements each request ran (the same at every size, or a page has an N+1), the
peak Python memory of one request (tracemalloc, in a separate pass: it slows everything down), and
the peak resident memory of one dot run (its rusage). On a shared or small machine the absolute
figures move from run to run; compare ratios within one run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journeymap import create_app  # noqa: E402
from journeymap.auth.passwords import hash_password  # noqa: E402
from journeymap.domain.history import Actor  # noqa: E402
from journeymap.domain.members import add_founder  # noqa: E402
from journeymap.extensions import db  # noqa: E402
from journeymap.models import User  # noqa: E402
from journeymap.readmodel.snapshot import load_map_view  # noqa: E402
from journeymap.render.drawing import SiloOptions, clear_cache, draw_silo  # noqa: E402
from journeymap.samples.synth import synth_map  # noqa: E402

# name -> (agencies, caseworkers per agency, touchpoints, barriers), from the issue
SIZES = {
    "workshop": (15, 3, 60, 25),
    "large": (40, 4, 200, 80),
    "xl": (100, 5, 500, 200),
}
EMAIL, PASSWORD = "bench@example.org", "bench password, long enough"
CHEAP_HASHING = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}  # sign-in is not measured

# The goals at xl (issue 4).
SILO_COLD_MS, SILO_WARM_MS, OVERHEAD, PAGE_MS = 1000.0, 20.0, 0.20, 150.0
PAGES = [
    "map page (overview)", "journey page", "people page", "barriers page", "silo page (drawing cached)",
    "journey view page",
]


@dataclass
class Step:
    name: str
    ms: list[float] = field(default_factory=list)
    statements: int | None = None
    peak_mb: float | None = None
    response_kb: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.ms)


@dataclass
class Result:
    size: str
    counts: tuple[int, int, int, int]
    steps: dict[str, Step]
    dot_rss_mb: float

    @property
    def overhead(self) -> float:
        """Median of the rounds' own ratios: each round's cold drawing and dot run came one after
        the other, under the same load."""
        cold, bare = self.steps["silo SVG cold"].ms, self.steps["bare dot -Tsvg, same DOT"].ms
        return statistics.median(c / b for c, b in zip(cold, bare, strict=True)) - 1


class Counter:
    def __init__(self, engine):
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._note)

    def _note(self, *args) -> None:
        self.n += 1


def make_app(tmp: Path):
    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-key-long-enough-for-production",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_PARAMS": CHEAP_HASHING,
    })


def make_map(app, counts: tuple[int, int, int, int]) -> int:
    agencies, per_agency, touchpoints, barriers = counts
    with app.app_context():
        db.create_all()
        user = User(email=EMAIL, display_name="Bench", password_hash=hash_password(PASSWORD))
        db.session.add(user)
        journey_map = synth_map(
            db.session, agencies=agencies, caseworkers_per_agency=per_agency, touchpoints=touchpoints,
            barriers=barriers, handoffs=touchpoints // 10,  # referrals, about half of them dropped
        )
        db.session.flush()
        add_founder(journey_map, actor=Actor.person(user), via="synth")
        db.session.commit()
        return journey_map.id


def dot_source(app, map_id: int) -> str:
    """The DOT the silo picture request draws (the same view, options and size limit)."""
    with app.app_context():
        view = load_map_view(db.session, map_id)
        source = draw_silo(view, "dot", SiloOptions(), detail="full").content.decode()
        clear_cache()
        return source


def bare_dot(source: str, timeout: float, dot: str) -> None:
    subprocess.run([dot, "-Tsvg"], input=source.encode(), capture_output=True, timeout=timeout, check=True)


def dot_peak_rss_mb(source: str, dot: str) -> float:
    """One dot run's peak resident memory, from its own rusage (wait4), not the process tree's."""
    with tempfile.TemporaryFile() as given, open(os.devnull, "wb") as nowhere:
        given.write(source.encode())
        given.seek(0)
        child = subprocess.Popen([dot, "-Tsvg"], stdin=given, stdout=nowhere, stderr=nowhere)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024  # kilobytes on Linux


def measure(size: str, repeat: int, trace: bool) -> Result:
    counts = SIZES[size]
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        map_id = make_map(app, counts)
        client = app.test_client()
        assert client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD}).status_code == 303
        with app.app_context():
            counter = Counter(db.engine)
        silo_svg = f"/maps/{map_id}/silo-map.svg?detail=full"

        def get(url: str, status: int = 200, headers: dict | None = None) -> Callable[[], object]:
            def run():
                response = client.get(url, headers=headers or {})
                if response.status_code != status:
                    raise SystemExit(f"{url}: {response.status_code}, expected {status}")
                return response
            return run

        def every_caseworker(run: Callable[[], object]) -> Callable[[], object]:
            """The same request with the size limit out of the way: each caseworker drawn."""
            def raised():
                saved = app.config["DOT_MAX_NODES"]
                app.config["DOT_MAX_NODES"] = 10**9
                try:
                    return run()
                finally:
                    app.config["DOT_MAX_NODES"] = saved
            return raised

        etag = get(silo_svg)().headers["ETag"]
        source = dot_source(app, map_id)
        every_source = every_caseworker(lambda: dot_source(app, map_id))()
        timeout, dot = app.config["DOT_TIMEOUT"], app.config["DOT_BINARY"]
        steps: list[tuple[str, Callable[[], object], Callable[[], object] | None]] = [
            # (name, what is timed, what runs untimed before each run)
            ("map page (overview)", get(f"/maps/{map_id}"), None),
            ("journey page", get(f"/maps/{map_id}/journey"), None),
            ("people page", get(f"/maps/{map_id}/people"), None),
            ("barriers page", get(f"/maps/{map_id}/barriers"), None),
            ("silo page (drawing cached)", get(f"/maps/{map_id}/silo"), None),
            ("silo SVG cold", get(silo_svg), clear_cache),
            ("bare dot -Tsvg, same DOT", lambda: bare_dot(source, timeout, dot), None),
            ("silo SVG cold, every caseworker", every_caseworker(get(silo_svg)), clear_cache),
            ("bare dot, every caseworker", lambda: bare_dot(every_source, timeout, dot), None),
            ("silo SVG warm (cached)", get(silo_svg), None),
            ("silo SVG 304", get(silo_svg, 304, {"If-None-Match": etag}), None),
            ("journey view page", get(f"/maps/{map_id}/journey-view"), None),
            ("journey view SVG", get(f"/maps/{map_id}/journey-view.svg?detail=full"), None),
        ]
        results = {name: Step(name) for name, _, _ in steps}
        # Round by round, every step once per round, so the machine's ups and downs fall on all of
        # them alike; the first round warms up (templates and SQL compiled) and is not counted.
        for round_number in range(repeat + 1):
            for name, run, before in steps:
                if before is not None:
                    before()
                counter.n = 0
                started = time.perf_counter()
                response = run()
                elapsed = (time.perf_counter() - started) * 1000
                if round_number:
                    results[name].ms.append(elapsed)
                    results[name].statements = None if name.startswith("bare dot") else counter.n
                    if response is not None:
                        results[name].response_kb = len(response.get_data()) / 1024
        if trace:
            for name, run, before in steps:
                if name.startswith("bare dot"):
                    continue
                if before is not None:
                    before()
                tracemalloc.start()
                run()
                results[name].peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
        return Result(size, counts, results, dot_peak_rss_mb(source, dot))


def machine() -> str:
    dot = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{datetime.date.today().isoformat()}, commit {commit}; {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {dot}; load average {load} at the start"
    )


def label(result: Result) -> str:
    a, per, t, b = result.counts
    return f"{result.size} ({a} agencies, {a * per} caseworkers, {t} touchpoints, {b} barriers)"


def goals(results: list[Result]) -> list[tuple[str, bool, str]]:
    """(goal, met, the figures) for the largest size measured, and SQL counts across sizes."""
    top = results[-1]
    s = top.steps
    rows = [
        (f"silo SVG cold within {SILO_COLD_MS:.0f} ms at {top.size}",
         s["silo SVG cold"].median <= SILO_COLD_MS, f"{s['silo SVG cold'].median:.0f} ms"),
        (f"silo SVG unchanged within {SILO_WARM_MS:.0f} ms at {top.size}",
         max(s["silo SVG warm (cached)"].median, s["silo SVG 304"].median) <= SILO_WARM_MS,
         f"cached {s['silo SVG warm (cached)'].median:.1f} ms, 304 {s['silo SVG 304'].median:.1f} ms"),
        (f"time over bare dot at most {OVERHEAD:.0%} at {top.size}", top.overhead <= OVERHEAD,
         f"{top.overhead:+.0%}"),
        (f"map page within {PAGE_MS:.0f} ms at {top.size}", s["map page (overview)"].median <= PAGE_MS,
         f"{s['map page (overview)'].median:.0f} ms"),
    ]
    slow = [f"{name} {s[name].median:.0f} ms" for name in PAGES if s[name].median > PAGE_MS]
    rows.append((f"every read page within {PAGE_MS:.0f} ms at {top.size} (beyond the issue's goal)",
                 not slow, "; ".join(slow) or "all"))
    if len(results) > 1:
        growing = [
            f"{name}: " + " / ".join(str(r.steps[name].statements) for r in results)
            for name in top.steps
            if top.steps[name].statements is not None
            and len({r.steps[name].statements for r in results}) > 1
        ]
        rows.append(("SQL statements the same at every size", not growing, "; ".join(growing) or "yes"))
    return rows


def sql_counts(results: list[Result], name: str) -> str:
    return " / ".join(str(r.steps[name].statements) for r in results if r.steps[name].statements is not None)


def print_text(results: list[Result], repeat: int, about: str) -> None:
    print(about)
    print(f"median of {repeat} runs, ms (worst in brackets); SQL statements per request")
    names = list(results[0].steps)
    head = f"{'step':28}" + "".join(f"{r.size:>22}" for r in results) + f"{'SQL':>12}"
    print(head)
    for name in names:
        cells = "".join(
            f"{r.steps[name].median:12.1f} ({max(r.steps[name].ms):7.1f})" for r in results
        )
        sql = sql_counts(results, name)
        print(f"{name:28}{cells}{sql:>12}")
    print(f"{'overhead over bare dot':28}" + "".join(f"{r.overhead:>22.0%}" for r in results))
    print(f"{'dot peak RSS, MB':28}" + "".join(f"{r.dot_rss_mb:>22.0f}" for r in results))
    if results[0].steps[names[0]].peak_mb is not None:
        print("peak Python memory of one request, MB (tracemalloc); response size, kB")
        for name in names:
            if results[0].steps[name].peak_mb is not None:
                print(f"{name:28}" + "".join(
                    f"{r.steps[name].peak_mb:>12.1f} MB {r.steps[name].response_kb:>6.0f} kB" for r in results
                ))
    print()
    for goal, met, figures in goals(results):
        print(f"{'met ' if met else 'MISSED'} {goal}: {figures}")


def print_markdown(results: list[Result], repeat: int, about: str) -> None:
    print(f"Measured with `bench/bench_scale.py --repeat {repeat}`: {about}.\n")
    for r in results:
        print(f"- {label(r)}")
    print()
    names = list(results[0].steps)
    print("| step, median ms (worst) | " + " | ".join(r.size for r in results) + " | SQL statements |")
    print("| --- | " + " | ".join("---:" for _ in results) + " | ---: |")
    for name in names:
        cells = " | ".join(f"{r.steps[name].median:.1f} ({max(r.steps[name].ms):.1f})" for r in results)
        sql = sql_counts(results, name)
        print(f"| {name} | {cells} | {sql or '–'} |")
    print("| overhead: silo SVG cold / bare dot − 1 | "
          + " | ".join(f"{r.overhead:+.0%}" for r in results) + " | |")
    print("| dot peak resident memory, MB | " + " | ".join(f"{r.dot_rss_mb:.0f}" for r in results) + " | |")
    if results[0].steps[names[0]].peak_mb is not None:
        print()
        print("| one request: peak Python memory, MB (response, kB) | "
              + " | ".join(r.size for r in results) + " |")
        print("| --- | " + " | ".join("---:" for _ in results) + " |")
        for name in names:
            if results[0].steps[name].peak_mb is not None:
                print(f"| {name} | " + " | ".join(
                    f"{r.steps[name].peak_mb:.1f} ({r.steps[name].response_kb:.0f})" for r in results
                ) + " |")
    print()
    print("| goal | met | figures |")
    print("| --- | --- | --- |")
    for goal, met, figures in goals(results):
        print(f"| {goal} | {'yes' if met else '**no**'} | {figures} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each step (default 5)")
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated, of: " + ", ".join(SIZES))
    parser.add_argument("--markdown", action="store_true", help="print the tables for docs/performance.md")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or not sizes or args.repeat < 1:
        parser.error(f"sizes are {', '.join(SIZES)}; --repeat at least 1")
    about = machine()
    results = []
    for size in sizes:
        print(f"measuring {size}...", file=sys.stderr)
        results.append(measure(size, args.repeat, trace=not args.no_memory))
    about += f"; {', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end"
    (print_markdown if args.markdown else print_text)(results, args.repeat, about)


if __name__ == "__main__":
    main()
