// Draws the pool chart with Chart.js (vendored from npm) from the page's JSON: actual arrivals, and the forecast's
// mean with its interval filled between the lower and upper bounds.
(() => {
  const data = document.getElementById("forecast-data");
  const canvas = document.getElementById("forecast-chart");
  if (!data || !canvas || typeof Chart === "undefined") {
    return;
  }
  const series = JSON.parse(data.textContent);
  const time = (ms) => new Date(ms).toISOString().slice(11, 16);
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        // Points too: a forecast may be one bucket long, and a line of one point draws nothing.
        { label: "interval (upper)", data: series.upper, borderColor: "rgba(11,87,208,0.5)", backgroundColor: "rgba(11,87,208,0.15)", pointStyle: "dash", pointRadius: 6, fill: "+1" },
        { label: "interval (lower)", data: series.lower, borderColor: "rgba(11,87,208,0.5)", pointStyle: "dash", pointRadius: 6, fill: false },
        { label: "forecast (mean)", data: series.mean, borderColor: "#0b57d0", backgroundColor: "#0b57d0", borderDash: [6, 4], pointStyle: "rectRot", pointRadius: 4 },
        { label: "actual arrivals", data: series.actual, borderColor: "#a40e26", backgroundColor: "#a40e26", pointRadius: 2 },
      ],
    },
    options: {
      parsing: { xAxisKey: "x", yAxisKey: "y" },
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { type: "linear", ticks: { callback: (v) => time(v), maxTicksLimit: 8 }, title: { display: true, text: "time (UTC)" } },
        y: { beginAtZero: true, title: { display: true, text: "arrivals per second" } },
      },
      plugins: { tooltip: { callbacks: { title: (items) => items.length ? new Date(items[0].parsed.x).toISOString() : "" } } },
    },
  });
})();

// The load chart: queue wait p50/p95 (seconds, left axis) and queue depth (jobs, right axis) per minute.
(() => {
  const data = document.getElementById("load-data");
  const canvas = document.getElementById("load-chart");
  if (!data || !canvas || typeof Chart === "undefined") {
    return;
  }
  const series = JSON.parse(data.textContent);
  const time = (ms) => new Date(ms).toISOString().slice(11, 16);
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        { label: "wait p95 (s)", data: series.waitP95, borderColor: "#a40e26", backgroundColor: "#a40e26", pointRadius: 3, yAxisID: "wait" },
        { label: "wait p50 (s)", data: series.waitP50, borderColor: "#0b57d0", backgroundColor: "#0b57d0", pointRadius: 3, yAxisID: "wait" },
        { label: "queue depth", data: series.queueDepth, borderColor: "#5f6368", backgroundColor: "#5f6368", borderDash: [4, 3], pointRadius: 2, stepped: true, yAxisID: "queue" },
      ],
    },
    options: {
      parsing: { xAxisKey: "x", yAxisKey: "y" },
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { type: "linear", ticks: { callback: (v) => time(v), maxTicksLimit: 8, stepSize: 60000 }, title: { display: true, text: "time (UTC)" } },
        wait: { position: "left", beginAtZero: true, title: { display: true, text: "queue wait (s)" } },
        queue: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "queued jobs" } },
      },
      plugins: { tooltip: { callbacks: { title: (items) => items.length ? new Date(items[0].parsed.x).toISOString() : "" } } },
    },
  });
})();
