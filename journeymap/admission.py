"""At most a few requests of a worker process are worked on at once; live streams are not counted.

A worker runs 100 threads so that every open page can hold its live stream (journeymap/serve.py).
Left alone, those threads would also take up to 100 ordinary requests at once, and a busy room's
saves and page loads would share the CPU (and Python's one interpreter lock, and SQLite's one
writer) a hundred ways: every request as slow as the slowest, and some past the browser's patience.
Measured (docs/performance.md, "Workshop", 60 people): that is what happened. Requests beyond the
limit wait their turn here, first come first served, as they did in gunicorn's queue when a worker
had 4 threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

STREAM_SUFFIXES = ("/events",)  # GET /maps/<id>/events, /me/events: they wait, asleep, for hours


class AdmissionLimit:
    def __init__(self, wsgi_app: Callable, limit: int) -> None:
        self.wsgi_app = wsgi_app
        self._slots = threading.BoundedSemaphore(limit)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO", "").endswith(STREAM_SUFFIXES):
            return self.wsgi_app(environ, start_response)
        # Flask has made the whole answer by the time it returns (but for downloads sent from a
        # file, which are only read from disk afterwards): the slot is the work, not the sending.
        with self._slots:
            return self.wsgi_app(environ, start_response)
