// The video witness in the browser: the live queue (investor and agent) and the WebRTC call.
// Signalling goes through the server's websocket (offer, answer, ICE); the agent makes the
// offer whenever the investor is (again) on the line. Every failure is said in plain Chinese.
(function () {
  "use strict";
  const wsUrl = (path) => (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;

  function say(root, text) {
    const box = root.querySelector(".witness-connection");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
  }

  // A websocket that comes back after a drop, saying so meanwhile.
  function live(root, path, onMessage, onOpen) {
    let delay = 1000;
    let closedForGood = false;
    let socket;
    function open() {
      socket = new WebSocket(wsUrl(path));
      socket.onopen = () => { delay = 1000; say(root, ""); if (onOpen) onOpen(socket); };
      socket.onmessage = (event) => {
        let message;
        try { message = JSON.parse(event.data); } catch (e) { return; }
        onMessage(message, socket);
      };
      socket.onclose = (event) => {
        if (closedForGood) return;
        if (event.code === 4403) { say(root, "无权加入或已结束，请刷新页面。"); return; }
        say(root, "网络连接中断，正在重新连接…");
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 10000);
      };
    }
    open();
    return { send: (m) => socket && socket.readyState === 1 && socket.send(JSON.stringify(m)),
             stop: () => { closedForGood = true; socket.close(); } };
  }

  // --- the investor's queue ------------------------------------------------------------------
  const investor = document.querySelector(".witness[data-queue-ws]");
  if (investor) {
    live(investor, investor.dataset.queueWs, (m) => {
      if (m.type === "queue") {
        const count = investor.querySelector(".witness-waiting");
        if (count) count.textContent = m.waiting;
        const place = investor.querySelector(".witness-place");
        if (place) {
          place.hidden = !m.position;
          place.querySelector(".witness-position").textContent = m.position || "";
        }
      } else if (m.type === "witness.taken" || m.type === "witness.released") {
        location.reload();
      } else if (m.type === "witness.ended") {
        // passed or returned: the server says where the business goes on
        location.assign(investor.dataset.resumeUrl);
      }
    });
  }

  // --- the agent's queue -----------------------------------------------------------------------
  const console_ = document.querySelector("[data-console-ws]");
  if (console_) {
    const i18n = document.getElementById("witness-i18n").dataset;
    live(console_, console_.dataset.consoleWs, (m) => {
      if (m.type !== "queue") return;
      const body = console_.querySelector(".witness-queue tbody");
      body.replaceChildren();
      for (const e of m.entries) {
        const row = body.insertRow();
        row.insertCell().textContent = e.application;
        row.insertCell().textContent = e.queued_at.slice(11, 19);
        row.insertCell().textContent = e.connected ? i18n.online : i18n.offline;
      }
      if (!m.entries.length) {
        const cell = body.insertRow().insertCell();
        cell.colSpan = 3;
        cell.textContent = i18n.empty;
      }
      console_.querySelector(".witness-queue-count").textContent = m.entries.length;
    });
  }

  // --- the call ------------------------------------------------------------------------------
  const call = document.querySelector("[data-call-ws]");
  if (!call) return;
  const role = call.dataset.role;
  const status = (text) => { const s = call.querySelector(".witness-call-status"); if (s) s.textContent = text; };
  const MEDIA_ERRORS = {
    NotAllowedError: "无法使用摄像头或麦克风：请在浏览器中允许本网站使用摄像头和麦克风，然后刷新页面。",
    NotFoundError: "未检测到摄像头或麦克风，请连接设备后刷新页面。",
    NotReadableError: "摄像头或麦克风正被其他程序占用，请关闭其他程序后刷新页面。",
  };
  let iceServers = [];
  let pc = null;
  let localStream = null;
  let signal = null;

  function newPeer() {
    if (pc) pc.close();
    pc = new RTCPeerConnection({ iceServers });
    if (localStream) localStream.getTracks().forEach((t) => pc.addTrack(t, localStream));
    pc.onicecandidate = (e) => signal.send({ type: "ice", candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.ontrack = (e) => { call.querySelector(".witness-remote").srcObject = e.streams[0]; };
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      if (state === "connected") status("视频已接通。");
      else if (state === "disconnected") status("视频连接不稳定，正在尝试恢复…");
      else if (state === "failed") { status("视频连接失败，正在重新连接…"); if (role === "agent") offer(); }
    };
    return pc;
  }

  async function offer() {
    newPeer();
    const description = await pc.createOffer();
    await pc.setLocalDescription(description);
    signal.send({ type: "offer", sdp: pc.localDescription.toJSON() });
  }

  function mediaError(text) {
    const box = call.querySelector(".witness-media-error");
    box.textContent = text;
    box.hidden = false;
  }

  async function onSignal(m) {
    // the agent offers whenever the investor arrives (peer_joined) or says it is there (ready,
    // when the agent arrived second): one offer per arrival
    if (m.type === "joined") { iceServers = m.ice_servers || []; }
    else if (m.type === "peer_joined" || m.type === "ready") { if (role === "agent") await offer(); else if (m.type === "peer_joined") signal.send({ type: "ready" }); }
    else if (m.type === "offer" && role === "investor") {
      newPeer();
      await pc.setRemoteDescription(m.sdp);
      await pc.setLocalDescription(await pc.createAnswer());
      signal.send({ type: "answer", sdp: pc.localDescription.toJSON() });
    } else if (m.type === "answer" && role === "agent" && pc && pc.signalingState === "have-local-offer") await pc.setRemoteDescription(m.sdp);
    else if (m.type === "ice" && pc && m.candidate) { try { await pc.addIceCandidate(m.candidate); } catch (e) { /* a candidate of an older connection */ } }
    else if (m.type === "peer_left") status(role === "agent" ? "投资者的连接已中断，等待其重新连接…" : "见证坐席的连接已中断，请稍候…");
    else if (m.type === "media_error") mediaError(role === "agent" ? "投资者的摄像头或麦克风不可用：" + m.detail : "见证坐席的设备出现问题，请稍候。");
    else if (m.type === "ended") {
      signal.stop();
      status("视频见证已结束。");
      if (role === "investor") setTimeout(() => location.assign(call.closest("[data-resume-url]").dataset.resumeUrl), 1000);
    }
    else if (m.type === "liveness") {
      const prompt = call.querySelector(".witness-liveness");
      prompt.textContent = (role === "agent" ? "已向投资者显示：" : "请按提示操作：") + m.text;
      prompt.hidden = false;
    }
    else if (m.type === "error") status("信令错误：" + m.message);
  }

  (async () => {
    try {
      if (!navigator.mediaDevices) throw { name: "Insecure" };
      localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      call.querySelector(".witness-local").srcObject = localStream;
    } catch (error) {
      const text = MEDIA_ERRORS[error.name] || "无法打开摄像头或麦克风（需要 HTTPS 和受支持的浏览器）。";
      mediaError(text);
      localStream = null;
      const tell = (s) => s.send(JSON.stringify({ type: "media_error", detail: text }));
      signal = live(call, call.dataset.callWs, (m) => {
        if (m.type === "peer_joined") signal.send({ type: "media_error", detail: text });
        onSignal(m).catch(() => status("视频协商失败，正在重试…"));
      }, tell);
      return;
    }
    signal = live(call, call.dataset.callWs, (m) => { onSignal(m).catch(() => status("视频协商失败，正在重试…")); });
  })();
})();

// The agent's console during the call: ticks without leaving the page, snapshots, and the
// recording (the investor's video with the time and the agent's id drawn on every frame, the
// call's sound), uploaded a piece a second so that a crash loses at most a few seconds.
(function () {
  "use strict";
  const call = document.querySelector("[data-recording-url]");
  if (!call) return;
  const token = call.querySelector("input[name=csrfmiddlewaretoken]").value;
  const remote = call.querySelector(".witness-remote");
  const note = (text) => { call.querySelector(".witness-recording").textContent = text; };
  const post = (url, body) => fetch(url, { method: "POST", body, headers: { "X-CSRFToken": token, Accept: "application/json" }, credentials: "same-origin" });

  document.querySelectorAll(".witness-checklist form").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await post(form.action, new FormData(form));
      const body = await response.json().catch(() => ({}));
      if (!response.ok) { note(body.message || "操作失败，请重试。"); return; }
      const item = form.closest("li");
      const label = form.querySelector("label").firstChild.textContent.trim();
      item.replaceChildren();
      const strong = document.createElement("strong");
      strong.textContent = "✓ " + label;
      const when = document.createElement("span");
      when.className = "help";
      when.textContent = " " + body.at.slice(11, 19) + " " + body.evidence;
      item.append(strong, when);
    });
  });

  const i18n = document.getElementById("witness-snapshot-i18n").dataset;
  call.querySelectorAll("[data-snapshot]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!remote.videoWidth) { note("尚未收到投资者的视频，无法截图。"); return; }
      const canvas = document.createElement("canvas");
      canvas.width = remote.videoWidth;
      canvas.height = remote.videoHeight;
      canvas.getContext("2d").drawImage(remote, 0, 0);
      canvas.toBlob(async (blob) => {
        const form = new FormData();
        form.append("kind", button.dataset.snapshot);
        form.append("image", blob, "snapshot.jpg");
        const response = await post(call.dataset.snapshotUrl, form);
        const body = await response.json().catch(() => ({}));
        if (!response.ok) { note(body.message || "截图保存失败，请重试。"); return; }
        const figure = document.createElement("figure");
        const img = document.createElement("img");
        img.src = body.url; img.width = 160; img.alt = button.textContent;
        const caption = document.createElement("figcaption");
        const time = body.taken_at.slice(11, 19);
        caption.textContent = button.textContent + " " + time + " ";
        if (body.face_found === true && body.face_count === 1) caption.append("✓ " + i18n.face);
        else if (body.face_found === null) caption.append(i18n.unchecked);
        else {
          const warning = document.createElement("strong");
          warning.className = "warning";
          warning.textContent = "⚠ " + (body.face_found ? i18n.faces + "（" + body.face_count + "）" : i18n.noFace);
          caption.append(warning);
        }
        figure.dataset.snapshotId = body.id;
        figure.append(img, caption);
        call.querySelector(".witness-snapshots").append(figure);
        // the new still can be a check's evidence
        document.querySelectorAll("select.witness-evidence").forEach((select) => {
          const option = new Option(button.textContent + " #" + body.id + " " + time, "snapshot:" + body.id);
          select.insertBefore(option, select.querySelector("option[value='']"));
        });
      }, "image/jpeg", 0.9);
    });
  });

  const liveness = call.querySelector("[data-liveness-url]");
  liveness.addEventListener("click", async () => {
    const response = await post(liveness.dataset.livenessUrl, new FormData());
    const body = await response.json().catch(() => ({}));
    if (!response.ok) note(body.message || "活体提示发送失败，请重试。");
  });

  // the recording starts once the investor's video arrives, and survives reconnections: it
  // records a canvas and a mix of sound, not the connection's own tracks
  let recorder = null;
  let seq = 0;
  let sending = Promise.resolve();
  const canvas = document.createElement("canvas");
  const audio = new AudioContext();
  const mix = audio.createMediaStreamDestination();
  const sources = new WeakSet();

  function draw() {
    const context = canvas.getContext("2d");
    canvas.width = remote.videoWidth || 640;
    canvas.height = remote.videoHeight || 480;
    context.drawImage(remote, 0, 0, canvas.width, canvas.height);
    context.fillStyle = "rgba(0,0,0,0.5)";
    context.fillRect(0, canvas.height - 28, canvas.width, 28);
    context.fillStyle = "#fff";
    context.font = "16px sans-serif";
    context.fillText(new Date().toLocaleString("zh-CN", { hour12: false }) + "  " + call.dataset.stamp, 8, canvas.height - 9);
  }

  function upload(blob) {
    const n = seq++;
    sending = sending.then(async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const response = await post(call.dataset.recordingUrl + n + "/", blob);
          if (response.ok) {
            note("录像中，已上传 " + (n + 1) + " 段。");
            document.querySelectorAll("select.witness-evidence option[value=recording]").forEach((o) => { o.disabled = false; });
            return;
          }
          const body = await response.json().catch(() => ({}));
          note("录像上传被拒绝：" + (body.message || response.status));
          return;
        } catch (e) { note("录像上传中断，正在重试…"); await new Promise((r) => setTimeout(r, 1000)); }
      }
    });
  }

  remote.addEventListener("playing", () => {
    const stream = remote.srcObject;
    if (stream && stream.getAudioTracks().length && !sources.has(stream)) {
      sources.add(stream);
      audio.createMediaStreamSource(stream).connect(mix);
    }
    if (recorder) return;
    setInterval(draw, 50);
    draw();
    const recorded = new MediaStream([...canvas.captureStream(20).getVideoTracks(), ...mix.stream.getAudioTracks()]);
    const type = MediaRecorder.isTypeSupported("video/webm;codecs=vp8,opus") ? "video/webm;codecs=vp8,opus" : "video/webm";
    recorder = new MediaRecorder(recorded, { mimeType: type });
    recorder.ondataavailable = (event) => { if (event.data && event.data.size) upload(event.data); };
    recorder.start(1000);
    note("录像已开始。");
  });

  // pass / return / release: the last piece goes up before the page leaves
  document.querySelectorAll("form[action$='/pass/'], form[action$='/return/'], form[action$='/release/']").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!recorder || recorder.state === "inactive") return;
      event.preventDefault();
      recorder.onstop = () => sending.then(() => form.submit());
      recorder.stop();
    });
  });
})();
