// A patient's record for their physiotherapist: pain before, after and the next morning on one chart
// with flares ringed, and questionnaire scores over time with meaningful changes marked. Plotly comes
// from our own copy (/vendor/), never a CDN; the numbers are also in the page's tables.
(function () {
  "use strict";
  var el = document.getElementById("patient-data");
  if (!el || !window.Plotly) return;
  var data = JSON.parse(el.textContent);
  var narrow = window.matchMedia && window.matchMedia("(max-width: 640px)").matches;
  var config = { responsive: true, displaylogo: false, displayModeBar: narrow ? false : "hover" };
  var layout = {
    font: { family: "system-ui, sans-serif", size: 13 }, margin: { l: 40, r: 12, t: 12, b: 40 },
    legend: { orientation: "h", y: -0.25 }, xaxis: { type: "date", tickformat: "%d %b" }
  };
  var colours = { before: "#0b5d57", during: "#8a5a00", after: "#9a3412", next_morning: "#4c1d95" };
  var labels = { before: "Before", during: "During", after: "After", next_morning: "Next morning" };
  var pain = data.pain || [];
  var painEl = document.getElementById("pain-chart");
  if (pain.length) {
    var traces = Object.keys(labels).map(function (moment) {
      var pts = pain.filter(function (p) { return p.moment === moment; });
      return { type: "scatter", mode: "lines+markers", name: labels[moment], x: pts.map(function (p) { return p.t; }),
        y: pts.map(function (p) { return p.score; }), line: { color: colours[moment] }, marker: { size: 7 } };
    }).filter(function (t) { return t.x.length; });
    var flares = pain.filter(function (p) { return p.flare; });
    if (flares.length) {
      traces.push({ type: "scatter", mode: "markers", name: "Flare", x: flares.map(function (p) { return p.t; }),
        y: flares.map(function (p) { return p.score; }),
        marker: { size: 16, color: "rgba(0,0,0,0)", line: { color: "#b42318", width: 3 } } });
    }
    Plotly.newPlot(painEl, traces, Object.assign({}, layout, {
      yaxis: { range: [-0.5, 10.5], dtick: 2, title: { text: "Pain (0-10)" } },
      shapes: [{ type: "rect", xref: "paper", x0: 0, x1: 1, y0: 5.5, y1: 10.5, fillcolor: "#b42318", opacity: 0.07, line: { width: 0 } }]
    }), config);
  } else {
    painEl.outerHTML = "<p class='muted'>No pain ratings in the last 90 days.</p>";
  }
  var outEl = document.getElementById("outcomes-chart");
  var series = data.outcomes || {};
  var names = Object.keys(series).filter(function (n) { return series[n].length; });
  if (names.length) {
    var lines = names.map(function (n) {
      var pts = series[n];
      return { type: "scatter", mode: "lines+markers", name: n, x: pts.map(function (p) { return p.t; }),
        y: pts.map(function (p) { return p.value; }),
        marker: { size: pts.map(function (p) { return p.meaningful ? 13 : 7; }), symbol: pts.map(function (p) { return p.meaningful ? "star" : "circle"; }) } };
    });
    Plotly.newPlot(outEl, lines, Object.assign({}, layout, { yaxis: { rangemode: "tozero" } }), config);
  } else {
    outEl.outerHTML = "<p class='muted'>No questionnaire scores yet.</p>";
  }
})();
