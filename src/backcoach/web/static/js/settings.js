// Settings kept in this browser: the camera for live coaching (localStorage "backcoach.camera",
// a deviceId read by live.js) and spoken cues on or off (localStorage "backcoach.voice": "on"/"off",
// read by the workout player).
(function () {
  "use strict";
  var CAMERA_KEY = "backcoach.camera";
  var VOICE_KEY = "backcoach.voice";
  var status = document.getElementById("device-status");
  function said(text) { if (status) status.textContent = text; }

  var voice = document.getElementById("voice-setting");
  if (voice) {
    var stored = localStorage.getItem(VOICE_KEY);
    voice.checked = (stored || voice.getAttribute("data-default")) === "on";
    voice.addEventListener("change", function () {
      localStorage.setItem(VOICE_KEY, voice.checked ? "on" : "off");
      said(voice.checked ? "Spoken cues are on." : "Spoken cues are off.");
    });
  }

  var select = document.getElementById("camera-select");
  var hint = document.getElementById("camera-hint");
  if (!select) return;
  var chosen = localStorage.getItem(CAMERA_KEY) || "";
  select.addEventListener("change", function () {
    localStorage.setItem(CAMERA_KEY, select.value);
    said(select.value ? "Camera saved." : "backcoach will use the default camera.");
  });
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) {
    hint.textContent = "This browser cannot list cameras here (it needs http://127.0.0.1 or https).";
    return;
  }
  navigator.mediaDevices.enumerateDevices().then(function (devices) {
    var cams = devices.filter(function (d) { return d.kind === "videoinput"; });
    cams.forEach(function (d, i) {
      if (!d.deviceId) return;
      var opt = document.createElement("option");
      opt.value = d.deviceId;
      opt.textContent = d.label || ("Camera " + (i + 1));
      select.appendChild(opt);
    });
    select.value = chosen;
    if (select.value !== chosen) select.value = "";
    if (!cams.length) hint.textContent = "No camera found. The player works without one, as a timer.";
    else if (cams.some(function (d) { return d.label; })) hint.textContent = cams.length + " camera(s) found.";
  }).catch(function () {
    hint.textContent = "Could not list the cameras.";
  });
})();
