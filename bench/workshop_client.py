"""One participant's browser, for bench_workshop.py: cookies shared by its connections, and one
keep-alive connection per thing its page does at once (the live poll, the page refetch, a save),
as a browser keeps several connections to one host.

http.client rather than urllib: urllib opens a new connection for every request, which a browser
does not, and would add a TCP handshake to every poll.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

# A request unanswered for this long counts as a timeout (a person would have given up).
TIMEOUT_SECONDS = 30.0


@dataclass
class Answer:
    status: int  # 0: timed out or the connection failed
    headers: dict
    body: str
    seconds: float
    failure: str = ""  # "timeout" or "connection" when status is 0


class Browser:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self._cookie_lock = threading.Lock()
        self._connections: dict[str, http.client.HTTPConnection] = {}

    def _connection(self, channel: str) -> http.client.HTTPConnection:
        if channel not in self._connections:
            self._connections[channel] = http.client.HTTPConnection(
                self.host, self.port, timeout=TIMEOUT_SECONDS)
        return self._connections[channel]

    def request(self, method: str, url: str, data: dict | None = None, headers: dict | None = None,
                channel: str = "main") -> Answer:
        """One request on `channel`'s connection; never raises for a network failure."""
        body = urlencode(data, doseq=True).encode() if data is not None else None
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        with self._cookie_lock:
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            connection = self._connection(channel)
            try:
                connection.request(method, url, body=body, headers=sent)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except TimeoutError:
                self._drop(channel)
                return Answer(0, {}, "", time.perf_counter() - started, "timeout")
            except (ConnectionError, http.client.HTTPException, OSError):
                # A keep-alive connection the server closed meanwhile: a browser retries once.
                self._drop(channel)
                if attempt == 2:
                    return Answer(0, {}, "", time.perf_counter() - started, "connection")
        seconds = time.perf_counter() - started
        self._keep_cookies(response.msg.get_all("Set-Cookie") or [])
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text, seconds)

    def follow(self, method: str, url: str, data: dict | None = None) -> Answer:
        """A plain form submission or link, following redirects as a browser does (303 → GET)."""
        answer = self.request(method, url, data)
        while answer.status in (301, 302, 303) and "location" in answer.headers:
            answer = self.request("GET", urlsplit(answer.headers["location"]).path or "/")
        return answer

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        with self._cookie_lock:
            for line in set_cookies:
                name, _, value = line.split(";", 1)[0].partition("=")
                if "max-age=0" in line.lower() or "expires=thu, 01 jan 1970" in line.lower():
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value.strip()

    def _drop(self, channel: str) -> None:
        connection = self._connections.pop(channel, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for channel in list(self._connections):
            self._drop(channel)
