/* Productivity charts (Chart.js from npm, web/vendor): every canvas[data-pchart] draws the series
   of the JSON script its data-chart-source names: {kind, labels, datasets: [{label, values}],
   x_title, y_title}. Loaded as a file: the CSP allows no inline script. */
(function () {
  "use strict";

  var PALETTE = ["--accent", "--ok", "--warn", "--bad", "--critical", "--muted"];
  var drawn = new WeakMap();

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function colour(index) {
    var base = css(PALETTE[index % PALETTE.length]) || "#0b63a8";
    return base;
  }

  function axis(title) {
    return {
      beginAtZero: true,
      title: { display: true, text: title, color: css("--muted") },
      ticks: { color: css("--muted") },
      grid: { color: css("--border") },
    };
  }

  function config(spec) {
    var line = spec.kind === "line";
    return {
      type: line ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, index) {
          return {
            label: set.label,
            data: set.values,
            borderColor: colour(index),
            backgroundColor: colour(index),
            tension: 0.2,
            pointRadius: line ? 2 : undefined,
          };
        }),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { display: spec.datasets.length > 1, labels: { color: css("--text") } } },
        scales: { x: axis(spec.x_title), y: axis(spec.y_title) },
      },
    };
  }

  function draw(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-pchart]").forEach(function (canvas) {
      if (drawn.has(canvas)) return;
      var source = document.getElementById(canvas.dataset.chartSource);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      drawn.set(canvas, new window.Chart(canvas, config(spec)));
      canvas.dataset.drawn = "true";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
