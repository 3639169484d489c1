// The silo page's drawing opens at a readable size in a frame that scrolls; "Fit to width" shows
// it whole in the column instead (smaller text), and back. Without script the frame still scrolls.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("silo-fit");
  const frame = document.getElementById("silo-frame");
  if (!button || !frame) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const fit = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", fit ? "true" : "false");
    frame.classList.toggle("silo-fit", fit);
  });
});
