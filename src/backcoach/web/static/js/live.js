/* backcoach live camera coaching, in the workout player.
 *
 * Takes the webcam (getUserMedia, the camera chosen in Settings) and finds the pose in this
 * browser (pose.js, MediaPipe Tasks from our own origin): only the 33 landmarks of each frame
 * and the picture's width and height go over the WebSocket /ws/live, as one binary message
 * (8-byte header: frame id and t_ms as big-endian uint32; "LM"; width and height as big-endian
 * uint16; 33 x 4 little-endian float32). When the browser cannot run the model (or the server
 * is set to do pose itself: no model URL on the panel) it sends JPEG frames instead (the same
 * header, then the JPEG) and draws the skeleton the server sends back. It shows the count,
 * the hold seconds, form cues (spoken when voice is on) and framing help. Counted reps and holds fill
 * the player through window.backcoachPlayer (addReps, completeHold, setHoldSeconds, with
 * setCameraActive so its timers guide without counting); the person can still correct them.
 *
 * Frame rate follows the server: at most MAX_IN_FLIGHT frames wait for a reply, and never
 * more than MAX_FPS a second. A refused or missing camera gets a plain explanation, and the
 * timer-only player keeps working.
 */
(function () {
  "use strict";

  var MAX_FPS = 15;
  var MAX_IN_FLIGHT = 2;
  var REPLY_TIMEOUT_MS = 3000;
  var CAPTURE_WIDTH = 640;
  var JPEG_QUALITY = 0.7;
  var CUE_REPEAT_MS = 6000;
  var FRAMING_SETTLE_MS = 1000;
  var CUE_SHOWN_MS = 5000;
  var CAMERA_KEY = "backcoach.camera";  // chosen on the Settings page

  var panel = document.getElementById("live-panel");
  if (!panel) { return; }
  var toggle = document.getElementById("live-toggle");
  var body = document.getElementById("live-body");
  var statusEl = document.getElementById("live-status");
  var video = document.getElementById("live-video");
  var overlay = document.getElementById("live-overlay");
  var repsEl = document.getElementById("live-reps");
  var holdEl = document.getElementById("live-hold");
  var cueEl = document.getElementById("live-cue");
  var framingEl = document.getElementById("live-framing");
  var confidenceEl = document.getElementById("live-confidence");
  var capture = document.createElement("canvas");
  var LANDMARK_VALUES = 33 * 4;

  // Pairs of landmark indices drawn as bones (MediaPipe Pose order).
  var BONES = [
    [11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
    [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32],
    [0, 11], [0, 12]
  ];

  var state = {
    on: false,
    stream: null,
    ws: null,
    step: null,          // the player's current step, when it is an exercise the camera can follow
    started: false,      // the server has a step to count
    nextFrameId: 1,
    inFlight: {},        // frame id -> sent time
    lastSendAt: 0,
    lastTms: 0,
    t0: 0,
    timer: null,
    reconnectTimer: null,
    reconnectDelayMs: 500,
    lastCueAt: {},
    framing: { candidate: "", since: 0 },
    cueShownAt: 0,
    frames: { sent: 0, replied: 0, dropped: 0, errors: 0 },
    pose: null,          // the browser's pose detector (pose.js), when it runs here
    poseMode: "",        // "browser" or "server": where this camera's pose is found
    poseMs: [],          // the last frames' pose times in this browser
    size: null           // [width, height] of the last frame sent
  };
  window.backcoachLive = { state: state };

  // ---- the player (web A's API; everything here copes with it being absent) ----------

  function player() { return window.backcoachPlayer || null; }

  function currentStep() {
    var p = player();
    if (!p || typeof p.currentStep !== "function") { return null; }
    var step = p.currentStep();
    if (!step || (step.kind !== "reps" && step.kind !== "hold")) { return null; }
    return step;
  }

  function stepKey(step) {
    return step ? [step.index, step.exercise_id, step.set_number, step.side || ""].join("|") : "";
  }

  function cameraCounting(on) {
    var p = player();
    if (p && typeof p.setCameraActive === "function") { p.setCameraActive(on); }
  }

  // Counted reps and holds go into the player as they happen; the person corrects them there.
  function fillPlayer(message) {
    var p = player();
    if (!p || !state.step) { return; }
    if (state.step.kind === "hold") {
      if (message.holding && typeof p.setHoldSeconds === "function") { p.setHoldSeconds(message.hold_s); }
      if (message.hold_ended_s !== null && message.hold_ended_s !== undefined && typeof p.completeHold === "function") {
        p.completeHold(message.hold_ended_s, "camera");
      }
    } else if (message.new_reps > 0 && typeof p.addReps === "function") {
      p.addReps(message.new_reps, "camera");
    }
  }

  function say(text) {
    var voice = document.getElementById("voice-toggle");
    if (voice && !voice.checked) { return; }
    if (!("speechSynthesis" in window)) { return; }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    window.speechSynthesis.speak(utterance);
  }

  // ---- what the person sees ----------------------------------------------------------

  function setStatus(text) { statusEl.textContent = text || ""; }

  function showOn(on) {
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "Stop camera" : "Use camera";
    body.hidden = !on;
  }

  function drawSkeleton(landmarks) {
    var width = overlay.clientWidth || 640;
    var height = overlay.clientHeight || 360;
    if (overlay.width !== width || overlay.height !== height) { overlay.width = width; overlay.height = height; }
    var g = overlay.getContext("2d");
    g.clearRect(0, 0, width, height);
    if (!landmarks || !video.videoWidth) { return; }
    // The video is drawn "contain": find the box it fills inside the element.
    var scale = Math.min(width / video.videoWidth, height / video.videoHeight);
    var boxW = video.videoWidth * scale, boxH = video.videoHeight * scale;
    var left = (width - boxW) / 2, top = (height - boxH) / 2;
    function at(i) { return [left + landmarks[i][0] * boxW, top + landmarks[i][1] * boxH, landmarks[i][2]]; }
    g.lineWidth = 4;
    g.lineCap = "round";
    g.strokeStyle = "rgba(56, 220, 180, 0.9)";
    BONES.forEach(function (bone) {
      var a = at(bone[0]), b = at(bone[1]);
      if (a[2] < 0.3 || b[2] < 0.3) { return; }
      g.beginPath(); g.moveTo(a[0], a[1]); g.lineTo(b[0], b[1]); g.stroke();
    });
    g.fillStyle = "#ffd166";
    for (var i = 11; i < landmarks.length; i++) {
      var p = at(i);
      if (p[2] < 0.3) { continue; }
      g.beginPath(); g.arc(p[0], p[1], 4, 0, 2 * Math.PI); g.fill();
    }
  }

  function skeletonOf(points) {
    if (!points) { return null; }
    var out = [];
    for (var i = 0; i < 33; i++) { out.push([points[i * 4], points[i * 4 + 1], points[i * 4 + 3]]); }
    return out;
  }

  // Framing help changes only after it has held for a moment, so it neither flickers nor
  // floods a screen reader.
  function showFraming(text) {
    var now = performance.now();
    if (text !== state.framing.candidate) { state.framing.candidate = text; state.framing.since = now; }
    if (text !== framingEl.textContent && now - state.framing.since >= FRAMING_SETTLE_MS) {
      framingEl.textContent = text;
    }
  }

  function showFeedback(message) {
    repsEl.textContent = String(message.reps);
    repsEl.dataset.reps = String(message.reps);
    holdEl.textContent = message.holding ? String(Math.floor(message.hold_s)) : "0";
    holdEl.dataset.holdS = String(message.hold_s);
    confidenceEl.textContent = message.camera_counts
      ? (message.confidence >= 0.7 ? "yes" : message.confidence >= 0.4 ? "fairly" : "not yet")
      : "this one is timed, not counted by the camera";
    showFraming((message.framing || []).join(". "));
    if (state.poseMode === "server") { drawSkeleton(message.landmarks); }
    var now = performance.now();
    if (cueEl.textContent && now - state.cueShownAt > CUE_SHOWN_MS) { cueEl.textContent = ""; }
    (message.cues || []).forEach(function (cue) {
      cueEl.textContent = cue.cue;
      state.cueShownAt = now;
      if (now - (state.lastCueAt[cue.code] || -Infinity) >= CUE_REPEAT_MS) {
        state.lastCueAt[cue.code] = now;
        say(cue.cue);
      }
    });
    if (message.camera_counts) { fillPlayer(message); }
  }

  // ---- the WebSocket -----------------------------------------------------------------

  function wsUrl() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + location.host + (panel.dataset.wsPath || "/ws/live");
  }

  function send(message) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) { state.ws.send(JSON.stringify(message)); }
  }

  function startStep() {
    var step = currentStep();
    state.inFlight = {};
    if (!step) {
      if (state.started) { send({ type: "stop" }); }
      cameraCounting(false);
      state.step = null;
      state.started = false;
      setStatus(player() ? "The camera waits for the next exercise." : "");
      return;
    }
    if (state.started && stepKey(step) === stepKey(state.step)) { return; }
    if (state.started) { send({ type: "stop" }); }
    cameraCounting(false);
    state.step = step;
    state.started = false;
    var p = player();
    send({
      type: "start", workout_id: p.workoutId, exercise_id: step.exercise_id,
      set_number: step.set_number || 1, side: step.alternating ? null : (step.side || null),
      client_id: step.client_id || null
    });
  }

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (message.frame_id !== undefined && message.frame_id !== null) {
      if (state.inFlight[message.frame_id] !== undefined) { delete state.inFlight[message.frame_id]; }
    }
    if (message.type === "started") {
      state.started = true;
      cameraCounting(!!message.set.camera_counts);
      state.reconnectDelayMs = 500;
      setStatus(message.set.camera_counts
        ? "The camera is watching. Set yourself up side-on, with your whole body in view."
        : "The camera can't see this exercise well, so the timer guides you. Keep going at your own pace.");
      repsEl.textContent = String(message.set.reps);
      repsEl.dataset.reps = String(message.set.reps);
    } else if (message.type === "feedback") {
      state.frames.replied += 1;
      if (state.started && state.step && message.exercise_id === state.step.exercise_id) { showFeedback(message); }
    } else if (message.type === "dropped") {
      state.frames.dropped += 1;
    } else if (message.type === "error") {
      state.frames.errors += 1;
      if (message.frame_id === null || message.frame_id === undefined) { setStatus(message.message); }
    }
    schedule();
  }

  function connect() {
    var ws = new WebSocket(wsUrl());
    ws.binaryType = "arraybuffer";
    state.ws = ws;
    ws.onopen = function () { state.started = false; startStep(); };
    ws.onmessage = onMessage;
    ws.onclose = function () {
      if (state.ws !== ws) { return; }
      state.ws = null;
      state.started = false;
      if (!state.on) { return; }
      setStatus("Lost the connection to the coach. Trying again… (your counts so far are saved)");
      state.reconnectTimer = setTimeout(connect, state.reconnectDelayMs);
      state.reconnectDelayMs = Math.min(state.reconnectDelayMs * 2, 8000);
    };
  }

  // ---- frames ------------------------------------------------------------------------

  function pruneInFlight(now) {
    Object.keys(state.inFlight).forEach(function (id) {
      if (now - state.inFlight[id] > REPLY_TIMEOUT_MS) { delete state.inFlight[id]; }
    });
  }

  function schedule() {
    if (!state.on || state.timer !== null) { return; }
    var wait = Math.max(0, state.lastSendAt + 1000 / MAX_FPS - performance.now());
    state.timer = setTimeout(function () { state.timer = null; sendFrame(); }, wait);
  }

  function sendFrame() {
    var now = performance.now();
    pruneInFlight(now);
    if (!state.on || !state.started || !state.ws || state.ws.readyState !== WebSocket.OPEN) { return; }
    if (Object.keys(state.inFlight).length >= MAX_IN_FLIGHT || !video.videoWidth) {
      if (!video.videoWidth) { state.timer = setTimeout(function () { state.timer = null; sendFrame(); }, 100); }
      return;
    }
    if (state.poseMode === "browser") { sendLandmarks(now); return; }
    var width = CAPTURE_WIDTH;
    var height = Math.round(CAPTURE_WIDTH * video.videoHeight / video.videoWidth);
    if (capture.width !== width || capture.height !== height) { capture.width = width; capture.height = height; }
    capture.getContext("2d").drawImage(video, 0, 0, width, height);
    var frameId = state.nextFrameId++;
    var tMs = Math.max(state.lastTms + 1, Math.round(now - state.t0));
    state.lastTms = tMs;
    state.inFlight[frameId] = now;
    state.lastSendAt = now;
    capture.toBlob(function (blob) {
      if (!blob || !state.ws || state.ws.readyState !== WebSocket.OPEN) { delete state.inFlight[frameId]; return; }
      blob.arrayBuffer().then(function (jpeg) {
        var packet = new Uint8Array(8 + jpeg.byteLength);
        var view = new DataView(packet.buffer);
        view.setUint32(0, frameId >>> 0);
        view.setUint32(4, tMs >>> 0);
        packet.set(new Uint8Array(jpeg), 8);
        if (state.ws && state.ws.readyState === WebSocket.OPEN) {
          state.ws.send(packet.buffer);
          state.frames.sent += 1;
        }
        schedule();
      });
    }, "image/jpeg", JPEG_QUALITY);
  }

  function landmarkPacket(frameId, tMs, width, height, points) {
    var buffer = new ArrayBuffer(14 + (points ? LANDMARK_VALUES * 4 : 0));
    var view = new DataView(buffer);
    view.setUint32(0, frameId >>> 0);
    view.setUint32(4, tMs >>> 0);
    view.setUint8(8, 76);  // "L"
    view.setUint8(9, 77);  // "M"
    view.setUint16(10, width);
    view.setUint16(12, height);
    if (points) {
      for (var i = 0; i < LANDMARK_VALUES; i++) { view.setFloat32(14 + i * 4, points[i], true); }
    }
    return buffer;
  }

  // Pose found here: the frame itself never leaves the browser.
  function sendLandmarks(now) {
    var began = performance.now();
    var points;
    try {
      points = state.pose.detect(video, began);
    } catch (error) {
      useServerPose("The pose model stopped working in this browser, so the server finds your pose now.");
      schedule();
      return;
    }
    state.poseMs.push(performance.now() - began);
    if (state.poseMs.length > 50) { state.poseMs.shift(); }
    drawSkeleton(skeletonOf(points));
    var frameId = state.nextFrameId++;
    var tMs = Math.max(state.lastTms + 1, Math.round(now - state.t0));
    state.lastTms = tMs;
    state.inFlight[frameId] = now;
    state.lastSendAt = now;
    state.size = [video.videoWidth, video.videoHeight];
    state.ws.send(landmarkPacket(frameId, tMs, video.videoWidth, video.videoHeight, points));
    state.frames.sent += 1;
    schedule();
  }

  // ---- where pose runs ---------------------------------------------------------------

  function useServerPose(why) {
    if (state.pose) { try { state.pose.close(); } catch (e) { /* already gone */ } }
    state.pose = null;
    state.poseMode = "server";
    panel.dataset.poseMode = "server";
    if (why) { setStatus(why); }
  }

  // The model loads once per page (a second or two); a browser that cannot run it (no
  // WebAssembly, an old engine) sends pictures to the server instead.
  function preparePose() {
    var model = panel.dataset.poseModel;
    if (state.pose || state.poseMode === "server") { return Promise.resolve(); }
    if (!model) { useServerPose(""); return Promise.resolve(); }
    setStatus("Loading the pose model…");
    return import("/static/js/pose.js").then(function (module) {
      return module.createPose(model);
    }).then(function (detector) {
      state.pose = detector;
      state.poseMode = "browser";
      panel.dataset.poseMode = "browser";
      panel.dataset.poseDelegate = detector.delegate;
    }).catch(function () {
      useServerPose("This browser cannot find your pose itself, so it sends pictures to backcoach " +
        "to do it (they are never saved).");
    });
  }

  // ---- the camera --------------------------------------------------------------------

  function explain(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
      return "The camera was not allowed, and that is fine: the timer keeps guiding you and you can count " +
        "with the + and − buttons. To use the camera, allow it for this page in your browser " +
        "(the camera icon near the address bar), then press “Use camera” again.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
      return "We couldn't find a camera. The timer keeps guiding you and you can count with the + and − " +
        "buttons. If you have a camera, plug it in or choose it in Settings, then press “Use camera” again.";
    }
    if (name === "NotReadableError" || name === "TrackStartError") {
      return "The camera is busy, perhaps in another app. Close that app, then press “Use camera” again. " +
        "Meanwhile the timer keeps guiding you.";
    }
    return "The camera could not start. The timer keeps guiding you and you can count with the + and − buttons.";
  }

  function openCamera() {
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") {
      return Promise.reject({ name: "NotFoundError" });
    }
    var chosen = localStorage.getItem(CAMERA_KEY);
    // resizeMode "none": the camera's own shape (a phone held upright is portrait), never cropped
    // to the size asked for; the landmarks go with the real width and height, so angles stay right.
    var video = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 }, resizeMode: "none" };
    if (chosen) { video.deviceId = { exact: chosen }; }
    return navigator.mediaDevices.getUserMedia({ video: video, audio: false }).catch(function (error) {
      if (chosen && (error.name === "OverconstrainedError" || error.name === "NotFoundError")) {
        delete video.deviceId;  // the chosen camera is gone: take any camera
        return navigator.mediaDevices.getUserMedia({ video: video, audio: false });
      }
      throw error;
    });
  }

  function turnOn() {
    if (state.on) { return; }
    toggle.disabled = true;
    setStatus("Starting the camera…");
    openCamera().then(function (stream) {
      state.stream = stream;
      state.on = true;
      state.t0 = performance.now();
      state.lastTms = 0;
      video.srcObject = stream;
      var playing = video.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
      showOn(true);
      panel.dataset.camera = "on";
      return preparePose().then(function () {
        if (!state.on) { return; }
        connect();
        setStatus("Connecting to the coach…");
      });
    }).catch(function (error) {
      state.on = false;
      showOn(false);
      panel.dataset.camera = "unavailable";
      setStatus(explain(error));
    }).then(function () { toggle.disabled = false; });
  }

  function turnOff() {
    state.on = false;
    if (state.timer !== null) { clearTimeout(state.timer); state.timer = null; }
    if (state.reconnectTimer !== null) { clearTimeout(state.reconnectTimer); state.reconnectTimer = null; }
    if (state.ws) {
      var ws = state.ws;
      state.ws = null;
      if (ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify({ type: "stop" })); }
      ws.close();
    }
    if (state.stream) { state.stream.getTracks().forEach(function (track) { track.stop(); }); state.stream = null; }
    // The model's memory is freed with the camera (it loads again in a second or two).
    if (state.pose) { try { state.pose.close(); } catch (e) { /* already gone */ } }
    state.pose = null;
    if (state.poseMode === "browser") { state.poseMode = ""; }
    video.srcObject = null;
    state.started = false;
    state.step = null;
    state.inFlight = {};
    cameraCounting(false);
    drawSkeleton(null);
    showOn(false);
    panel.dataset.camera = "off";
    setStatus("");
  }

  toggle.addEventListener("click", function () { if (state.on) { turnOff(); } else { turnOn(); } });

  // The player moves on (next set, side, exercise or a rest): count the new step.
  document.addEventListener("backcoach:step", function () { if (state.on && state.ws) { startStep(); } });
  document.addEventListener("backcoach:finished", function () { if (state.on) { turnOff(); } });
  window.addEventListener("pagehide", function () { if (state.on) { turnOff(); } });
})();
