/* SOC analytics and honeypot charts: each page's container names a JSON endpoint (data-source);
   its canvases (data-soc-chart) are drawn from that data with Chart.js, axes titled with units.
   Loaded as a file: the CSP allows no inline script. */
(function () {
  "use strict";

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function axis(title, extra) {
    return Object.assign({
      beginAtZero: true,
      title: { display: true, text: title, color: css("--muted") },
      ticks: { color: css("--muted") },
      grid: { color: css("--border") },
    }, extra || {});
  }

  function counts(title) {
    return axis(title, { ticks: { precision: 0, color: css("--muted") } });
  }

  function minutes(seconds) {
    return seconds === null || seconds === undefined ? null : Math.round(seconds / 6) / 10;
  }

  var builders = {
    threats_over_time: function (data) {
      var points = data.threats_over_time.points;
      return {
        type: "bar",
        data: {
          labels: points.map(function (p) { return p.date; }),
          datasets: [{ label: "Threats detected", data: points.map(function (p) { return p.value; }), backgroundColor: css("--accent") }],
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: counts("Threats per day"), x: axis("Day (UTC)") },
        },
      };
    },
    response_time: function (data) {
      var stats = data.response_time;
      return {
        type: "bar",
        data: {
          labels: ["p50", "p95", "p99", "mean"],
          datasets: [{
            label: "Minutes from detection to mitigation",
            data: [minutes(stats.p50), minutes(stats.p95), minutes(stats.p99), minutes(stats.avg)],
            backgroundColor: [css("--ok"), css("--warn"), css("--bad"), css("--accent")],
          }],
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: axis("Response time (minutes)"), x: axis("Percentile over " + stats.count + " mitigated threats") },
        },
      };
    },
    top_threat_types: function (data) {
      var rows = data.top_threat_types.rows;
      return {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.type; }),
          datasets: [{ label: "Threats", data: rows.map(function (r) { return r.count; }), backgroundColor: css("--bad") }],
        },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { x: counts("Threats (last 7 days)"), y: axis("Threat type", { beginAtZero: false }) },
        },
      };
    },
    sessions_over_time: function (data) {
      var rows = data.sessions_over_time;
      return {
        type: "line",
        data: {
          labels: rows.map(function (r) { return String(r.timestamp).slice(0, 16).replace("T", " "); }),
          datasets: [
            { label: "Sessions", data: rows.map(function (r) { return r.sessions; }), borderColor: css("--accent"), backgroundColor: css("--accent"), tension: 0.2 },
            { label: "Distinct attacking addresses", data: rows.map(function (r) { return r.sources; }), borderColor: css("--bad"), backgroundColor: css("--bad"), tension: 0.2 },
          ],
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { labels: { color: css("--text") } } },
          scales: { y: counts("Sessions / addresses per bucket"), x: axis("Time (UTC)") },
        },
      };
    },
  };

  function draw(container) {
    var status = container.querySelector("[data-chart-status]");
    var canvases = container.querySelectorAll("canvas[data-soc-chart]");
    if (!canvases.length) return;
    if (typeof window.Chart === "undefined") {
      if (status) status.textContent = "Charts are unavailable (the chart library did not load); the tables show the figures.";
      return;
    }
    if (status) status.textContent = "Loading the chart data…";
    fetch(container.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("the server answered " + response.status);
        return response.json();
      })
      .then(function (data) {
        canvases.forEach(function (canvas) {
          var build = builders[canvas.dataset.socChart];
          if (build) new window.Chart(canvas, build(data));
        });
        container.dataset.loaded = "true";
        if (status) status.textContent = "";
      })
      .catch(function (error) {
        if (status) status.textContent = "Could not load the chart data: " + error.message + ". Reload the page to try again.";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#soc-analytics[data-source], #soc-honeypot[data-source]").forEach(draw);
  });
})();
