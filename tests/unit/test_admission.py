"""journeymap/admission.py: at most `limit` ordinary requests at once; live streams pass by."""

from __future__ import annotations

import threading
import time

from journeymap.admission import AdmissionLimit


def counting_app():
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    def app(environ, start_response):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return [b"ok"]
    return app, state


def run(limited, path: str, n: int) -> None:
    threads = [threading.Thread(target=limited, args=({"REQUEST_METHOD": "GET", "PATH_INFO": path}, None))
               for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_ordinary_requests_wait_their_turn():
    app, state = counting_app()
    run(AdmissionLimit(app, 2), "/maps/1/journey", 8)
    assert state["most"] == 2


def test_live_streams_are_not_counted():
    app, state = counting_app()
    run(AdmissionLimit(app, 2), "/maps/1/events", 8)
    assert state["most"] == 8
