"""A workshop on one map: N people with the map open, three in four of them editing (issue 14).

Run:  .venv/bin/python bench/bench_workshop.py --participants 60 --database sqlite --seconds 180
      (--database postgresql: a fresh database on JOURNEYMAP_TEST_POSTGRES_URL, by default
      postgresql+psycopg://postgres@127.0.0.1:5432/test; dropped afterwards.)

It serves the app as scripts/run does (flask db upgrade, flask demo, gunicorn gthread, 2 workers
× 100 threads) on a fresh database; the demo's facilitator makes an invitation and every participant
joins through the app's own pages (sign up, sign in, Join this map). Each open page then does
what static/js/live.js does (workshop_room.py): holds the map's event stream and refetches
itself when a change arrives; editors save about every 20 s plus one burst of
30 saves in 2 s: touchpoints added and edited (with the version their form was opened at, so a
409 conflict is a possible answer), barriers added, owners recorded. After --seconds the editors
stop and the pages get --drain seconds to catch up. Every acknowledged save is then looked for in
the map's JSON export. Results: docs/performance.md, "Workshop (baseline, polling)".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workshop_client import Browser  # noqa: E402
from workshop_html import forms_of  # noqa: E402
from workshop_room import Participant, Tally  # noqa: E402
from workshop_server import cpu_seconds, fresh_database, served  # noqa: E402

MAP_ID = 1  # the demo map: the only map on the fresh database
FACILITATOR = "facilitator@demo.example.org"
PASSWORD = "bench password, long enough"
EDITORS_SHARE = 0.75


def _form_with(html: str, field: str):
    return next(f for f in forms_of(html) if field in f.values)


def signed_in(port: int, email: str, password: str) -> Browser:
    browser = Browser("127.0.0.1", port)
    form = _form_with(browser.follow("GET", "/sign-in").body, "password")
    answer = browser.follow("POST", form.target, {**form.values, "email": email, "password": password})
    assert answer.status == 200, f"sign-in as {email}: {answer.status}"
    return browser


def invitation_code(facilitator: Browser) -> str:
    page = facilitator.follow("GET", f"/maps/{MAP_ID}/members").body
    form = next(f for f in forms_of(page) if f.target.endswith("/invitations"))
    shown = facilitator.follow("POST", form.target, {**form.values, "role": "contributor"}).body
    return re.search(r'class="invite-code"[^>]*>([^<]+)<', shown).group(1).strip()


def join(port: int, code: str, number: int) -> Browser:
    """Sign up from the invitation, sign in (sign-up does not), press Join this map."""
    browser = Browser("127.0.0.1", port)
    sign_up = _form_with(browser.follow("GET", f"/join/{code}").body, "display_name")
    sign_in_page = browser.follow("POST", sign_up.action, {
        **sign_up.values, "display_name": f"Participant {number}",
        "email": f"p{number}@bench.example.org", "password": PASSWORD}).body
    sign_in = _form_with(sign_in_page, "password")
    join_page = browser.follow("POST", sign_in.target, {**sign_in.values, "password": PASSWORD}).body
    join_form = next(f for f in forms_of(join_page) if f.action.endswith(f"/join/{code}"))
    answer = browser.follow("POST", join_form.action, join_form.values)
    assert answer.status == 200 and "map-status" in answer.body, f"participant {number} did not join"
    return browser


def room_of(port: int, code: str, size: int) -> list[Participant]:
    with ThreadPoolExecutor(4) as pool:  # sign-ups hash passwords: a few at a time, as people arrive
        browsers = list(pool.map(lambda n: join(port, code, n), range(size)))
    editors = round(size * EDITORS_SHARE)
    # Two editors in three work on the journey page, one in three on the barriers page; the
    # watchers (the projector, the family) have the journey page open.
    return [Participant(n, browser, MAP_ID, "barriers" if n < editors and n % 3 == 2 else "journey",
                        editor=n < editors) for n, browser in enumerate(browsers)]


def run_room(people: list[Participant], seconds: float, drain: float, server_pid: int) -> tuple[Tally, dict]:
    tally = Tally()
    for person in people:
        person.open_page(tally)
    stop_pages = threading.Event()
    page_threads = [threading.Thread(target=job, args=(tally, stop_pages))
                    for person in people for job in (person.listen, person.refetch)]
    machine = {"load_before": os.getloadavg()[0], "cpu_before": cpu_seconds(server_pid),
               "bench_before": sum(os.times()[:2])}
    started = time.monotonic()
    until = started + seconds
    editors = [threading.Thread(target=p.edit, args=(tally, until)) for p in people if p.editor]
    for thread in page_threads + editors:
        thread.start()
    for thread in editors:
        thread.join()
    time.sleep(max(0.0, until - time.monotonic()))  # an editor whose next save fell after the end
    wall = time.monotonic() - started
    machine.update(load_after=os.getloadavg()[0], wall=wall,
                   server_cpu=(cpu_seconds(server_pid) - machine["cpu_before"]) / wall,
                   bench_cpu=(sum(os.times()[:2]) - machine["bench_before"]) / wall)
    # The pages keep polling until each shows the last revision (or believes it does: see
    # change_everywhere), or the drain time is up.
    last = max((rev for _, rev, _ in tally.changes), default=0)
    drain_until = time.monotonic() + drain
    while time.monotonic() < drain_until and any(p.shown < last for p in people):
        time.sleep(0.2)
    stop_pages.set()
    for person in people:
        if getattr(person, "stream", None) is not None:
            person.stream.close()  # unblocks its read
    for thread in page_threads:
        thread.join()
    return tally, machine


def exported_map(facilitator: Browser) -> dict:
    page = facilitator.follow("GET", f"/maps/{MAP_ID}/data").body
    form = next(f for f in forms_of(page) if f.target.endswith("/data/export"))
    answer = facilitator.request("POST", form.target, {**form.values, "detail": "full", "format": "json"})
    return json.loads(answer.body)


def missing_writes(tally: Tally, document: dict, facilitator: Browser) -> list[str]:
    """Every acknowledged save, looked for in the export; an edit counts only if it is the last one
    acknowledged on its item (by the version the answer showed), since later saves replace it."""
    actions = {t["action"]: t for t in document["touchpoints"]}
    barriers = {b["title"]: b for b in document["barriers"]}
    names = {x["key"]: x["name"] for x in document["agencies"] + document["caseworkers"]}
    last: dict[tuple, object] = {}
    for write in sorted(tally.writes, key=lambda w: (w.version or 0, w.acked_at)):
        last[(write.kind, write.item_id or write.text)] = write
    missing = []
    for write in last.values():
        if write.kind == "touchpoint" and write.text not in actions:
            missing.append(f"added touchpoint {write.text!r}")
        elif write.kind == "barrier" and write.text not in barriers:
            missing.append(f"added barrier {write.text!r}")
        elif write.kind == "place" and write.text not in {t["place"] for t in document["touchpoints"]}:
            missing.append(f"touchpoint {write.item_id}'s place {write.text!r}")
        elif write.kind == "owner":
            form = _form_with(facilitator.request(
                "GET", f"/maps/{MAP_ID}/barriers/{write.item_id}/edit").body, "title")
            barrier = barriers.get(form.values["title"], {})
            owner = names.get(barrier.get("owner_caseworker") or barrier.get("owner_agency"))
            if owner is None or not write.text.startswith(owner):
                missing.append(f"barrier {write.item_id}'s owner {write.text!r} (export: {owner!r})")
    return missing


def change_everywhere(tally: Tally, people: list[Participant]) -> tuple[list[float], list[float], int, int]:
    """For each acknowledged change: seconds until each other open page had refetched a page at
    (or past) its revision; and until the last of them had. Changes some page never got: counted,
    and among those pages, the ones whose #map-status claimed the revision all the same (their
    own save's answer brought it, so live.js saw no reason to refetch)."""
    per_page, everywhere, never, claimed = [], [], 0, 0
    for acked_at, revision, author in tally.changes:
        waits = []
        for person in people:
            if person.number == author:
                continue
            arrived = next((t for t, rev in person.arrivals if rev >= revision), None)
            waits.append(None if arrived is None else max(0.0, arrived - acked_at))
            claimed += arrived is None and person.shown >= revision
        per_page += [w for w in waits if w is not None]
        if None in waits:
            never += 1
        elif waits:
            everywhere.append(max(waits))
    return per_page, everywhere, never, claimed


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def report(args, people, tally: Tally, machine: dict, missing: list[str]) -> None:
    ms = {what: [s * 1000 for s in samples] for what, samples in tally.seconds.items()}
    per_page, everywhere, never, claimed = change_everywhere(tally, people)
    editors = sum(p.editor for p in people)
    print(f"\n{len(people)} participants ({editors} editing), {args.database}, {machine['wall']:.0f} s; "
          f"{len(tally.changes)} acknowledged changes, {tally.conflicts} conflicts (409)")
    for what, label in (("edit", "edits"), ("form", "edit forms opened"), ("page", "page loads"),
                        ("items", "item fetches"), ("live", "streams opened")):
        v = ms[what]
        print(f"  {label:<18} n={len(v):<6} p50 {pct(v, 50):7.0f}  p95 {pct(v, 95):7.0f}  "
              f"p99 {pct(v, 99):7.0f}  max {max(v, default=float('nan')):7.0f} ms")
    print(f"  change on every other open page: p95 {pct(everywhere, 95):.1f} s, "
          f"max {max(everywhere, default=float('nan')):.1f} s over {len(everywhere)} changes; "
          f"{never} changes some page never showed within {args.drain:.0f} s of the end "
          f"({claimed} (change, page) pairs where the page's status claimed it); "
          f"saves whose answer had no revision: {dict(tally.unfollowed) or 'none'}")
    print(f"  live refetches of the page: {tally.refetches}, {tally.shared} of them answered with a "
          f"shared render; fetches of a change's items instead: {tally.item_fetches}")
    print(f"  change on one page: p50 {pct(per_page, 50):.1f} s, p95 {pct(per_page, 95):.1f} s")
    statuses = sorted(tally.statuses.items())
    errors_4xx = {f"{what} {status}": n for (what, status), n in statuses if status < 500}
    errors_5xx = sum(n for (_, status), n in tally.statuses.items() if status >= 500)
    print(f"  4xx (409s above): {errors_4xx or 'none'}; 5xx: {errors_5xx}; "
          f"timeouts/failed connections: {dict(tally.failures) or 'none'}")
    kinds = {k: sum(w.kind == k for w in tally.writes) for k in ("touchpoint", "place", "barrier", "owner")}
    print(f"  acknowledged writes missing from the export: {len(missing)} of {len(tally.writes)} {kinds}")
    for line in missing[:10]:
        print(f"    {line}")
    print(f"  load average (1 min) before {machine['load_before']:.2f}, after {machine['load_after']:.2f}; "
          f"server CPU {machine['server_cpu']:.2f} s/s, this benchmark's own {machine['bench_cpu']:.2f} s/s")
    print("\n| participants | database | edits p50/p95/p99 ms | page loads p95 ms | live p95 ms | "
          "change everywhere p95/max s | errors | lost writes | load avg before→after | server CPU s/s |")
    failures = sum(tally.failures.values())
    edits, worst = ms["edit"], max(everywhere, default=float("nan"))
    print(f"| {len(people)} ({editors} editing) | {args.database} | {pct(edits, 50):.0f} / "
          f"{pct(edits, 95):.0f} / {pct(edits, 99):.0f} | {pct(ms['page'], 95):.0f} | "
          f"{pct(ms['live'], 95):.0f} | {pct(everywhere, 95):.1f} / {worst:.1f}"
          f"{f' ({never} never)' if never else ''} | {errors_5xx} 5xx, {sum(errors_4xx.values())} 4xx, "
          f"{failures} timeouts | {len(missing)} | {machine['load_before']:.2f} → "
          f"{machine['load_after']:.2f} | {machine['server_cpu']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--drain", type=float, default=30, help="seconds the pages get to catch up")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        with fresh_database(args.database, instance) as url, \
                served(url, instance) as (port, password, server):
            facilitator = signed_in(port, FACILITATOR, password)
            code = invitation_code(facilitator)
            people = room_of(port, code, args.participants)
            print(f"{len(people)} participants joined with code {code}; the room runs {args.seconds:.0f} s")
            tally, machine = run_room(people, args.seconds, args.drain, server.pid)
            missing = missing_writes(tally, exported_map(facilitator), facilitator)
            report(args, people, tally, machine, missing)


if __name__ == "__main__":
    main()
