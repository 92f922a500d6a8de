// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can
// forbid inline scripts: a <select data-autosubmit> submits its form when changed, and a
// <form data-confirm="…"> asks before it is sent, and so does a form sent by a
// <button data-confirm-submit="…"> (the revisit's "下一步"; not its "上一步"). <html class="js">
// lets the styles tell a page with scripts from one without (e.g. the photo step's tiles).
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  const button = event.submitter && event.submitter.closest("[data-confirm-submit]");
  if (button && !window.confirm(button.dataset.confirmSubmit)) event.preventDefault();
});
