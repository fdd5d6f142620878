// History charts: pain over time and reps / seconds held per exercise, drawn with Plotly
// (served from node_modules at /vendor/, never a CDN). The numbers are also in the page's table.
(function () {
  "use strict";
  var dataEl = document.getElementById("history-data");
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  if (!window.Plotly) {
    document.querySelectorAll(".chart-fallback").forEach(function (p) { p.hidden = false; });
    return;
  }
  var font = { family: "system-ui, sans-serif", size: 14, color: "#1b1f23" };
  var layoutBase = {
    font: font, margin: { l: 48, r: 16, t: 16, b: 48 }, paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
    legend: { orientation: "h", y: -0.2 }, xaxis: { type: "date", gridcolor: "#e4e9e8" }
  };
  // On a phone the chart toolbar would sit on top of the chart: none there (pinch zoom still works).
  var narrow = window.matchMedia && window.matchMedia("(max-width: 640px)").matches;
  var config = {
    responsive: true, displaylogo: false, displayModeBar: narrow ? false : "hover",
    modeBarButtonsToRemove: ["lasso2d", "select2d"]
  };
  // Counts and seconds are whole numbers: ticks at whole steps (1, 2, 5, 10, 20, 50 ...).
  function wholeAxis(values, extra) {
    var top = Math.max.apply(null, values.concat([1]));
    var raw = top / 5, step = 1;
    [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].some(function (s) { step = s; return s >= raw; });
    return Object.assign({ rangemode: "tozero", tickformat: ",d", dtick: step, gridcolor: "#e4e9e8" }, extra);
  }
  var colours = { before: "#0b5d57", after: "#9a3412", next_morning: "#4c1d95", during: "#8a5a00" };
  var labels = { before: "Before", after: "After", next_morning: "Next morning", during: "During" };

  // At least a week on the time axis, so a first day does not show hours and milliseconds.
  var DAY_MS = 24 * 3600 * 1000;
  function dateAxis(xs, widthPx) {
    var times = xs.map(function (x) { return new Date(x).getTime(); }).filter(isFinite);
    var axis = { type: "date", gridcolor: "#e4e9e8", tickformat: "%d %b" };
    if (!times.length) return axis;
    var lo = Math.min.apply(null, times), hi = Math.max.apply(null, times);
    if (hi - lo < 6 * DAY_MS) {
      axis.range = [new Date(hi - 6.5 * DAY_MS).toISOString(), new Date(hi + 0.5 * DAY_MS).toISOString()];
    }
    // A tick a day while they fit (about 48 px each); on a phone Plotly picks fewer.
    var days = Math.max(7, (hi - lo) / DAY_MS + 1);
    if (hi - lo < 21 * DAY_MS && days * 48 <= (widthPx || 800)) axis.dtick = DAY_MS;
    return axis;
  }

  var pain = data.pain || [];
  var traces = Object.keys(labels).map(function (moment) {
    var pts = pain.filter(function (p) { return p.moment === moment; });
    return {
      type: "scatter", mode: "lines+markers", name: labels[moment],
      x: pts.map(function (p) { return p.taken_at; }), y: pts.map(function (p) { return p.score; }),
      line: { color: colours[moment], width: 2 }, marker: { size: 8 }
    };
  }).filter(function (t) { return t.x.length; });
  var painLayout = Object.assign({}, layoutBase, {
    xaxis: dateAxis(pain.map(function (p) { return p.taken_at; }), document.getElementById("pain-chart").clientWidth),
    yaxis: { range: [-0.5, 10.5], dtick: 1, title: { text: "Pain (0-10)" }, gridcolor: "#e4e9e8" },
    shapes: [
      { type: "rect", xref: "paper", x0: 0, x1: 1, y0: 5.5, y1: 10.5, fillcolor: "#b42318", opacity: 0.07, line: { width: 0 } }
    ]
  });
  var painEl = document.getElementById("pain-chart");
  if (traces.length) Plotly.newPlot(painEl, traces, painLayout, config);
  else {
    painEl.style.minHeight = "0";
    painEl.innerHTML = "<p class='muted'>No pain ratings yet. You are asked before and after each workout.</p>";
  }

  var select = document.getElementById("exercise-select");
  var exEl = document.getElementById("exercise-chart");
  function drawExercise() {
    var series = (data.exercises || {})[select.value] || [];
    if (!series.length) {
      if (window.Plotly.purge) Plotly.purge(exEl);
      exEl.style.minHeight = "0";
      exEl.innerHTML = "<p class='muted'>Nothing recorded for this exercise yet.</p>";
      return;
    }
    exEl.innerHTML = "";
    exEl.style.minHeight = "";
    var x = series.map(function (p) { return p.day; });
    var xAt = x.map(function (d) { return d + "T12:00:00"; });
    var traces = [
      { type: "bar", name: "Reps and holds", x: xAt, width: 0.6 * DAY_MS, y: series.map(function (p) { return p.total_reps; }), marker: { color: "#0b5d57" } }
    ];
    var holds = series.some(function (p) { return p.total_hold_s > 0; });
    var layout = Object.assign({}, layoutBase, {
      xaxis: dateAxis(xAt, exEl.clientWidth),
      yaxis: wholeAxis(series.map(function (p) { return p.total_reps; }), { title: { text: "Reps and holds" } }),
      margin: { l: 52, r: holds ? 56 : 16, t: 16, b: 48 }
    });
    if (holds) {
      traces.push({ type: "scatter", mode: "lines+markers", name: "Seconds held", yaxis: "y2", x: xAt,
        y: series.map(function (p) { return Math.round(p.total_hold_s); }), line: { color: "#9a3412", width: 2 }, marker: { size: 8 } });
      layout.yaxis2 = wholeAxis(series.map(function (p) { return Math.round(p.total_hold_s); }),
        { title: { text: "Seconds held" }, overlaying: "y", side: "right", gridcolor: "rgba(0,0,0,0)" });
    }
    Plotly.newPlot(exEl, traces, layout, config);
  }
  if (select) { select.addEventListener("change", drawExercise); drawExercise(); }
})();
