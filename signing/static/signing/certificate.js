/* Step 6, install the digital certificate. The password is checked here (it never leaves the
   browser); the key pair is made here; the server only sees the public key and the signed
   challenge that proves this browser holds the private key, and answers the certificate. The
   private key is kept wrapped with the password, in IndexedDB under the certificate's serial.

   Order matters: storage is checked and the key wrapped before the certificate is asked for, so
   that once a certificate is issued (after which installing again needs a new video witness)
   only saving the record remains. */
(function () {
  "use strict";
  var root = document.querySelector(".certificate-step");
  if (!root || !window.OnboardingKeys) { return; }
  var keys = window.OnboardingKeys;
  var form = root.closest("form");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var next = keys.nextButton(form);
  var locked = root.getAttribute("data-locked") === "1";

  function el(selector) { return root.querySelector(selector); }
  function msg(name) { return root.getAttribute("data-msg-" + name); }

  var installed = el(".certificate-installed");
  var installSection = el(".certificate-install");
  var password = el("#certificate-password");
  var confirmation = el("#certificate-password-confirm");
  var problemList = el(".password-errors");
  var installButton = el("[data-role=install]");
  var statusBox = el(".install-status");
  var errorBox = el(".install-error");
  var deviceBox = el(".certificate-device");
  var retryButton = el("[data-role=retry]");
  var reinstallButton = el("[data-role=reinstall]");
  var forgotButton = el("[data-role=reinstall-forgot]");

  function show(node, visible) { if (node) { node.hidden = !visible; } }
  function setNext(enabled) { if (next) { next.disabled = !enabled; } }

  function say(text) {
    statusBox.textContent = text || "";
    show(statusBox, !!text);
  }

  function fail(text) {
    errorBox.textContent = text || "";
    show(errorBox, !!text);
  }

  // --- the password rules -------------------------------------------------------------------
  function hasRun(text) {
    var lower = text.toLowerCase();
    var same = 1, up = 1, down = 1;
    for (var i = 1; i < lower.length; i += 1) {
      var step = lower.charCodeAt(i) - lower.charCodeAt(i - 1);
      same = step === 0 ? same + 1 : 1;
      up = step === 1 ? up + 1 : 1;
      down = step === -1 ? down + 1 : 1;
      if (Math.max(same, up, down) >= 6) { return true; }
    }
    return false;
  }

  function problems(value, again) {
    if (!value) { return [msg("empty")]; }
    var found = [];
    if (value.length < 8 || value.length > 32) { found.push(msg("length")); }
    if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) { found.push(msg("mix")); }
    if (hasRun(value)) { found.push(msg("run")); }
    if (again !== value) { found.push(msg("mismatch")); }
    return found;
  }

  function showProblems(found) {
    problemList.innerHTML = "";
    found.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      problemList.appendChild(item);
    });
    show(problemList, found.length > 0);
    password.setAttribute("aria-invalid", found.length ? "true" : "false");
  }

  // --- the server -----------------------------------------------------------------------------
  function call(name, fields) {
    return keys.post(root.getAttribute("data-" + name + "-url"), csrf, fields)
      .then(function (answer) {
        if (answer.ok) { return answer.body; }
        var refusal = new Error(answer.body.message || msg("network"));
        refusal.fromServer = true;
        refusal.code = answer.body.code || "";
        return Promise.reject(refusal);
      }, function () {
        var lost = new Error(msg("network"));
        lost.fromServer = true;
        return Promise.reject(lost);
      });
  }

  // --- installing -----------------------------------------------------------------------------
  function busy(flag) {
    [installButton, password, confirmation, retryButton].forEach(function (node) {
      if (node) { node.disabled = flag; }
    });
  }

  function succeeded(certificate) {
    root.setAttribute("data-serial", certificate.serial);
    el(".certificate-serial").textContent = certificate.serial;
    el(".certificate-validity").textContent = certificate.validity;
    password.value = "";
    confirmation.value = "";
    show(installSection, false);
    show(retryButton, false);
    show(installed, true);
    say(msg("installed"));
    deviceBox.textContent = msg("here");
    setNext(true);
  }

  /* `stage`: where it failed ("storage", "crypto", "server", "saving": after the certificate
     was issued). */
  function failed(error, stage) {
    say("");
    busy(false);
    var text = error && error.fromServer ? error.message
      : stage === "crypto" ? msg("unsupported") : msg("storage");
    if (stage === "saving" || (error && error.code === "certificate_exists")) {
      // A certificate exists without a key here: only installing again with a witness helps.
      fail(text + " " + msg("missing"));
      show(retryButton, false);
      show(reinstallButton, true);
      return;
    }
    fail(text);
    show(retryButton, true);
  }

  function install() {
    var found = problems(password.value, confirmation.value);
    showProblems(found);
    if (found.length) {
      password.focus();
      return;
    }
    if (!keys.available()) {
      fail(msg("unsupported"));
      return;
    }
    var secret = password.value;
    var pair, wrapped, publicKey, certificate;
    var stage = "storage";
    fail("");
    show(retryButton, false);
    busy(true);
    say(msg("working"));
    keys.open().then(function (db) { db.close(); })  // storage works before anything is asked
      .then(function () { stage = "crypto"; return keys.generate(); })
      .then(function (made) { pair = made; return keys.wrap(pair.privateKey, secret); })
      .then(function (kept) { wrapped = kept; return keys.exportPublic(pair.publicKey); })
      .then(function (spki) { publicKey = spki; stage = "server"; return call("challenge", {}); })
      .then(function (challenge) {
        return keys.sign(pair.privateKey, keys.fromBase64(challenge.to_sign))
          .then(function (proof) {
            return call("issue", {
              nonce: challenge.nonce, public_key: keys.toBase64(publicKey),
              signature: keys.toBase64(proof)
            });
          });
      })
      .then(function (answer) {
        certificate = answer;
        stage = "saving";
        return keys.save({
          serial: certificate.serial, wrapped_key: wrapped.wrapped, salt: wrapped.salt,
          iv: wrapped.iv, iterations: wrapped.iterations, public_key: publicKey,
          certificate: certificate.certificate, not_after: certificate.not_after,
          acceptance_number: root.getAttribute("data-acceptance-number"),
          created: new Date().toISOString()
        });
      })
      .then(function () { busy(false); succeeded(certificate); },
        function (error) { failed(error, stage); });
  }

  // --- installing again ------------------------------------------------------------------------
  function reinstall() {
    if (!window.confirm(msg("confirm"))) { return; }
    [reinstallButton, forgotButton].forEach(function (node) { if (node) { node.disabled = true; } });
    call("reinstall", {}).then(function (answer) {
      window.location.assign(answer.redirect);
    }, function (error) {
      fail(error.message);
      [reinstallButton, forgotButton].forEach(function (node) {
        if (node) { node.disabled = false; }
      });
    });
  }

  function keyMissingHere() {
    deviceBox.textContent = msg("missing");
    deviceBox.classList.add("field-error");
    show(reinstallButton, !locked);
    show(forgotButton && forgotButton.parentNode, false);
    setNext(false);
  }

  // --- the page as the server left it --------------------------------------------------------
  var serial = root.getAttribute("data-serial");
  if (serial) {
    if (!keys.available()) {
      keyMissingHere();
    } else {
      keys.find(serial).then(function (record) {
        if (record) {
          deviceBox.textContent = msg("here");
          setNext(true);
        } else {
          keyMissingHere();
        }
      }, keyMissingHere);
    }
  } else {
    setNext(false);
    if (installButton && !keys.available()) {
      fail(msg("unsupported"));
      installButton.disabled = true;
    }
  }
  if (installButton) {
    installButton.addEventListener("click", install);
    retryButton.addEventListener("click", install);
    keys.onEnter(password, install);
    keys.onEnter(confirmation, install);
  }
  [reinstallButton, forgotButton].forEach(function (node) {
    if (node) { node.addEventListener("click", reinstall); }
  });
}());
