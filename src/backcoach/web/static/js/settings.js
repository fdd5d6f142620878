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
  // The "Find my cameras" button starts hidden; fill() shows it when the cameras have no names yet.
  var listButton = document.getElementById("camera-list");
  function fill() {
    return navigator.mediaDevices.enumerateDevices().then(function (devices) {
      var cams = devices.filter(function (d) { return d.kind === "videoinput"; });
      while (select.options.length > 1) select.remove(1);
      cams.forEach(function (d, i) {
        if (!d.deviceId) return;  // hidden until the browser is allowed to use a camera
        var opt = document.createElement("option");
        opt.value = d.deviceId;
        opt.textContent = d.label || ("Camera " + (i + 1));
        select.appendChild(opt);
      });
      select.value = chosen;
      if (select.value !== chosen) select.value = "";
      var named = cams.some(function (d) { return d.deviceId; });
      if (!cams.length) hint.textContent = "No camera found. The player works without one, as a timer.";
      else if (named) hint.textContent = cams.length === 1 ? "1 camera found." : cams.length + " cameras found.";
      if (listButton) listButton.hidden = named || !cams.length;
      return named;
    });
  }
  if (listButton) {
    listButton.addEventListener("click", function () {
      // Asking for the camera once lets the browser show the cameras' names; it is closed at once.
      navigator.mediaDevices.getUserMedia({ video: true }).then(function (stream) {
        stream.getTracks().forEach(function (t) { t.stop(); });
        return fill();
      }).then(function () { said("Choose your camera from the list."); select.focus(); })
        .catch(function () { hint.textContent = "The browser did not allow the camera. You can allow it in the address bar and try again."; });
    });
  }
  fill().catch(function () { hint.textContent = "Could not list the cameras."; });
})();
