// Live updates on map pages. Every second the #live element asks the server "has the map changed?"
// (htmx polling; the server also records who is here). When it has, this script fetches the page
// again and swaps in the new #main and #map-status, keeping every form someone is using exactly as
// it is: open edit forms, any form with typing in it, and the form that has the focus.
(function () {
  "use strict";

  let refreshing = false;
  let again = false;

  // The poll tells the server which revision this page shows.
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt.id !== "live") return;
    const status = document.getElementById("map-status");
    if (status) event.detail.parameters.seen = status.dataset.revision || "0";
  });

  // A form counts as in use once someone types or chooses something in it.
  document.addEventListener("input", markDirty, true);
  document.addEventListener("change", markDirty, true);
  function markDirty(event) {
    const form = event.target.closest && event.target.closest("form");
    if (form) form.dataset.dirty = "1";
  }
  // A form that was sent and came back fresh (htmx swaps in a new one) starts clean again.

  document.body.addEventListener("jm:map-changed", (event) => {
    // A poll sent just before this page's own change comes back saying "changed"; by now the
    // change's answer has brought the page up to that revision, and a refresh would only move
    // the ground under the person (their focus, mid-keystroke).
    const status = document.getElementById("map-status");
    const shown = Number(status && status.dataset.revision);
    const latest = Number(event.detail && event.detail.revision);
    if (shown && latest && shown >= latest) return;
    if (refreshing) { again = true; return; }
    refresh();
  });

  async function refresh() {
    refreshing = true;
    try {
      const response = await fetch(window.location.pathname + window.location.search, {
        credentials: "same-origin", headers: { "X-Live-Refresh": "1" },
      });
      if (!response.ok) return;  // the next change, or the next poll, tries again
      const html = await response.text();
      const fresh = new DOMParser().parseFromString(html, "text/html");
      swapKeepingForms("main", fresh);
      swapKeepingForms("map-status", fresh);
      const announcer = document.getElementById("announcer");
      if (announcer) announcer.textContent = "The map was updated by someone else.";
    } catch (error) {
      // Offline for a moment: the poll keeps going and a later change refreshes the page.
    } finally {
      refreshing = false;
      if (again) { again = false; refresh(); }
    }
  }

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
        note.textContent = "Someone else deleted what you are editing. Your text is kept here; save to see your choices.";
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
