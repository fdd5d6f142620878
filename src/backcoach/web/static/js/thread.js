// A message thread on screen has been read: tell the server, once, with the newest message's id.
(function () {
  "use strict";
  var thread = document.querySelector("[data-read-url]");
  if (!thread) return;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var body = new URLSearchParams({ up_to: thread.getAttribute("data-last") });
  var headers = { "Content-Type": "application/x-www-form-urlencoded" };
  if (meta) headers["X-CSRF-Token"] = meta.getAttribute("content");
  fetch(thread.getAttribute("data-read-url"), { method: "POST", headers: headers, body: body });
})();
