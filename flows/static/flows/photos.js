// The photo step: a photo chosen (or just taken) shows in its tile before it is uploaded, the
// tile then offers to take it again, and the hint under it says what happens next. Without
// JavaScript the plain file inputs still work (photos.css hides them only under <html class=js>).
"use strict";
(function () {
  const shown = new WeakMap();  // input → the object URL of its preview, revoked when replaced

  function preview(input) {
    const slot = input.closest("[data-photo-slot]");
    if (!slot) return;
    const tile = slot.querySelector(".photo-tile");
    const chosen = slot.querySelector(".photo-chosen");
    const hint = slot.querySelector(".photo-hint");
    const action = slot.querySelector(".photo-action");
    const file = input.files && input.files[0];
    if (shown.has(input)) URL.revokeObjectURL(shown.get(input));
    if (!file) return;
    const url = URL.createObjectURL(file);
    shown.set(input, url);
    chosen.onerror = () => { chosen.hidden = true; };  // a format this browser cannot show (HEIC)
    chosen.src = url;
    chosen.hidden = false;
    tile.classList.add("retake");
    action.textContent = action.dataset.retake;
    hint.textContent = hint.dataset.chosen + " (" + file.name + ")";
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches(".photo-input")) preview(event.target);
  });
})();
