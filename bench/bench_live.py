"""What a room of open pages costs the server: the live check each page makes every second.

Run: .venv/bin/python bench/bench_live.py [--people N] [--seconds S]
Starts gunicorn (two workers, as in tests/browser/test_workshop.py) on a fresh SQLite file with
the demo map, signs N people in, and has each poll POST /maps/1/live once a second from its own
thread for S seconds, as N open pages would. Prints the latency of the checks (median, 95th
percentile, worst) and of a page load made meanwhile. Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journeymap import create_app  # noqa: E402
from journeymap.auth.passwords import hash_password  # noqa: E402
from journeymap.extensions import db  # noqa: E402
from journeymap.models import Membership, User  # noqa: E402
from journeymap.samples.demo import load_demo  # noqa: E402

PASSWORD = "bench password 1"


def seed(url: str, people: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-key-long-enough-for-production"})
    with app.app_context():
        db.create_all()
        journey_map = load_demo()
        hashed = hash_password(PASSWORD)
        for n in range(people):
            user = User(email=f"p{n}@example.org", display_name=f"Person {n}", password_hash=hashed)
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(map_id=journey_map.id, user_id=user.id, role="contributor"))
        db.session.commit()
        db.engine.dispose()


def signed_in(base: str, n: int):
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    page = opener.open(base + "/sign-in").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urlencode({"csrf_token": token, "email": f"p{n}@example.org", "password": PASSWORD}).encode()
    opener.open(Request(base + "/sign-in", data=data))
    page = opener.open(base + "/maps/1/journey").read().decode()
    return opener, re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'live.sqlite3'}"
        seed(url, args.people)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "DATABASE_URL": url,
               "JOURNEYMAP_SECRET_KEY": "bench-key-long-enough-for-production"}
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b",
                                   f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            time.sleep(2)
            clients = [signed_in(base, n) for n in range(args.people)]
            samples: list[float] = []
            pages: list[float] = []
            stop = time.monotonic() + args.seconds

            def poll(opener, token):
                while time.monotonic() < stop:
                    started = time.perf_counter()
                    body = urlencode({"seen": "1", "page": "journey"}).encode()
                    opener.open(Request(base + "/maps/1/live", data=body,
                                        headers={"X-CSRFToken": token, "HX-Request": "true"})).read()
                    samples.append(time.perf_counter() - started)
                    time.sleep(max(0.0, 1.0 - (time.perf_counter() - started)))

            threads = [threading.Thread(target=poll, args=c) for c in clients]
            for t in threads:
                t.start()
            opener, _ = clients[0]
            while time.monotonic() < stop:
                started = time.perf_counter()
                opener.open(base + "/maps/1/journey").read()
                pages.append(time.perf_counter() - started)
                time.sleep(1)
            for t in threads:
                t.join()
        finally:
            server.terminate()
            server.wait()
    ms = sorted(s * 1000 for s in samples)
    print(f"{args.people} open pages, {len(ms)} live checks in {args.seconds} s")
    print(f"live check: median {statistics.median(ms):.1f} ms, p95 {ms[int(len(ms) * .95)]:.1f} ms, "
          f"max {ms[-1]:.1f} ms")
    print(f"journey page meanwhile: median {statistics.median(pages) * 1000:.1f} ms, "
          f"max {max(pages) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
