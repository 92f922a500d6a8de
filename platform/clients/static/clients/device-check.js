/* The device check before login: camera, microphone and speaker must be there for the video
 * witness later. It runs on page load and again on "重新检测"; while it has not passed, the
 * "获取验证码" and "马上登录" buttons stay disabled. The result is published as
 * <html data-devices="checking|ok|failed"> and a "devicecheck" event for the login script.
 *
 * The speaker: browsers list audio outputs (enumerateDevices, kind "audiooutput") only in
 * Chromium-based browsers, and headless Chromium lists none even with fake devices. When no
 * output is listed, a speaker counts as present if an AudioContext can be created with at least
 * one output channel: the page can play sound, which is what the video call needs.
 */
(function () {
  "use strict";
  var panel = document.getElementById("device-check");
  var texts = JSON.parse(document.getElementById("device-texts").textContent);
  if (!panel) return;
  var message = document.getElementById("device-message");
  var recheck = document.getElementById("device-recheck");
  var NAMES = ["camera", "microphone", "speaker"];

  function publish(state) {
    document.documentElement.dataset.devices = state;
    var blocked = state !== "ok";
    var note = document.getElementById("blocked-note");
    if (note) note.hidden = state !== "failed";
    ["login-button", "sms-button"].forEach(function (id) {
      var button = document.getElementById(id);
      if (!button) return;
      if (blocked) button.disabled = true;
      if (state === "failed") button.setAttribute("aria-describedby", "blocked-note");
      else button.removeAttribute("aria-describedby");
    });
    document.dispatchEvent(new CustomEvent("devicecheck", { detail: { state: state } }));
  }

  function show(device, found) {
    var item = panel.querySelector('[data-device="' + device + '"]');
    item.dataset.found = found === null ? "" : String(found);
    item.querySelector(".device-state").textContent =
      found === null ? texts.pending : found ? texts.found : texts.missing;
  }

  async function probe(constraints) {
    try {
      var stream = await navigator.mediaDevices.getUserMedia(constraints);
      stream.getTracks().forEach(function (track) { track.stop(); });
      return "ok";
    } catch (error) {
      return error && error.name ? error.name : "Error";
    }
  }

  async function speakerPresent() {
    try {
      var devices = await navigator.mediaDevices.enumerateDevices();
      if (devices.some(function (device) { return device.kind === "audiooutput"; })) return true;
    } catch (error) { /* fall through to the AudioContext */ }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return false;
    try {
      var context = new Context();
      var channels = context.destination.maxChannelCount;
      context.close();
      return channels > 0;
    } catch (error) {
      return false;
    }
  }

  function finish(problem) {
    panel.dataset.state = problem ? "failed" : "ok";
    message.textContent = problem ? texts[problem] : texts.ok;
    message.setAttribute("role", problem ? "alert" : "status");
    recheck.hidden = !problem;
    publish(problem ? "failed" : "ok");
  }

  async function check() {
    panel.hidden = false;
    panel.dataset.state = "checking";
    recheck.hidden = true;
    message.setAttribute("role", "status");
    message.textContent = texts.checking;
    NAMES.forEach(function (name) { show(name, null); });
    publish("checking");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      NAMES.forEach(function (name) { show(name, false); });
      return finish("unsupported");
    }
    var both = await probe({ video: true, audio: true });
    var camera = both, microphone = both;
    if (both !== "ok" && both !== "NotAllowedError" && both !== "SecurityError") {
      camera = await probe({ video: true });
      microphone = await probe({ audio: true });
    }
    var speaker = await speakerPresent();
    show("camera", camera === "ok");
    show("microphone", microphone === "ok");
    show("speaker", speaker);
    if (camera === "NotAllowedError" || camera === "SecurityError") return finish("denied");
    if (camera === "NotReadableError" || microphone === "NotReadableError") return finish("busy");
    if (camera !== "ok") return finish("camera");
    if (microphone !== "ok") return finish("microphone");
    if (!speaker) return finish("speaker");
    return finish(null);
  }

  recheck.addEventListener("click", function () { check(); });
  check();
})();
