// A patient's record for their physiotherapist: pain before, after and the next morning on one chart
// with flares ringed (over the whole 90 days shown), and each questionnaire's scores over time with
// meaningful changes marked. Plotly comes from our own copy (/vendor/), never a CDN; the numbers are
// also in the page's tables.
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
      xaxis: { type: "date", tickformat: "%d %b", range: [data.from, data.to] },
      yaxis: { range: [-0.5, 10.5], dtick: 2, title: { text: "Pain (0-10)" } },
      shapes: [{ type: "rect", xref: "paper", x0: 0, x1: 1, y0: 5.5, y1: 10.5, fillcolor: "#b42318", opacity: 0.07, line: { width: 0 } }]
    }), config);
  } else {
    painEl.outerHTML = "<p class='muted'>No pain ratings in the last 90 days.</p>";
  }
  // One small chart per measure, each on its own scale (a pain rating of 0-10 and an Oswestry
  // score of 0-100 do not share an axis); stars mark a meaningful change from the first score.
  var outEl = document.getElementById("outcomes-chart");
  var series = data.outcomes || [];
  if (series.length) {
    outEl.removeAttribute("role");
    series.forEach(function (s) {
      var box = document.createElement("div");
      box.className = "outcome-chart";
      var title = document.createElement("h3");
      title.textContent = s.name + (s.lower_is_better ? " (lower is better)" : " (higher is better)");
      var plot = document.createElement("div");
      plot.className = "chart chart-small";
      plot.setAttribute("role", "img");
      plot.setAttribute("aria-label", s.name + " over time: " + s.points.map(function (p) { return p.value; }).join(", "));
      box.appendChild(title);
      box.appendChild(plot);
      outEl.appendChild(box);
      var pts = s.points;
      var line = { type: "scatter", mode: "lines+markers", name: s.name, x: pts.map(function (p) { return p.t; }),
        y: pts.map(function (p) { return p.value; }), line: { color: "#0b5d57" },
        marker: { size: pts.map(function (p) { return p.meaningful ? 14 : 8; }), symbol: pts.map(function (p) { return p.meaningful ? "star" : "circle"; }) } };
      var start = pts[0].t < data.from ? pts[0].t : data.from;
      Plotly.newPlot(plot, [line], Object.assign({}, layout, {
        showlegend: false, margin: { l: 40, r: 12, t: 8, b: 36 },
        xaxis: { type: "date", tickformat: "%d %b", range: [start, data.to] },
        yaxis: s.range ? { range: [s.range[0], s.range[1] * 1.05] } : { rangemode: "tozero" }
      }), config);
    });
  } else {
    outEl.outerHTML = "<p class='muted'>No questionnaire scores yet.</p>";
  }
})();
