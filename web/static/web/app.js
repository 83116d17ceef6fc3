/* Palisade dashboard behaviour: charts (Chart.js), the live threat feed (/ws/threats), small
   progressive enhancements. Loaded as a file: the CSP allows no inline script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function jsonData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var charts = new WeakMap();

  function axisOptions(title, max) {
    return {
      beginAtZero: true,
      max: max,
      title: { display: true, text: title, color: css("--muted") },
      ticks: { color: css("--muted") },
      grid: { color: css("--border") },
    };
  }

  var builders = {
    functions: function (rows) {
      return {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.code; }),
          datasets: [{
            label: "Score (0-100)",
            data: rows.map(function (r) { return r.score; }),
            backgroundColor: rows.map(function (r) {
              return r.score === null ? css("--border") : r.score >= 80 ? css("--ok") : r.score >= 50 ? css("--warn") : css("--bad");
            }),
          }],
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { display: false }, tooltip: { callbacks: { title: function (items) { return rows[items[0].dataIndex].name; } } } },
          scales: { y: axisOptions("Score (0-100)", 100), x: axisOptions("Function") },
        },
      };
    },
    history: function (data) {
      return {
        type: "line",
        data: {
          labels: data.labels.map(function (s) { return s.slice(0, 16).replace("T", " "); }),
          datasets: [
            { label: "Value" + (data.unit ? " (" + data.unit + ")" : ""), data: data.values, borderColor: css("--accent"), backgroundColor: css("--accent"), tension: 0.2 },
            { label: "Target", data: data.values.map(function () { return data.target; }), borderColor: css("--ok"), borderDash: [6, 4], pointRadius: 0 },
          ],
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { labels: { color: css("--text") } } },
          scales: { y: axisOptions(data.unit || "Value"), x: axisOptions("Recorded at (UTC)") },
        },
      };
    },
    severity: function (data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [{ label: "Threats", data: data.values, backgroundColor: [css("--ok"), css("--warn"), css("--bad"), css("--critical")] }],
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: Object.assign(axisOptions("Threats"), { ticks: { precision: 0, color: css("--muted") } }), x: axisOptions("Severity") },
        },
      };
    },
  };

  function renderCharts(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var data = jsonData(canvas.dataset.chartSource);
      var build = builders[canvas.dataset.chart];
      if (!data || !build || charts.has(canvas)) return;
      charts.set(canvas, new window.Chart(canvas, build(data)));
    });
  }

  /* Live threat feed: a short-lived token from the session, then the /ws/threats protocol. */
  function startFeed(table) {
    var status = document.getElementById("feed-status");
    var body = table.tBodies[0];
    var retry = 1000;

    function setStatus(state, text) {
      if (!status) return;
      status.dataset.state = state;
      status.textContent = text;
    }

    function cell(row, content, className) {
      var td = document.createElement("td");
      if (className) td.className = className;
      if (content instanceof Node) td.appendChild(content); else td.textContent = content;
      row.appendChild(td);
    }

    function link(href, text) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      return a;
    }

    function addThreat(data) {
      if (body.querySelector('tr[data-threat="' + CSS.escape(data.threat_id) + '"]')) return;
      var row = document.createElement("tr");
      row.dataset.threat = data.threat_id;
      row.className = "fresh";
      cell(row, link(table.dataset.threatUrl + "/" + encodeURIComponent(data.threat_id), data.threat_id));
      cell(row, data.type || "");
      var badge = document.createElement("span");
      badge.className = "severity severity-" + (data.severity || "");
      badge.textContent = data.severity || "";
      cell(row, badge);
      cell(row, typeof data.confidence === "number" ? data.confidence.toFixed(2) : "", "num");
      cell(row, data.source_ip || "—");
      cell(row, (data.mitre_attack || []).join(", "));
      cell(row, data.incident_id ? link(table.dataset.incidentUrl + "/" + encodeURIComponent(data.incident_id), data.incident_id) : "—");
      cell(row, (data.timestamp || "").slice(0, 19).replace("T", " "));
      body.insertBefore(row, body.firstChild);
      var empty = document.getElementById("feed-empty");
      if (empty) empty.remove();
    }

    function connect() {
      setStatus("connecting", "Connecting…");
      fetch(table.dataset.feedTokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("token " + response.status);
          return response.json();
        })
        .then(function (grant) {
          var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
          var socket = new WebSocket(scheme + window.location.host + table.dataset.feedSocket);
          socket.addEventListener("open", function () {
            socket.send(JSON.stringify({ type: "auth", token: grant.token }));
          });
          socket.addEventListener("message", function (event) {
            var message = JSON.parse(event.data);
            if (message.type === "authenticated") { retry = 1000; setStatus("live", "● Live"); }
            else if (message.type === "threat_detected") addThreat(message.data || {});
            else if (message.type === "error") setStatus("offline", "Feed error: " + message.message);
          });
          socket.addEventListener("close", function () {
            setStatus("offline", "Disconnected — reconnecting…");
            setTimeout(connect, retry);
            retry = Math.min(retry * 2, 30000);
          });
        })
        .catch(function (error) {
          setStatus("offline", "Feed unavailable (" + error.message + ") — retrying…");
          setTimeout(connect, retry);
          retry = Math.min(retry * 2, 30000);
        });
    }
    connect();
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderCharts(document);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
    var feed = document.querySelector("table[data-feed-socket]");
    if (feed) startFeed(feed);
  });

  // Swapped-in fragments (the score cards after an inline update) bring new canvases.
  document.addEventListener("htmx:afterSettle", function () { renderCharts(document); });
})();
