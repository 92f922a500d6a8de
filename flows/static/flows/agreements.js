/* Step 4, read agreements: tell the server when each agreement is first in view ("opened")
   and when the end of its box is reached ("end"), and hold "下一步" until every one is read.
   The server records the times and is the authority; this only reports and guides. */
(function () {
  "use strict";
  var root = document.querySelector(".agreements");
  if (!root) { return; }
  var form = root.closest("form");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var alertBox = root.querySelector(".agreements-alert");
  var sections = Array.prototype.slice.call(root.querySelectorAll(".agreement"));

  function send(url, section) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("document", section.getAttribute("data-document"));
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); });
  }

  // A refused or lost report leaves the agreement unread: the server stays the authority and a
  // reload starts again.
  function ignore() {}

  function markRead(section) {
    section.setAttribute("data-read", "1");
    section.classList.add("read");
    var status = section.querySelector(".agreement-status");
    status.textContent = status.getAttribute("data-read-text");
    if (!unread().length) { alertBox.hidden = true; }
  }

  function whenVisible(target, rootElement, callback) {
    if (!("IntersectionObserver" in window)) {  // old browsers: scroll position
      var box = rootElement || target;
      var check = function () {
        if (box.scrollTop + box.clientHeight >= box.scrollHeight - 2) {
          box.removeEventListener("scroll", check);
          callback();
        }
      };
      box.addEventListener("scroll", check);
      check();
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        callback();
      }
    }, { root: rootElement || null });
    observer.observe(target);
  }

  function follow(section) {
    var box = section.querySelector(".document-box");
    var end = section.querySelector(".agreement-end");
    whenVisible(box, null, function () {
      send(root.getAttribute("data-opened-url"), section).then(function () {
        whenVisible(end, box, function () {
          send(root.getAttribute("data-end-url"), section).then(function (answer) {
            if (answer.read) { markRead(section); }
          }, ignore);
        });
      }, ignore);
    });
  }

  function unread() {
    return sections.filter(function (s) { return s.getAttribute("data-read") !== "1"; });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var missing = unread();
    if (!button || button.value !== "next" || !missing.length) { return; }
    event.preventDefault();
    var message = root.getAttribute("data-message");
    if (sections.length > 1) {
      message += "：" + missing.map(function (s) {
        return "《" + s.getAttribute("data-title") + "》";
      }).join("、");
    }
    alertBox.textContent = message;
    alertBox.hidden = false;
    missing[0].querySelector(".document-box").focus();
  });

  sections.forEach(function (section) {
    if (section.getAttribute("data-read") !== "1") { follow(section); }
  });
}());
