// Live updates. Each page holds a Server-Sent Events stream ([data-events]: /maps/<id>/events, or
// /me/events on "My touchpoints", for presence only). The server sends the map's new revision when
// it changes, with who did what and which items it touched ("touchpoint-12"). A page that shows
// items of those kinds one by one ([data-item-kinds]: the journey's touchpoints, the barriers)
// fetches just those items and puts each in place (a change costs what changed); any other change
// makes the page fetch its two regions again, #main and #map-status. Either way the new markup is
// morphed into the page with idiomorph, keeping every form someone is using exactly as it is: open
// edit forms, any form with typing in it, and the form that has the focus. "Here now" comes on the
// same stream.
//
// Plain EventSource rather than the htmx SSE extension: what a change does is not a swap of the
// event's data but a fetch that must keep forms, pause and announce, all of which would live here
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
      if (onMap) { needWhole = true; refresh(true); }  // paused or not: nothing more will come
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
    event.detail.parameters.seen = String(shown);
  });

  // The revision in the page's status line: the page's own answers bring it, and so do fetches.
  function statusRevision() {
    const status = document.getElementById("map-status");
    return Number(status && status.dataset.revision) || 0;
  }

  // What the page is known to show all of: the revision of its last whole fetch, or of the last
  // items put in place on top of one. (The status line can say more: a save's own answer brings
  // the status of the map after it, with someone else's change in it that this page has not got.)
  let shown = statusRevision();
  let latestHeard = 0;  // the newest revision the stream has told of
  // Items to fetch: those the changes after `shown` touched, up to revision `itemsTo`. Only while
  // each change follows on from the ones before (its `since` is no later than where they bring the
  // page); a change that does not, or that the hub could not itemise, needs the whole page.
  const words = (value) => new Set((value || "").split(" ").filter(Boolean));
  const itemKinds = words(source.dataset.itemKinds);
  // Other kinds the page's cards show (a barrier on the touchpoints where it happened): such an
  // item brings the cards linked to it now (the server knows) and those that showed it (below).
  const relatedKinds = words(source.dataset.relatedKinds);
  const kindOf = (id) => id.slice(0, id.lastIndexOf("-"));
  let pendingItems = new Set();
  let itemsTo = 0;
  let needWhole = false;

  function note(data) {
    const base = Math.max(shown, itemsTo);
    const items = data.items;
    const takes = items && itemKinds.size && data.since && data.since <= base
      && items.every((id) => itemKinds.has(kindOf(id)) || relatedKinds.has(kindOf(id)));
    if (!takes) { needWhole = true; return; }
    items.forEach((id) => {
      pendingItems.add(id);
      if (itemKinds.has(kindOf(id))) return;
      document.querySelectorAll(`#main a[href$="#${CSS.escape(id)}"]`).forEach((link) => {
        const card = link.closest("li[id]");
        if (card && /-\d+$/.test(card.id) && itemKinds.has(kindOf(card.id))) pendingItems.add(card.id);
      });
    });
    itemsTo = Math.max(itemsTo, data.revision);
  }

  function changed(data) {
    if (data.revision) latestHeard = Math.max(latestHeard, data.revision);
    if (!onMap || !data.revision || shown >= data.revision) return;
    if (data.count) announce(data);
    note(data);
    if (paused) {
      waiting += Math.max(1, data.count || 0);
      showWaiting();
      return;
    }
    scheduleRefresh();
  }

  // "Ana added touchpoint “First call”" for one change; "5 changes by 3 people" for a burst.
  function announce(data) {
    if (!burst) {
      burst = { count: 0, people: new Set(), said: "" };
      setTimeout(() => {
        const b = burst;
        burst = null;
        const who = b.people.size === 1 ? [...b.people][0] : word("%(count)s people", { count: b.people.size });
        const text = b.count === 1 && b.said ? b.said : word("%(count)s changes by %(who)s", { count: b.count, who });
        say(paused ? `${text} ${word("(waiting: live updates are paused)")}` : text);
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
        scheduleRefresh();
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

  // The fallback check's answer (journeymap/routes/live.py): a newer revision, nothing itemised.
  document.body.addEventListener("jm:map-changed", (event) => {
    const latest = Number(event.detail && event.detail.revision);
    if (!latest || shown >= latest) return;
    latestHeard = Math.max(latestHeard, latest);
    needWhole = true;
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
    // The page's own change, when it is the only one since what the page shows, is all the page
    // lacked: its answer brought it (the item, the status). Its announcement is then old news.
    const now = statusRevision();
    if (now === shown + 1 && !needWhole && !pendingItems.size) shown = now;
    if (ownRequests === 0 && deferred) {
      deferred = false;
      if (latestHeard > shown) scheduleRefresh();
    }
  }

  // Coalesces changes: one fetch in flight at a time, none sooner than MIN_REFRESH_MS after the
  // previous one started; every change announced meanwhile is brought by the next one.
  function scheduleRefresh() {
    if (refreshing) { again = true; return; }
    if (timer) return;
    const wait = Math.max(0, lastRefresh + MIN_REFRESH_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      if (needWhole || pendingItems.size) refresh();
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

  async function refresh(evenIfPaused = false) {
    if (leaving()) { setTimeout(scheduleRefresh, leavingUntil - Date.now()); return; }
    if (paused && !evenIfPaused) return;
    if (ownRequests > 0) { deferred = true; return; }
    refreshing = true;
    const startedBefore = ownStarted;
    lastRefresh = Date.now();
    const whole = needWhole || !source.dataset.items;
    // What this fetch brings; changes heard meanwhile wait for the next.
    const batch = pendingItems;
    const batchTo = itemsTo;
    const want = whole ? Math.max(latestHeard, shown) : batchTo;
    pendingItems = new Set();
    // While the page is on its way, changes after it follow on from it: items, not the page again.
    if (whole) { needWhole = false; itemsTo = want; }
    let brought = false;
    let retry = true;
    try {
      const url = whole ? window.location.pathname + window.location.search : itemsUrl(batch);
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { "X-Live-Refresh": "1", "X-Live-Want": String(want) },
      });
      if (!response.ok) {
        // The map is gone or no longer ours: show the answer (a 404) as a page.
        if (response.status === 404) window.location.reload();
        needWhole = true;
        retry = false;  // the next change, or the next check, tries again
        return;
      }
      const html = await response.text();
      if (leaving()) return;
      if (ownStarted !== startedBefore) {
        // Fetched across one of this page's own requests: older than what that brings. Ask again
        // once it has settled (or at once, if it already has).
        if (ownRequests > 0) deferred = true;
        else again = true;
        return;  // (the finally below asks again)
      }
      const fresh = new DOMParser().parseFromString(html, "text/html");
      if (whole) {
        morphKeepingForms("main", fresh);
        morphKeepingForms("map-status", fresh);
        shown = Math.max(shown, Number(fresh.getElementById("map-status")?.dataset.revision) || want);
      } else if (placeItems(fresh)) {
        morphKeepingForms("map-status", fresh);
        shown = Math.max(shown, batchTo);
      } else {
        needWhole = again = true;  // an item's list is not on the page (a new stage): all of it
        return;
      }
      brought = true;
    } catch (error) {
      // Offline for a moment: the stream reconnects and a later change refreshes the page.
    } finally {
      refreshing = false;
      if (!brought) {
        // Not brought: what this fetch was for is still to do (the whole page, to be sure).
        needWhole = needWhole || whole || batch.size > 0;
      }
      if (shown >= itemsTo) { itemsTo = 0; if (brought) pendingItems.clear(); }
      if (again || (retry && !brought && latestHeard > shown)) { again = false; scheduleRefresh(); }
    }
  }

  function itemsUrl(ids) {
    const url = new URL(source.dataset.items, window.location.href);
    [...ids].forEach((id) => url.searchParams.append("item", id));
    return url.pathname + url.search;
  }

  // Each item fetched, in the page's order: morphed in place, moved to where the page's order
  // puts it (after the item before it in its list), added, or removed; one in use is left alone.
  // False when an item's list is not on the page, so that only the whole page can show it.
  function placeItems(fresh) {
    for (const template of fresh.querySelectorAll("template[data-item]")) {
      const current = document.getElementById(template.dataset.item);
      const inUse = current && keptContainers(current.parentElement || current).includes(current);
      if ("gone" in template.dataset) {
        if (current && !inUse) current.remove();
        else if (current) markOrphan(current);
        continue;
      }
      const list = document.getElementById(template.dataset.list);
      const replacement = template.content.firstElementChild;
      if (!list || !replacement) return false;
      if (inUse) continue;
      replacement.querySelectorAll("[autofocus]").forEach((el) => el.removeAttribute("autofocus"));
      let item = current;
      if (item) Idiomorph.morph(item, replacement, { morphStyle: "outerHTML" });
      else item = document.adoptNode(replacement);
      const after = template.dataset.after ? document.getElementById(template.dataset.after) : null;
      if (template.dataset.after && (!after || after.parentElement !== list)) return false;
      const inPlace = item.parentElement === list
        && (after ? item.previousElementSibling === after : item === list.firstElementChild);
      if (!inPlace) {
        if (after) after.after(item);
        else list.prepend(item);
      }
      htmx.process(item);
    }
    return true;
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

  // Someone else deleted what this person is editing: the form stays, with a word about it.
  // Saving it answers with a view of what happened and a way to add it back.
  function markOrphan(holder) {
    if (holder.previousElementSibling && holder.previousElementSibling.matches(".orphan-note")) return;
    const note = document.createElement("p");
    note.className = "conflict orphan-note";
    note.setAttribute("role", "status");
    note.textContent = word("Someone else deleted what you are editing. Your text is kept here; save to see your choices.");
    holder.before(note);
  }

  // The region `id` made like the fetched one (idiomorph: nodes that stay the same stay, with
  // their focus, caret and scroll), except the forms in use, which are left exactly as they are.
  function morphKeepingForms(id, freshDoc) {
    const current = document.getElementById(id);
    const replacement = freshDoc.getElementById(id);
    if (!current || !replacement) return;
    const active = document.activeElement;
    // Where the focus is, as "the nth focusable thing inside the element with this id", in case
    // the node with the focus does not survive the morph.
    const anchor = active && active !== document.body && current.contains(active)
      ? active.closest("[id]") : null;
    const anchorIndex = anchor ? [...anchor.querySelectorAll(FOCUSABLE)].indexOf(active) : -1;
    const kept = keptContainers(current);
    // `autofocus` did its work when each part first arrived; inserted again, the browser would
    // act on it and pull the focus away from where the person is.
    replacement.querySelectorAll("[autofocus]").forEach((el) => el.removeAttribute("autofocus"));
    const orphans = [];
    Idiomorph.morph(current, replacement, {
      morphStyle: "outerHTML",
      callbacks: {
        beforeNodeMorphed: (node) => !kept.includes(node),
        beforeNodeRemoved: (node) => {
          // A form in use whose item is gone (or inside something gone) is kept, at the top.
          const inside = kept.filter((holder) => node === holder || node.contains(holder));
          inside.forEach((holder) => { holder.remove(); orphans.push(holder); });
          return true;
        },
      },
    });
    const region = document.getElementById(id);
    if (orphans.length && region) {
      const box = document.createElement("div");
      box.className = "orphans";
      orphans.forEach((holder) => { box.appendChild(holder); markOrphan(holder); });
      region.prepend(box);
    }
    if (region) htmx.process(region);
    if (anchor && !document.contains(active)) {
      const twin = document.getElementById(anchor.id);
      const target = twin && (anchor === active ? twin : twin.querySelectorAll(FOCUSABLE)[anchorIndex]);
      if (target) target.focus({ preventScroll: true });
    } else if (active && document.contains(active) && document.activeElement !== active) {
      active.focus({ preventScroll: true });
    }
  }
})();
