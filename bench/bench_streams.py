"""What an idle open page costs the server: N people hold the map's event stream and do nothing.

Run:  .venv/bin/python bench/bench_streams.py --participants 50 --seconds 60

The server is served as scripts/run serves it (bench/workshop_server.py, SQLite). After everyone has
joined and opened their stream, the server's CPU (gunicorn's master and workers) is read over
--seconds with no one editing; the cost of one idle page is that, per second, divided by N. Issue 14's
goal: under 1 ms of CPU per second per idle page. Results: docs/performance.md, "Workshop".
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from bench_workshop import FACILITATOR, invitation_code, room_of, signed_in  # noqa: E402
from workshop_room import Tally  # noqa: E402
from workshop_server import cpu_seconds, fresh_database, served  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        with fresh_database("sqlite", instance) as url, served(url, instance) as (port, password, server):
            people = room_of(port, invitation_code(signed_in(port, FACILITATOR, password)), args.participants)
            tally, stop = Tally(), threading.Event()
            threads = [threading.Thread(target=p.listen, args=(tally, stop)) for p in people]
            for thread in threads:
                thread.start()
            while len(tally.seconds["live"]) < len(people):
                time.sleep(0.1)
            time.sleep(5)  # the streams' first events and the hubs' first presence leases
            before, started = cpu_seconds(server.pid), time.monotonic()
            time.sleep(args.seconds)
            per_second = (cpu_seconds(server.pid) - before) / (time.monotonic() - started)
            reconnects = sum(p.stream.reconnects for p in people)
            stop.set()
            for person in people:
                person.stream.close()
            for thread in threads:
                thread.join()
            print(f"{len(people)} idle open pages for {args.seconds:.0f} s: server CPU "
                  f"{per_second * 1000:.1f} ms/s in all, {per_second * 1000 / len(people):.3f} ms/s per page;"
                  f" {reconnects} reconnections; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
