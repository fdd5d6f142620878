// Workout reminders while backcoach is open: a browser notification at the person's workout times.
// Permission is asked only when the person presses "Allow notifications" (never on page load).
// Safe to include on every page: without permission it does nothing but update the settings card.
(function () {
  "use strict";
  var KEY = "backcoach.reminded";
  var button = document.getElementById("notify-enable");
  var statusEl = document.getElementById("notify-status");
  var supported = "Notification" in window;

  function say(text) { if (statusEl) statusEl.textContent = text; }

  function describe() {
    if (!supported) { say("This browser cannot show notifications. The calendar file works everywhere."); return; }
    if (Notification.permission === "granted") say("Notifications are on while backcoach is open.");
    else if (Notification.permission === "denied") say("Notifications are blocked in this browser's settings.");
    else say("Notifications are off.");
    if (button) button.hidden = Notification.permission !== "default";
  }

  function todayKey(time) {
    var d = new Date();
    return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate() + " " + time;
  }

  function alreadyShown(time) {
    try { return localStorage.getItem(KEY) === todayKey(time); } catch (e) { return false; }
  }

  function markShown(time) {
    try { localStorage.setItem(KEY, todayKey(time)); } catch (e) { /* private mode: fine */ }
  }

  var DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

  function schedule(config) {
    var now = new Date();
    if (config.days && config.days.indexOf(DAYS[now.getDay()]) === -1) return;
    (config.times || []).forEach(function (time) {
      var parts = time.split(":");
      var at = new Date(now.getFullYear(), now.getMonth(), now.getDate(), +parts[0], +parts[1], 0);
      var wait = at.getTime() - now.getTime();
      if (wait < -5 * 60 * 1000 || wait > 24 * 3600 * 1000 || alreadyShown(time)) return;
      window.setTimeout(function () {
        if (Notification.permission !== "granted" || alreadyShown(time)) return;
        markShown(time);
        var note = new Notification("Time for your back exercises", {
          body: "Your backcoach workout is ready when you are. Go gently.",
          icon: "/static/favicon.svg",
          tag: "backcoach-reminder"
        });
        note.onclick = function () { window.focus(); window.location.href = "/workout"; };
      }, Math.max(0, wait));
    });
  }

  function start() {
    if (!supported || Notification.permission !== "granted") return;
    fetch("/api/reminders", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (config) { if (config) schedule(config); })
      .catch(function () { /* offline or server stopped: no reminder */ });
  }

  if (button) {
    button.addEventListener("click", function () {
      if (!supported) { describe(); return; }
      Notification.requestPermission().then(function () { describe(); start(); });
    });
  }
  describe();
  start();
})();
