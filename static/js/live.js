// Live updates. Each page holds a Server-Sent Events stream ([data-events]: /maps/<id>/events, or
// /me/events on "My touchpoints", for presence only). The server sends the map's new revision when
// it changes, with who did what; this script then fetches the page again and swaps in the new #main
// and #map-status, keeping every form someone is using exactly as it is: open edit forms, any form
// with typing in it, and the form that has the focus. "Here now" comes on the same stream.
//
// Plain EventSource rather than the htmx SSE extension: what a change does is not a swap of the
// event's data but a refetch that must keep forms, pause and announce, all of which would live here
// anyway; the browser's EventSource already reconnects and sends Last-Event-ID.
(function () {
  "use strict";

  const source = document.querySelector("[data-events]");
  if (!source) return;
  const onMap = source.id === "live";
  // A proxy that buffers streams delivers nothing, not even the server's pings (every 15 s): after
  // this long without a word the page checks by itself, every data-poll-seconds, until one arrives.
  const SILENT_MS = 35000;
  const POLL_MS = 1000 * (Number(source.dataset.pollSeconds) || 5);
  const BURST_MS = 1500;  // changes this close together are announced as one sentence
  // At most one refetch a second: a burst of 30 saves costs the server one or two renders of this
  // page, not 30. The refetch asks for the newest revision announced (X-Live-Want).
  const MIN_REFRESH_MS = 1000;

  let refreshing = false;
  let again = false;
  let wanted = 0;  // the newest revision the stream has announced
  let lastRefresh = -Infinity;
  let timer = null;
  let paused = false;
  let waiting = 0;
  let lastHeard = Date.now();
  let lastPoll = 0;
  let burst = null;

  function connect() {
    const events = new EventSource(source.dataset.events);
    const heard = () => { lastHeard = Date.now(); };
    events.addEventListener("open", heard);
    events.addEventListener("ping", heard);
    events.addEventListener("here", (event) => { heard(); showHere(JSON.parse(event.data)); });
    events.addEventListener("change", (event) => { heard(); changed(JSON.parse(event.data)); });
    events.addEventListener("end", () => {
      // Removed from the map, or the map was closed or deleted: the page shows what is now true.
      events.close();
      if (onMap) refresh();
    });
  }

  setInterval(() => {
    if (!onMap || Date.now() - lastHeard < SILENT_MS || Date.now() - lastPoll < POLL_MS) return;
    const live = document.getElementById("live");
    if (live && window.htmx) { lastPoll = Date.now(); htmx.trigger(live, "jm:poll"); }
  }, 1000);

  // The fallback check tells the server which revision this page shows.
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt.id !== "live") return;
    const status = document.getElementById("map-status");
    if (status) event.detail.parameters.seen = status.dataset.revision || "0";
  });

  function shownRevision() {
    const status = document.getElementById("map-status");
    return Number(status && status.dataset.revision) || 0;
  }

  let latestHeard = 0;  // the newest revision the stream has told of

  function changed(data) {
    if (data.revision) latestHeard = Math.max(latestHeard, data.revision);
    if (!onMap || !data.revision || shownRevision() >= data.revision) return;
    if (data.count) announce(data);
    if (paused) {
      waiting += Math.max(1, data.count || 0);
      showWaiting();
      return;
    }
    document.body.dispatchEvent(new CustomEvent("jm:map-changed", { detail: { revision: data.revision } }));
  }

  // "Ana added touchpoint “First call”" for one change; "5 changes by 3 people" for a burst.
  function announce(data) {
    if (!burst) {
      burst = { count: 0, people: new Set(), said: "" };
      setTimeout(() => {
        const b = burst;
        burst = null;
        const who = b.people.size === 1 ? [...b.people][0] : `${b.people.size} people`;
        const text = b.count === 1 && b.said ? b.said : `${b.count} changes by ${who}`;
        say(paused ? `${text} (waiting: live updates are paused)` : text);
      }, BURST_MS);
    }
    burst.count += data.count;
    (data.people || []).forEach((name) => burst.people.add(name));
    burst.said = data.said || burst.said;
  }

  function say(text) {
    const announcer = document.getElementById("announcer");
    if (announcer) announcer.textContent = text;
  }

  function showHere(people) {
    const live = document.getElementById("live");
    if (!live) return;
    const label = document.createElement("span");
    label.className = "label-inline";
    label.textContent = word("Here now:");
    const list = document.createElement("ul");
    list.className = "here-now";
    list.setAttribute("aria-label", word("People with this map open"));
    people.forEach((person) => {
      const item = document.createElement("li");
      const role = document.createElement("span");
      role.className = "muted";
      role.textContent = `(${person.role})`;
      item.append(`${person.name} `, role);
      list.appendChild(item);
    });
    live.replaceChildren(label, list);
  }

  // Pause and resume (WCAG 2.2.2): a paused page keeps still and says how many changes wait.
  const controls = document.getElementById("live-controls");
  const pause = document.getElementById("live-pause");
  if (onMap && controls && pause) {
    controls.hidden = false;
    pause.addEventListener("click", () => {
      paused = !paused;
      pause.textContent = word(paused ? "Resume live updates" : "Pause live updates");
      if (!paused && waiting) {
        waiting = 0;
        refresh();
      }
      showWaiting();
    });
  }

  function showWaiting() {
    const box = document.getElementById("live-waiting");
    if (!box) return;
    if (!paused) box.textContent = "";
    else if (!waiting) box.textContent = word("Live updates paused.");
    else box.textContent = word(waiting === 1 ? "%(count)s change waiting." : "%(count)s changes waiting.", { count: waiting });
  }

  // A form counts as in use once someone types or chooses something in it.
  document.addEventListener("input", markDirty, true);
  document.addEventListener("change", markDirty, true);
  function markDirty(event) {
    const form = event.target.closest && event.target.closest("form");
    if (form) form.dataset.dirty = "1";
  }
  // A form that was sent and came back fresh (htmx swaps in a new one) starts clean again; one that
  // came back holding what the person typed (an agency added from inside the touchpoint form, the
  // other fields kept) is still theirs: a refresh must not swap it for an empty one. Edit forms
  // are kept anyway (.editing), and their own values are not typing (Escape asks only for typing).
  document.addEventListener("htmx:load", (event) => {
    const root = event.detail.elt;
    // The page's first load is not an answer: its filled-in forms (settings) were never typed here.
    if (!root || !root.querySelectorAll || root === document.body) return;
    const forms = root.matches("form") ? [root] : [...root.querySelectorAll("form")];
    forms.forEach((form) => {
      if (form.closest(".editing")) return;
      const typed = [...form.querySelectorAll("input[type=text], input:not([type]), textarea")]
        .some((field) => field.value.trim() !== "");
      if (typed) form.dataset.dirty = "1";
    });
  });

  document.body.addEventListener("jm:map-changed", (event) => {
    // A change announced just before this page's own change lands; by now the change's answer
    // has brought the page up to that revision, and a refresh would only move the ground under
    // the person (their focus, mid-keystroke).
    const latest = Number(event.detail && event.detail.revision);
    const shown = shownRevision();
    if (shown && latest && shown >= latest) return;
    if (latest) wanted = Math.max(wanted, latest);
    if (paused) { waiting += 1; showWaiting(); return; }
    scheduleRefresh();
  });

  // This page's own requests (a save, a delete, a move) in flight. A refresh never runs across
  // one: its answer swaps in place and moves the focus (focus.js), and a page fetched before it
  // landed would bring back what was just deleted, or take the focus from where it was put.
  let ownRequests = 0;
  let ownStarted = 0;
  let deferred = false;
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt && event.detail.elt.id === "live") return;  // the fallback check
    ownRequests += 1;
    ownStarted += 1;
  });
  document.addEventListener("htmx:afterSettle", settled);
  document.addEventListener("htmx:afterRequest", (event) => {
    // A request that swaps nothing (an error, a 204) never settles.
    if (!event.detail.successful || event.detail.xhr.status === 204) settled(event);
  });
  function settled(event) {
    if (event.detail.elt && event.detail.elt.id === "live") return;
    if (ownRequests > 0) ownRequests -= 1;
    if (ownRequests === 0 && deferred) {
      deferred = false;
      // The answer may have brought the page up to the revision the change was about.
      if (latestHeard > shownRevision()) scheduleRefresh();
    }
  }

  // Coalesces changes: one refetch in flight at a time, none sooner than MIN_REFRESH_MS after the
  // previous one started; every change announced meanwhile is brought by the next one.
  function scheduleRefresh() {
    if (refreshing) { again = true; return; }
    if (timer) return;
    const wait = Math.max(0, lastRefresh + MIN_REFRESH_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      // The page's own save may have brought it there meanwhile.
      if (!wanted || shownRevision() < wanted) refresh();
    }, wait);
  }

  // A page being left (a form sent the ordinary way, a link followed) fetches nothing more: the
  // next page is on its way, and this one's URL may now be refused (the "Close this map" page of a
  // map just closed answers 409). A download also fires beforeunload and the page stays, so after
  // LEAVING_MS it takes up the changes again.
  const LEAVING_MS = 10000;
  let leavingUntil = 0;
  window.addEventListener("beforeunload", () => { leavingUntil = Date.now() + LEAVING_MS; });
  window.addEventListener("pageshow", () => { leavingUntil = 0; });
  const leaving = () => Date.now() < leavingUntil;

  async function refresh() {
    if (leaving()) { setTimeout(scheduleRefresh, leavingUntil - Date.now()); return; }
    if (ownRequests > 0) { deferred = true; return; }
    refreshing = true;
    const startedBefore = ownStarted;
    lastRefresh = Date.now();
    try {
      const response = await fetch(window.location.pathname + window.location.search, {
        credentials: "same-origin",
        headers: { "X-Live-Refresh": "1", "X-Live-Want": String(Math.max(wanted, shownRevision())) },
      });
      if (!response.ok) {
        // The map is gone or no longer ours: show the answer (a 404) as a page.
        if (response.status === 404) window.location.reload();
        return;  // otherwise the next change, or the next check, tries again
      }
      const html = await response.text();
      if (leaving()) return;
      if (ownStarted !== startedBefore) {
        // Fetched across one of this page's own requests: older than what that brings. Ask again
        // once it has settled (or at once, if it already has).
        if (ownRequests > 0) deferred = true;
        else again = latestHeard > shownRevision();
        return;  // (the finally below asks again)
      }
      const fresh = new DOMParser().parseFromString(html, "text/html");
      swapKeepingForms("main", fresh);
      swapKeepingForms("map-status", fresh);
    } catch (error) {
      // Offline for a moment: the stream reconnects and a later change refreshes the page.
    } finally {
      refreshing = false;
      if (again) { again = false; scheduleRefresh(); }
    }
  }

  connect();

  // The element of a form in use that stands in for it on the page: the item being edited
  // (it carries the item's id) or the add-form panel.
  function keptContainers(region) {
    const active = document.activeElement;
    const kept = [];
    region.querySelectorAll("form").forEach((form) => {
      // Typed in, focused, an open edit form, or shown again with errors or a conflict (its text
      // came back from the server, so it was never "typed" on this page).
      const inUse = form.dataset.dirty === "1" || form.contains(active) || form.closest(".editing")
        || form.querySelector("[aria-invalid], .form-error, .conflict");
      if (!inUse) return;
      const holder = form.closest("[id].item, [id].add-form, [id].conflict-item") || (form.id ? form : null);
      if (holder && !kept.includes(holder)) kept.push(holder);
    });
    return kept;
  }

  const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function swapKeepingForms(id, freshDoc) {
    const current = document.getElementById(id);
    const replacement = freshDoc.getElementById(id);
    if (!current || !replacement) return;
    const active = document.activeElement;
    const caret = active && "selectionStart" in active
      ? [active.selectionStart, active.selectionEnd] : null;
    // Where the focus is, as "the nth focusable thing inside the element with this id", so a
    // keyboard user on a button (Earlier, Later, Edit) is on the same button after the swap.
    const anchor = active && active !== document.body && current.contains(active)
      ? active.closest("[id]") : null;
    const anchorIndex = anchor ? [...anchor.querySelectorAll(FOCUSABLE)].indexOf(active) : -1;
    const kept = keptContainers(current);
    // `autofocus` did its work when each part first arrived. Left in place, the browser would act
    // on it when the nodes are inserted again and pull the focus away from where the person is.
    [replacement, ...kept].forEach((root) => {
      root.querySelectorAll("[autofocus]").forEach((el) => el.removeAttribute("autofocus"));
    });
    const orphans = [];
    kept.forEach((holder) => {
      const twin = replacement.querySelector("#" + CSS.escape(holder.id));
      if (twin) twin.replaceWith(holder);  // moves the live node, typed text and all
      else orphans.push(holder);
    });
    if (orphans.length) {
      // The item was deleted by someone else: keep the form at the top of the page. Saving it
      // answers with a view of what happened and a way to add it back.
      const box = document.createElement("div");
      box.className = "orphans";
      orphans.forEach((holder) => {
        const note = document.createElement("p");
        note.className = "conflict";
        note.setAttribute("role", "status");
        note.textContent = word("Someone else deleted what you are editing. Your text is kept here; save to see your choices.");
        box.appendChild(note);
        box.appendChild(holder);
      });
      replacement.prepend(box);
    }
    // A drawing someone has scrolled (the journey view on a projector) stays where they put it.
    const scrolled = [...current.querySelectorAll("[data-keep-scroll][id]")]
      .map((el) => [el.id, el.scrollLeft, el.scrollTop]);
    current.replaceWith(replacement);
    htmx.process(replacement);
    scrolled.forEach(([scrollId, x, y]) => {
      const el = document.getElementById(scrollId);
      if (el) { el.scrollLeft = x; el.scrollTop = y; }
    });
    if (active && document.contains(active) && document.activeElement !== active) {
      active.focus({ preventScroll: true });
      if (caret) { try { active.setSelectionRange(caret[0], caret[1]); } catch (e) { /* not a text field */ } }
    } else if (anchor && !document.contains(active)) {
      // Focus was outside a form (a button, a link, the drawing's frame): on its twin now.
      const twin = document.getElementById(anchor.id);
      const target = twin && (anchor === active ? twin : twin.querySelectorAll(FOCUSABLE)[anchorIndex]);
      if (target) target.focus({ preventScroll: true });
    }
  }
})();
