// Keyboard and focus around in-place editing. Where focus goes after a swap is mostly decided by
// the server (an `autofocus` on the Edit control of an item saved, cancelled, added or moved);
// this script covers what the server cannot know or do:
// - a delete leaves nothing to put `autofocus` on: the focus goes to the next item, or the one
//   before, or the list's heading, instead of falling to the top of the page;
// - Escape closes an open edit form without saving, and asks first if something was typed;
// - `jm:announce` (an HX-Trigger from routes/crud.py) is said in the polite live region.
(function () {
  "use strict";

  // Announcements ------------------------------------------------------------------------------
  document.addEventListener("jm:announce", (event) => {
    const live = document.getElementById("announcer");
    if (!live || !event.detail || !event.detail.value) return;
    // Emptied first, so the same words twice in a row ("Touchpoint moved later") are said twice.
    live.textContent = "";
    requestAnimationFrame(() => { live.textContent = event.detail.value; });
  });

  // Delete -------------------------------------------------------------------------------------
  let pendingDelete = null;

  // The element that disappears: named by the delete form (a stage's whole section) or the item
  // the form sits in.
  function removedUnit(form) {
    const named = form.dataset.removes;
    return named ? document.getElementById(named) : form.closest("[id].item");
  }

  function sameKindSibling(unit, step) {
    let sibling = step > 0 ? unit.nextElementSibling : unit.previousElementSibling;
    const kind = unit.classList[0];
    while (sibling && !(sibling.id && sibling.classList.contains(kind))) {
      sibling = step > 0 ? sibling.nextElementSibling : sibling.previousElementSibling;
    }
    return sibling;
  }

  // The heading of the list the item was in: the section that labels it, else the page's.
  function listHeading(unit) {
    const labelled = unit.parentElement && unit.parentElement.closest("[aria-labelledby]");
    const heading = labelled && document.getElementById(labelled.getAttribute("aria-labelledby"));
    return heading && heading.id ? "#" + CSS.escape(heading.id) : "#main h1";
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-removes]")) return;
    const unit = removedUnit(form);
    if (!unit) return;
    const neighbours = [sameKindSibling(unit, 1), sameKindSibling(unit, -1)].filter(Boolean);
    pendingDelete = {
      xhr: event.detail.xhr,
      targets: neighbours.map((el) => "#" + CSS.escape(el.id)).concat([listHeading(unit)]),
    };
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const pending = pendingDelete;
    if (!pending || event.detail.xhr !== pending.xhr) return;
    pendingDelete = null;
    if (!event.detail.successful) return;  // a conflict shows itself, with its own focus
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    for (const selector of pending.targets) {
      const el = document.querySelector(selector);
      if (el) { focusItem(el); return; }
    }
  });

  // An item is reached through its Edit control; a heading (or an item without one) is made
  // focusable for the moment.
  function focusItem(el) {
    const control = el.matches("h1, h2, h3") ? null : el.querySelector(".edit-link");
    if (control) { control.focus(); return; }
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus();
  }

  // Escape -------------------------------------------------------------------------------------
  function hasChanges(form) {
    // Typed in (live.js marks it), or shown again with errors or a conflict: text the person
    // would lose that they may not have typed on this page.
    return form.dataset.dirty === "1" || !!form.querySelector("[aria-invalid], .form-error, .conflict");
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const form = event.target.closest && event.target.closest(".editing form");
    if (!form) return;
    const question = form.querySelector(".discard-question");
    if (question) { keepEditing(question); event.preventDefault(); return; }
    const cancel = form.querySelector("a.cancel");
    if (!cancel) return;
    event.preventDefault();
    if (hasChanges(form)) ask(form, cancel, event.target);
    else cancel.click();
  });

  function ask(form, cancel, returnTo) {
    const question = document.createElement("div");
    question.className = "discard-question";
    question.setAttribute("role", "group");
    const words = document.createElement("p");
    words.id = form.closest("[id]").id + "-discard-question";
    words.textContent = word("Discard your changes?");
    question.setAttribute("aria-labelledby", words.id);
    const discard = button(word("Discard"), () => cancel.click());
    const keep = button(word("Keep editing"), () => keepEditing(question));
    question.append(words, discard, keep);
    question.returnTo = returnTo;
    const actions = form.querySelector(".actions");
    form.insertBefore(question, actions);
    keep.focus();
  }

  function button(text, onClick) {
    const el = document.createElement("button");
    el.type = "button";
    el.className = "small";
    el.textContent = text;
    el.addEventListener("click", onClick);
    return el;
  }

  function keepEditing(question) {
    const back = question.returnTo;
    question.remove();
    if (back && document.contains(back)) back.focus();
  }
})();
