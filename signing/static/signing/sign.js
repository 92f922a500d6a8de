/* Step 7, sign the agreements. The password unlocks, here, the key kept for the application's
   current certificate; a wrong password fails before anything is sent. Then, one document at a
   time: the server prepares the PDF and answers the CMS signed attributes to sign ("prepare"),
   the key signs them, the server checks, embeds and seals ("complete"). The unlocked key is
   dropped when the page goes. */
(function () {
  "use strict";
  var root = document.querySelector(".sign-step");
  if (!root || !window.OnboardingKeys) { return; }
  var keys = window.OnboardingKeys;
  var form = root.closest("form");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var next = keys.nextButton(form);
  var serial = root.getAttribute("data-serial");
  var rows = Array.prototype.slice.call(root.querySelectorAll(".sign-document"));
  var password = root.querySelector("#sign-password");
  var signButton = root.querySelector("[data-role=sign]");
  var signForm = root.querySelector(".sign-form");
  var progress = root.querySelector(".sign-progress");
  var errorBox = root.querySelector(".sign-error");
  var reinstallButton = root.querySelector("[data-role=reinstall]");

  function msg(name) { return root.getAttribute("data-msg-" + name); }
  function show(node, visible) { if (node) { node.hidden = !visible; } }
  function setNext(enabled) { if (next) { next.disabled = !enabled; } }

  function fail(text) {
    errorBox.textContent = text || "";
    show(errorBox, !!text);
  }

  function unsigned() {
    return rows.filter(function (row) { return row.getAttribute("data-signed") !== "1"; });
  }

  function status(row, text) { row.querySelector(".sign-status").textContent = text; }

  /* The row now links the signed PDF (the investor's copy) instead of the unsigned preview. */
  function markSigned(row, when, url) {
    row.setAttribute("data-signed", "1");
    row.classList.add("signed");
    status(row, msg("signed") + (when ? " " + when : ""));
    var link = row.querySelector(".sign-preview");
    if (link && url) {
      link.href = url;
      link.textContent = msg("download");
      link.removeAttribute("target");
    }
  }

  function busy(flag) {
    if (signButton) { signButton.disabled = flag; }
    if (password) { password.disabled = flag; }
  }

  /* A refusal with the server's message; `code` as the server gave it. */
  function refusal(text, code) {
    var error = new Error(text);
    error.shown = true;
    error.code = code || "";
    return error;
  }

  function call(name, fields) {
    return keys.post(root.getAttribute("data-" + name + "-url"), csrf, fields)
      .then(function (answer) {
        return answer.ok ? answer.body
          : Promise.reject(refusal(answer.body.message || msg("network"), answer.body.code));
      }, function () { return Promise.reject(refusal(msg("network"))); });
  }

  function keyMissing() {
    fail(msg("missing"));
    show(reinstallButton, true);
    show(signForm, false);
    if (signButton) { signButton.disabled = true; }
  }

  // --- signing ----------------------------------------------------------------------------
  function signOne(privateKey, row) {
    status(row, msg("signing"));
    return call("prepare", { document: row.getAttribute("data-document") })
      .then(function (prepared) {
        if (prepared.serial !== serial) { return Promise.reject(refusal(msg("mismatch"))); }
        return keys.sign(privateKey, keys.fromBase64(prepared.to_sign)).then(function (value) {
          return call("complete", {
            request_id: prepared.request_id, signature: keys.toBase64(value)
          });
        });
      })
      .then(function (signed) { markSigned(row, signed.signed_at_shown, signed.download_url); }, function (error) {
        if (error.code === "already_signed") { markSigned(row, ""); return null; }
        status(row, msg("failed"));
        return Promise.reject(error);
      });
  }

  function unlock() {
    return keys.find(serial).then(function (record) {
      if (!record) { return Promise.reject(refusal(msg("missing"), "no_key")); }
      return keys.unwrap(record, password.value).catch(function (error) {
        return Promise.reject(refusal(
          error && error.name === "OperationError" ? msg("wrong") : msg("unsupported")));
      });
    });
  }

  function signAll() {
    fail("");
    if (!password.value) {
      fail(msg("empty"));
      password.focus();
      return;
    }
    if (!keys.available()) {
      fail(msg("unsupported"));
      return;
    }
    busy(true);
    unlock().then(function (privateKey) {
      return unsigned().reduce(function (chain, row) {
        return chain.then(function () { return signOne(privateKey, row); });
      }, Promise.resolve());
    }).then(function () {
      password.value = "";
      show(signForm, false);
      progress.textContent = msg("done");
      show(progress, true);
      setNext(true);
    }, function (error) {
      busy(false);
      if (error.code === "no_key") { keyMissing(); return; }
      fail(error.shown ? error.message : msg("unsupported"));
      if (error.message === msg("wrong")) { password.select(); }
    });
  }

  function reinstall() {
    if (!window.confirm(msg("confirm"))) { return; }
    reinstallButton.disabled = true;
    call("reinstall", {}).then(function (answer) {
      window.location.assign(answer.redirect);
    }, function (error) {
      fail(error.message);
      reinstallButton.disabled = false;
    });
  }

  // --- the page as the server left it ----------------------------------------------------------
  setNext(unsigned().length === 0);
  if (signButton && serial) {
    if (!keys.available()) {
      fail(msg("unsupported"));
      signButton.disabled = true;
    } else {
      keys.find(serial).then(function (record) { if (!record) { keyMissing(); } }, keyMissing);
    }
    signButton.addEventListener("click", signAll);
    keys.onEnter(password, signAll);
  }
  if (reinstallButton) { reinstallButton.addEventListener("click", reinstall); }
}());
