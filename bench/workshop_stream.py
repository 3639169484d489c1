"""One open page's event stream, for bench_workshop.py: what the browser's EventSource does for
static/js/stream.js — hold a Server-Sent Events connection, hand each event to the page, and on a
dropped connection reconnect with the last event id (Last-Event-ID), as the browser does.

http.client rather than a library made for SSE: the benchmark must not add a dependency to the
project, and the format (https://html.spec.whatwg.org/multipage/server-sent-events.html) is a few
lines of text.
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from collections.abc import Callable

# How long a read may wait: longer than the server's keepalive, so a quiet stream is not a failure.
READ_TIMEOUT_SECONDS = 60.0
RECONNECT_SECONDS = 1.0


class EventStream:
    """Calls on_event(event, data, event_id) for every event the stream sends, until stop is set.
    on_open(status) is called on each (re)connection with the answer's status."""

    def __init__(self, host: str, port: int, url: str, cookies: Callable[[], str],
                 on_event: Callable[[str, str, str], None], on_open: Callable[[int, float], None]):
        self.host, self.port, self.url = host, port, url
        self.cookies, self.on_event, self.on_open = cookies, on_event, on_open
        self.last_id = ""
        self.reconnects = 0
        self._connection: http.client.HTTPConnection | None = None

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            connection = http.client.HTTPConnection(self.host, self.port, timeout=READ_TIMEOUT_SECONDS)
            self._connection = connection
            headers = {"Accept": "text/event-stream", "Cookie": self.cookies()}
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id
            try:
                connection.request("GET", self.url, headers=headers)
                response = connection.getresponse()
                self.on_open(response.status, time.perf_counter() - started)
                if response.status != 200:
                    response.read()
                    stop.wait(RECONNECT_SECONDS)
                    continue
                self._read(response, stop)
            except (OSError, http.client.HTTPException):
                pass  # dropped: reconnect, as EventSource does
            finally:
                connection.close()
            if not stop.is_set():
                self.reconnects += 1
                stop.wait(RECONNECT_SECONDS)

    def close(self) -> None:
        """Unblocks a read in progress (called once the run is over)."""
        if self._connection is not None and self._connection.sock is not None:
            with contextlib.suppress(OSError):
                self._connection.sock.shutdown(2)

    def _read(self, response, stop: threading.Event) -> None:
        event, data = "message", []
        while not stop.is_set():
            raw = response.readline()  # undoes chunked transfer-encoding
            if not raw:
                return  # the server ended the stream
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if not line:  # a blank line dispatches the event
                if data:
                    self.on_event(event, "\n".join(data), self.last_id)
                event, data = "message", []
                continue
            if line.startswith(":"):
                continue  # a comment: the keepalive
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
            elif name == "id":
                self.last_id = value
