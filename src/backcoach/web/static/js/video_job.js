/* The progress of a video analysis, pushed by the server (server-sent events from
 * /videos/{id}/progress): the bar fills as frames are done, and the page reloads with the
 * result when the job ends. EventSource reconnects by itself if the connection drops. */
(function () {
  "use strict";
  var box = document.getElementById("video-job");
  if (!box || !window.EventSource) { return; }
  var bar = document.getElementById("job-progress");
  var state = document.getElementById("job-state");
  var frames = document.getElementById("job-frames");
  var source = new EventSource(box.dataset.progressUrl);
  source.onmessage = function (event) {
    var job = JSON.parse(event.data);
    box.dataset.status = job.status;
    bar.value = job.progress;
    if (job.frames_total) { frames.textContent = job.frames_done + " of " + job.frames_total + " frames"; }
    if (job.status === "running") { state.textContent = "Finding your pose in each frame…"; }
    if (job.status === "done" || job.status === "failed") {
      source.close();
      window.location.reload();
    }
  };
})();
