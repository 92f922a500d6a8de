/* The login page with JavaScript: "获取验证码" asks for the code without leaving the page and
 * counts down 60 s, the captcha picture can be changed, the privacy policy opens from its link.
 * Without JavaScript the same buttons submit the form and the server shows the page again. */
(function () {
  "use strict";
  var form = document.getElementById("login-form");
  if (!form) return;
  var texts = JSON.parse(document.getElementById("device-texts").textContent);
  var smsButton = document.getElementById("sms-button");
  var loginButton = document.getElementById("login-button");
  var sent = document.getElementById("sms-sent");
  var summary = document.getElementById("error-summary");
  var countdownEnd = 0;
  var timer = null;
  var INPUT_ID = { captcha: "id_captcha_1" };

  function devicesOk() {
    return document.documentElement.dataset.devices === "ok";
  }

  function secondsLeft() {
    return Math.max(0, Math.ceil((countdownEnd - Date.now()) / 1000));
  }

  function updateButtons() {
    var left = secondsLeft();
    smsButton.disabled = !devicesOk() || left > 0;
    loginButton.disabled = !devicesOk();
    if (left > 0) {
      smsButton.textContent = texts.countdown.replace("%(seconds)s", left);
    } else if (smsButton.dataset.sent) {
      smsButton.textContent = texts.resend;
    }
    if (left === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  function startCountdown(seconds) {
    countdownEnd = Date.now() + seconds * 1000;
    if (!timer) timer = setInterval(updateButtons, 500);
    updateButtons();
  }

  function inputOf(name) {
    return document.getElementById(INPUT_ID[name] || "id_" + name);
  }

  function clearErrors() {
    form.querySelectorAll(".field").forEach(function (field) {
      field.classList.remove("has-error");
      var error = field.querySelector(".field-error");
      if (error) { error.hidden = true; error.textContent = ""; }
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    summary.hidden = true;
  }

  function showErrors(errors) {
    var list = summary.querySelector("ul");
    list.textContent = "";
    Object.keys(errors).forEach(function (name) {
      var messages = errors[name].join(" ");
      var item = document.createElement("li");
      var input = inputOf(name);
      var field = form.querySelector('.field[data-field="' + name + '"]');
      if (field && input) {
        var error = document.getElementById("id_" + name + "-error");
        error.textContent = messages;
        error.hidden = false;
        field.classList.add("has-error");
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", error.id);
        var link = document.createElement("a");
        link.href = "#" + input.id;
        link.textContent = messages;
        item.appendChild(link);
      } else {
        item.textContent = messages;
      }
      list.appendChild(item);
    });
    summary.hidden = false;
    summary.focus();
  }

  function setCaptcha(captcha) {
    if (!captcha) return;
    form.querySelector('input[name="captcha_0"]').value = captcha.key;
    form.querySelector(".captcha-image").src = captcha.image_url;
    inputOf("captcha").value = "";
  }

  smsButton.addEventListener("click", async function (event) {
    event.preventDefault();
    if (smsButton.disabled) return;
    smsButton.disabled = true;
    smsButton.textContent = texts.sending;
    var body = null;
    try {
      var response = await fetch(form.dataset.smsUrl, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      body = await response.json();
    } catch (error) {
      body = { ok: false, errors: { __all__: [texts.network] } };
    }
    clearErrors();
    setCaptcha(body.captcha);
    smsButton.textContent = smsButton.dataset.sent ? texts.resend : texts.send;
    if (body.ok) {
      smsButton.dataset.sent = "1";
      sentFor = idInput.value;
      sent.textContent = body.message;
      sent.hidden = false;
      document.getElementById("masked-mobile").textContent = body.masked_mobile;
      document.getElementById("mobile-on-file").hidden = false;
      inputOf("sms_code").focus();
    } else {
      sent.textContent = "";
      showErrors(body.errors || {});
    }
    if (body.resend_in) startCountdown(body.resend_in); else updateButtons();
  });

  // The masked mobile belongs to the ID number it was sent for: typing another hides it.
  var idInput = inputOf("id_number");
  var sentFor = idInput.value;
  idInput.addEventListener("input", function () {
    var same = idInput.value.trim().toUpperCase() === sentFor.trim().toUpperCase();
    var masked = document.getElementById("masked-mobile");
    document.getElementById("mobile-on-file").hidden = !same || !masked.textContent;
    sent.hidden = !same;
  });

  var refresh = form.querySelector(".captcha-refresh");
  function refreshCaptcha(event) {
    event.preventDefault();
    fetch(form.dataset.refreshUrl, { headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) { return response.json(); })
      .then(function (captcha) { setCaptcha(captcha); inputOf("captcha").focus(); })
      .catch(function () { /* the old picture stays; the link still reloads without JS */ });
  }
  refresh.addEventListener("click", refreshCaptcha);
  form.querySelector(".captcha-image").addEventListener("click", refreshCaptcha);

  var policy = document.getElementById("privacy-policy");
  form.querySelector(".policy-link").addEventListener("click", function (event) {
    event.preventDefault();
    policy.open = true;
    policy.scrollIntoView({ block: "start" });
    policy.querySelector("summary").focus();
  });

  form.addEventListener("submit", function (event) {
    if (!devicesOk()) event.preventDefault();
  });
  document.addEventListener("devicecheck", updateButtons);
  if (smsButton.textContent.trim() === texts.resend) smsButton.dataset.sent = "1";
  updateButtons();
  if (!summary.hidden) summary.focus();
})();
