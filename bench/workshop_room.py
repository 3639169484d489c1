"""The room, for bench_workshop.py: each participant's open page doing what static/js/live.js does,
and the editors' saves. Everything measured goes into one Tally.

A page (live.js and the #live element of templates/partials/live.html):
- holds the map's event stream, GET /maps/<id>/events (workshop_stream.py), reconnecting with
  Last-Event-ID as EventSource does;
- when a "change" event says the map is at a newer revision than the page shows: if the event
  names the items it touched, all of a kind the page takes one by one (the journey's touchpoints,
  the barriers), and follows on from what the page has, fetches just those items
  (GET /maps/<id>/live/items) and puts them in place in its copy of the page; otherwise refetches
  the page's regions (X-Live-Refresh: 1, X-Live-Want: the revision announced) and takes the fresh
  #map-status (its revision) from it; at most one fetch a second, changes meanwhile coalesced;
- after its own save, takes the #map-status the answer brings out of band, as htmx does, and
  counts its revision as shown when its own change is the only one since.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from workshop_client import Answer, Browser
from workshop_html import form_posting_to, forms_of, htmx_csrf, place_items, revision_of
from workshop_stream import EventStream

# How often an editor acts, and their one burst: 30 saves within 2 s, from up to 6 connections
# at once (a browser's limit per host).
ACT_EVERY = (15.0, 25.0)
BURST_SAVES, BURST_SECONDS, BURST_CONNECTIONS = 30, 2.0, 6
REFRESH_EVERY = 1.0  # live.js's MIN_REFRESH_MS: at most one refetch a second per page
ITEM_KINDS = {"journey": {"touchpoint"}, "barriers": {"barrier"}}  # journeymap/live_items.py
RELATED_KINDS = {"journey": {"barrier"}, "barriers": {"touchpoint"}}
TYPING_SECONDS = (2.0, 6.0)  # between opening an edit form and saving it: the version can go stale


@dataclass
class Write:
    """A save the server acknowledged, and what the export must show for it."""

    kind: str  # "touchpoint", "barrier", "place" (a touchpoint edited), "owner"
    item_id: int | None
    text: str  # the added item's text, the edited place, or the owner's name
    version: int | None  # the item's version after the save (edits), to know which edit is last
    acked_at: float


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: dict = field(default_factory=lambda: {"edit": [], "page": [], "live": [], "form": [],
                                                   "items": []})
    statuses: Counter = field(default_factory=Counter)  # (what, status) for every answer but 2xx/3xx
    failures: Counter = field(default_factory=Counter)  # (what, "timeout" or "connection")
    conflicts: int = 0
    writes: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # (acked_at, revision, author number)
    unfollowed: Counter = field(default_factory=Counter)  # acknowledged saves without a revision
    refetches: int = 0  # live refetches made, and how many were answered with a shared render
    shared: int = 0
    item_fetches: int = 0  # live fetches of a change's items instead

    def record(self, what: str, answer: Answer) -> None:
        with self.lock:
            if answer.status == 0:
                self.failures[(what, answer.failure)] += 1
                return
            self.seconds[what].append(answer.seconds)
            if answer.status == 409:
                self.conflicts += 1
            elif answer.status >= 400:
                self.statuses[(what, answer.status)] += 1

    def acknowledged(self, write: Write, revision: int | None, author: int) -> None:
        with self.lock:
            self.writes.append(write)
            if revision is not None:
                self.changes.append((write.acked_at, revision, author))
            else:  # its answer carried no #map-status: the change cannot be followed to the pages
                self.unfollowed[write.kind] += 1


class Participant:
    def __init__(self, number: int, browser: Browser, map_id: int, page: str, editor: bool):
        self.number, self.browser, self.map_id = number, browser, map_id
        self.page = page  # "journey" or "barriers": the page this person has open
        self.page_url = f"/maps/{map_id}/{page}"
        self.editor = editor
        self.html = ""
        self.csrf = ""
        self.shown = 0  # the revision the page shows all of
        self.latest = 0  # the newest revision the stream announced
        self.pending: set[str] = set()  # items to fetch, up to revision items_to
        self.items_to = 0
        self.need_whole = False
        self.arrivals: list[tuple[float, int]] = []  # (when, revision) each refetched page arrived
        self._lock = threading.Lock()
        self._changed = threading.Event()
        self._saves = 0
        self._parsed: tuple[str, list] = ("", [])  # the page last parsed, and its forms

    # The open page ------------------------------------------------------------------------------
    def open_page(self, tally: Tally) -> None:
        answer = self.browser.request("GET", self.page_url, channel="refresh")
        tally.record("page", answer)
        # htmx's token (base.html's hx-headers on <body>) stays the page's own: a live refetch
        # brings only #map-status and #main.
        self.csrf = htmx_csrf(answer.body) or ""
        self._take_page(answer)

    def _take_page(self, answer: Answer) -> None:
        revision = revision_of(answer.body) if answer.status == 200 else None
        if revision is None:
            return
        with self._lock:
            self.html, self.shown = answer.body, revision
            self.arrivals.append((time.monotonic(), revision))

    def page_forms(self) -> list:
        """The forms of the page this person has, parsed once per page: the benchmark shares the
        server's two cores, so it should not spend them parsing the same page 30 times a burst."""
        with self._lock:
            html, (parsed_html, forms) = self.html, self._parsed
        if parsed_html is not html:
            forms = forms_of(html)
            with self._lock:
                self._parsed = (html, forms)
        return forms

    def _form_to(self, pattern: str):
        return next((f for f in self.page_forms() if re.search(pattern, f.target)), None)

    def _htmx_headers(self, trigger: str) -> dict:
        return {"HX-Request": "true", "HX-Trigger": trigger, "HX-Current-URL": self.page_url,
                "X-CSRFToken": self.csrf}

    def listen(self, tally: Tally, stop: threading.Event) -> None:
        """The page's stream: "live" times how long each (re)connection took to be answered."""
        def cookies() -> str:
            with self.browser._cookie_lock:
                return "; ".join(f"{k}={v}" for k, v in self.browser.cookies.items())

        def on_open(status: int, seconds: float) -> None:
            tally.record("live", Answer(status=status, seconds=seconds, body="", headers={}))

        def on_event(event: str, data: str, _event_id: str) -> None:
            if event != "change":
                return
            change = json.loads(data)
            revision = change.get("revision")
            if revision:
                with self._lock:
                    self.latest = max(self.latest, revision)
                    if revision > self.shown:
                        self._note(change)
                self._changed.set()

        self.stream = EventStream(self.browser.host, self.browser.port,
                                  f"/maps/{self.map_id}/events?page={self.page}", cookies, on_event, on_open)
        self.stream.run(stop)

    def _note(self, change: dict) -> None:
        """live.js's note(): items to fetch if they follow on and are of the page's kinds."""
        items, since = change.get("items"), change.get("since") or 0
        kinds = ITEM_KINDS.get(self.page, set()) | RELATED_KINDS.get(self.page, set())
        if (items is not None and since and since <= max(self.shown, self.items_to)
                and all(item.rsplit("-", 1)[0] in kinds for item in items)):
            self.pending.update(items)
            for item in items:  # the cards that showed another kind's item (live.js: links to it)
                if item.rsplit("-", 1)[0] in RELATED_KINDS.get(self.page, set()):
                    self.pending.update(_cards_linking_to(self.html, item))
            self.items_to = max(self.items_to, change["revision"])
        else:
            self.need_whole = True

    def refetch(self, tally: Tally, stop: threading.Event) -> None:
        last_start = -REFRESH_EVERY
        while not stop.is_set():
            if not self._changed.wait(0.2):
                continue
            # live.js: no refetch sooner than REFRESH_EVERY after the previous one started; the
            # changes announced meanwhile are all brought by the next one.
            time.sleep(max(0.0, last_start + REFRESH_EVERY - time.monotonic()))
            self._changed.clear()
            with self._lock:
                # live.js: a page already at that revision (its own save brought it) does nothing.
                if self.shown >= self.latest or not (self.need_whole or self.pending):
                    continue
                whole, batch, batch_to = self.need_whole, self.pending, self.items_to
                want = max(self.latest, self.shown) if whole else batch_to
                self.pending = set()
                if whole:  # live.js: changes meanwhile follow on from the page on its way
                    self.need_whole, self.items_to = False, want
            last_start = time.monotonic()
            if whole or not self._fetch_items(tally, batch, batch_to):
                self._refetch_whole(tally, want)

    def _refetch_whole(self, tally: Tally, want: int) -> None:
        answer = self.browser.request("GET", self.page_url,
                                      headers={"X-Live-Refresh": "1", "X-Live-Want": str(want)},
                                      channel="refresh")
        tally.record("page", answer)
        with tally.lock:
            tally.refetches += 1
            tally.shared += answer.headers.get("x-live-shared") == "1"
        self._take_page(answer)
        with self._lock:
            if answer.status != 200:
                self.need_whole = True
            elif self.shown >= self.items_to:
                self.items_to = 0
                self.pending = set()

    def _fetch_items(self, tally: Tally, batch: set[str], batch_to: int) -> bool:
        query = "&".join([f"page={self.page}"] + [f"item={item}" for item in sorted(batch)])
        answer = self.browser.request("GET", f"/maps/{self.map_id}/live/items?{query}",
                                      headers={"X-Live-Refresh": "1", "X-Live-Want": str(batch_to)},
                                      channel="refresh")
        tally.record("items", answer)
        with tally.lock:
            tally.item_fetches += 1
        if answer.status != 200:
            return False
        with self._lock:
            html = place_items(self.html, answer.body)
            if html is None:
                return False
            self.html = html
            self.shown = max(self.shown, batch_to)
            if self.shown >= self.items_to:
                self.items_to = 0
            self.arrivals.append((time.monotonic(), batch_to))
        return True

    # Saves --------------------------------------------------------------------------------------
    def _save(self, tally: Tally, form, values: dict, channel: str) -> Answer:
        answer = self.browser.request("POST", form.target, {**form.values, **values},
                                      self._htmx_headers(form.attrs.get("id", "")), channel=channel)
        tally.record("edit", answer)
        if answer.status == 200:
            revision = revision_of(answer.body)  # the #map-status the answer brings out of band
            with self._lock:
                # live.js: its own change, the only one since what the page shows, is all it lacked.
                if revision == self.shown + 1 and not self.need_whole and not self.pending:
                    self.shown = revision
                    self.arrivals.append((time.monotonic(), revision))
        return answer

    def _name(self) -> str:
        with self._lock:
            self._saves += 1
            return f"bench p{self.number}-{self._saves}"

    def add_touchpoint(self, tally: Tally, rng: random.Random, channel: str) -> None:
        form = self._form_to(r"/touchpoints$")
        if form is None:
            return
        text = self._name()
        stages = [s for s in form.choices.get("stage_id", []) if s]
        answer = self._save(tally, form, {"action": text, "stage_id": rng.choice(stages)}, channel)
        if answer.status == 200:
            tally.acknowledged(Write("touchpoint", None, text, None, time.monotonic()),
                               revision_of(answer.body), self.number)

    def edit_touchpoint(self, tally: Tally, rng: random.Random, channel: str, typing: bool) -> None:
        ids = re.findall(rf"/maps/{self.map_id}/touchpoints/(\d+)/delete", self.html)
        if not ids:
            return
        item_id = int(rng.choice(ids))
        opened = self.browser.request("GET", f"/maps/{self.map_id}/touchpoints/{item_id}/edit",
                                      headers=self._htmx_headers(f"edit-{item_id}"), channel=channel)
        tally.record("form", opened)
        form = form_posting_to(opened.body, rf"/touchpoints/{item_id}/edit$")
        if opened.status != 200 or form is None:
            return
        if typing:
            time.sleep(rng.uniform(*TYPING_SECONDS))
        place = self._name()
        answer = self._save(tally, form, {"place": place}, channel)
        if answer.status == 200:
            version = _version_in(answer.body, "touchpoints", item_id)
            tally.acknowledged(Write("place", item_id, place, version, time.monotonic()),
                               revision_of(answer.body), self.number)

    def add_barrier(self, tally: Tally, rng: random.Random, channel: str) -> None:
        form = self._form_to(r"/barriers$")
        if form is None:
            return
        title = self._name()
        answer = self._save(tally, form, {"title": title, "description": "Added by the benchmark."}, channel)
        if answer.status == 200:
            tally.acknowledged(Write("barrier", None, title, None, time.monotonic()),
                               revision_of(answer.body), self.number)

    def record_owner(self, tally: Tally, rng: random.Random, channel: str) -> None:
        forms = [f for f in self.page_forms() if re.search(r"/barriers/\d+/owner$", f.target)]
        forms = [f for f in forms if any(f.choices.get("owner", [""])[1:])]
        if not forms:
            return
        form = rng.choice(forms)
        owner = rng.choice([c for c in form.choices["owner"] if c])
        item_id = int(re.search(r"/barriers/(\d+)/owner$", form.target).group(1))
        answer = self._save(tally, form, {"owner": owner}, channel)
        if answer.status == 200:
            tally.acknowledged(Write("owner", item_id, form.labels.get(("owner", owner), owner),
                                     _version_in(answer.body, "barriers", item_id), time.monotonic()),
                               revision_of(answer.body), self.number)

    def act(self, tally: Tally, rng: random.Random, channel: str = "edit", typing: bool = True) -> None:
        """One save of the real mix: a person on the journey page adds or edits touchpoints; one on
        the barriers page adds barriers and records owners."""
        if self.page == "journey":
            if rng.random() < 0.5:
                self.add_touchpoint(tally, rng, channel)
            else:
                self.edit_touchpoint(tally, rng, channel, typing)
        elif rng.random() < 0.4:
            self.add_barrier(tally, rng, channel)
        else:
            self.record_owner(tally, rng, channel)

    def burst(self, tally: Tally, rng: random.Random, until: float) -> None:
        """BURST_SAVES saves spread over BURST_SECONDS, each sent at its moment or as soon as one
        of BURST_CONNECTIONS connections is free; none started after the time limit (`until`), or
        a slow server would stretch the run far past it."""
        start = time.monotonic()

        def send(lane: int) -> None:
            lane_rng = random.Random(rng.random())
            for k in range(lane, BURST_SAVES, BURST_CONNECTIONS):
                delay = start + k * BURST_SECONDS / BURST_SAVES - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                if time.monotonic() >= until:
                    return
                self.act(tally, lane_rng, channel=f"burst{lane}", typing=False)

        lanes = [threading.Thread(target=send, args=(lane,)) for lane in range(BURST_CONNECTIONS)]
        for lane in lanes:
            lane.start()
        for lane in lanes:
            lane.join()

    def edit(self, tally: Tally, until: float) -> None:
        """An editor's run: a save every ACT_EVERY seconds, and one burst at a random moment."""
        rng = random.Random(self.number)
        next_act = time.monotonic() + rng.uniform(0, ACT_EVERY[1])
        burst_at = time.monotonic() + rng.uniform(0.05, 0.85) * (until - time.monotonic())
        while True:
            moment = min(next_act, burst_at)
            if moment >= until or time.monotonic() >= until:
                return
            time.sleep(max(0.0, moment - time.monotonic()))
            if moment == burst_at:
                self.burst(tally, rng, until)
                burst_at = float("inf")
                while next_act <= time.monotonic():
                    next_act += rng.uniform(*ACT_EVERY)
            else:
                self.act(tally, rng)
                # A person kept busy (a slow save, their burst) does not make up the saves missed.
                while next_act <= time.monotonic():
                    next_act += rng.uniform(*ACT_EVERY)


def _version_in(fragment: str, plural: str, item_id: int) -> int | None:
    """The item's version in a save's answer (its forms carry it), to tell which edit is the last."""
    versions = [int(f.values["version"]) for f in forms_of(fragment)
                if re.search(rf"/{plural}/{item_id}/", f.target) and f.values.get("version", "").isdigit()]
    return max(versions) if versions else None


def _cards_linking_to(html: str, dom_id: str) -> set[str]:
    """The ids of the cards (<li id="kind-N">; their inner <li>s have none) linking to "#dom_id"."""
    cards = set()
    for link in re.finditer(rf'href="[^"]*#{re.escape(dom_id)}"', html):
        found = re.match(r'<li id="([a-z_]+-\d+)"', html[html.rfind('<li id="', 0, link.start()):])
        if found:
            cards.add(found.group(1))
    return cards
