// Outcome charts: pain and questionnaire scores over time, meaningful changes marked with a star,
// drawn with Plotly served from node_modules at /vendor/ (never a CDN). The numbers are also in tables.
(function () {
  "use strict";
  var dataEl = document.getElementById("outcomes-data");
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  if (!window.Plotly) {
    document.querySelectorAll(".chart-fallback").forEach(function (p) { p.hidden = false; });
    return;
  }
  var ranges = { pain: [0, 10], rmdq: [0, 24], odi: [0, 100], psfs: [0, 10] };
  // At least a week on the time axis (as on History), so a first score does not show milliseconds.
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
  var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  Object.keys(data.series).forEach(function (name) {
    var s = data.series[name];
    var el = document.getElementById("chart-" + name);
    if (!el || !s.points.length) { if (el) el.hidden = true; return; }
    var x = s.points.map(function (p) { return p.taken_at; });
    var y = s.points.map(function (p) { return p.value; });
    var marked = s.points.filter(function (p) { return p.meaningful; });
    var traces = [
      { type: "scatter", mode: "lines+markers", name: s.name, x: x, y: y, line: { color: "#0b5d57", width: 2 }, marker: { size: 8 } },
      {
        type: "scatter", mode: "markers", name: "Meaningful change",
        x: marked.map(function (p) { return p.taken_at; }), y: marked.map(function (p) { return p.value; }),
        marker: { size: 14, symbol: "star", color: marked.map(function (p) { return p.direction === "better" ? "#166534" : "#b42318"; }) }
      }
    ];
    var base = s.points[0].value;
    var layout = {
      font: { family: "system-ui, sans-serif", size: 14, color: "#1b1f23" },
      margin: { l: 48, r: 16, t: 16, b: 48 }, paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
      legend: { orientation: "h", y: -0.25 },
      xaxis: dateAxis(x, el.clientWidth),
      yaxis: { range: [ranges[name][0] - 0.5, ranges[name][1] + 0.5], gridcolor: "#e4e9e8",
               title: { text: s.lower_is_better ? "lower is better" : "higher is better" } },
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: base, y1: base, line: { color: "#4a5560", dash: "dot", width: 1 } }],
      annotations: [{ xref: "paper", x: 1, y: base, xanchor: "right", yanchor: "bottom", showarrow: false,
                      text: "first score; meaningful change: " + s.mcid, font: { size: 12, color: "#4a5560" } }]
    };
    Plotly.newPlot(el, traces, layout, config);
  });
})();
