/* Step 3, exchanges: show the score-report part only when a first financial or crude-oil
   exchange is ticked, and ask once more before giving up the business. The server decides
   everything; without this script the page still works. */
(function () {
  "use strict";
  var reports = document.getElementById("score-reports");
  var boxes = document.querySelectorAll("input[name=exchanges][data-needs-reports]");

  function update() {
    if (!reports) { return; }
    var needed = Array.prototype.some.call(boxes, function (box) { return box.checked; });
    reports.hidden = !needed;
    var test = reports.querySelector("input[name=score_choice][value=test]");
    var files = reports.querySelector("input[type=file]");
    if (files && test) { files.disabled = test.checked; }
  }

  document.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name === "exchanges" || name === "score_choice") { update(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  update();
  var notice = document.getElementById("notice-title");
  if (notice) {  // the notice stands in for a dialog: start reading there
    notice.setAttribute("tabindex", "-1");
    notice.focus();
  }
}());
