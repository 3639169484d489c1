// The words the scripts show, in the page's language: a page in another language than English
// carries them in <body data-words> (journeymap/i18n.py, SCRIPT_WORDS). `values` fill %(name)s.
const pageWords = JSON.parse(document.body.dataset.words || "{}");
function word(english, values) {
  let text = pageWords[english] || english;
  Object.entries(values || {}).forEach(([name, value]) => { text = text.replace(`%(${name})s`, value); });
  return text;
}

// When an htmx request fails (the server is down, the item was deleted elsewhere), say so:
// nothing may fail silently. Validation errors (422) are swapped in by htmx as normal content.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (event.detail.elt && event.detail.elt.id === "live") {
    // The background check failed (signed out, removed from the map, server gone): stop asking
    // every second and say so once.
    event.detail.elt.dataset.stopped = "1";
    announce(status === 401
      ? word("You are signed out, so this page no longer updates. Copy any text you are writing, sign in again and reload.")
      : word("This page has stopped updating (error %(status)s). Copy any text you are writing and reload the page.", { status }));
    return;
  }
  const texts = {
    401: word("You are signed out (the session ended or was idle too long). Your text is still here: "
      + "copy it, sign in again, reload this page and paste it back."),
    403: word("Your role on this map does not allow that. Nothing was changed."),
    404: word("That item no longer exists. Reload the page to see the map as it is now."),
  };
  const text = texts[status]
    || word("That did not work (error %(status)s). Nothing was lost from your form; try again.", { status });
  announce(text);
});
document.addEventListener("htmx:sendError", () => {
  announce(word("The server could not be reached. Nothing was saved; check the connection and try again."));
});

function announce(text) {
  const live = document.getElementById("announcer");
  if (live) live.textContent = text;
  let toast = document.querySelector(".toast");
  if (!toast) {
    toast = document.createElement("div");
    toast.className = "toast";
    toast.setAttribute("role", "alert");
    document.body.appendChild(toast);
  }
  toast.textContent = text;
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => toast.remove(), 8000);
}

document.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.elt && event.detail.elt.dataset.stopped === "1") event.preventDefault();
});

// A list refreshed out of band (a stage added or moved, an agency renamed) keeps what the person
// chose in it, when that choice is still there. Left alone, it takes the server's default (the
// newest stage), which is what someone who has not chosen expects.
document.addEventListener("change", (event) => {
  if (event.target.tagName === "SELECT") event.target.dataset.chosen = "1";
}, true);
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const old = event.detail.target;
  if (!old || old.tagName !== "SELECT" || old.dataset.chosen !== "1") return;
  const fragment = event.detail.fragment;
  const fresh = fragment.matches && fragment.matches("select") ? fragment : fragment.querySelector("select");
  const option = fresh && [...fresh.options].find((o) => o.value === old.value);
  if (!option) return;
  [...fresh.options].forEach((o) => o.removeAttribute("selected"));
  option.setAttribute("selected", "");
  fresh.dataset.chosen = "1";
});
