// Moving exercise drawings (animated SVG from the catalogue's key poses): a pause button for each
// page, and no motion at all for people who asked their system for reduced motion.
(function () {
  "use strict";
  var figures = Array.prototype.slice.call(document.querySelectorAll("svg.figure"));
  var buttons = Array.prototype.slice.call(document.querySelectorAll(".figure-toggle"));
  if (!figures.length) { buttons.forEach(function (b) { b.hidden = true; }); return; }
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function setPaused(paused) {
    figures.forEach(function (svg) {
      if (typeof svg.pauseAnimations !== "function") return;
      if (paused) { svg.pauseAnimations(); svg.setCurrentTime(0); } else { svg.unpauseAnimations(); }
      svg.setAttribute("data-paused", paused ? "true" : "false");
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", paused ? "true" : "false");
      b.textContent = (paused ? "Play the drawing" : "Pause the drawing") + (figures.length > 1 ? "s" : "");
    });
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { setPaused(b.getAttribute("aria-pressed") !== "true"); });
  });
  setPaused(!!(reduce && reduce.matches));
  if (reduce && reduce.addEventListener) {
    reduce.addEventListener("change", function (e) { setPaused(e.matches); });
  }
})();
