// Draws the Pools page's charts with Chart.js (vendored from npm) from the JSON the page embeds: points of
// (milliseconds since the epoch, value) against a UTC time axis.
(() => {
  if (typeof Chart === "undefined") {
    return;
  }
  const time = (ms) => new Date(ms).toISOString().slice(11, 16);

  // One line chart over time: the canvas and its data element by id, the datasets made from the parsed series, the
  // y axes, and options of the time axis's ticks.
  const timeChart = (canvasId, dataId, datasets, axes, xTicks = {}) => {
    const data = document.getElementById(dataId);
    const canvas = document.getElementById(canvasId);
    if (!data || !canvas) {
      return;
    }
    new Chart(canvas, {
      type: "line",
      data: { datasets: datasets(JSON.parse(data.textContent)) },
      options: {
        parsing: { xAxisKey: "x", yAxisKey: "y" },
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { type: "linear", ticks: { callback: (v) => time(v), maxTicksLimit: 8, ...xTicks }, title: { display: true, text: "time (UTC)" } },
          ...axes,
        },
        plugins: { tooltip: { callbacks: { title: (items) => items.length ? new Date(items[0].parsed.x).toISOString() : "" } } },
      },
    });
  };

  // Actual arrivals, and the forecast's mean with its interval filled between the lower and upper bounds.
  timeChart("forecast-chart", "forecast-data", (series) => [
    // Points too: a forecast may be one bucket long, and a line of one point draws nothing.
    { label: "interval (upper)", data: series.upper, borderColor: "rgba(11,87,208,0.5)", backgroundColor: "rgba(11,87,208,0.15)", pointStyle: "dash", pointRadius: 6, fill: "+1" },
    { label: "interval (lower)", data: series.lower, borderColor: "rgba(11,87,208,0.5)", pointStyle: "dash", pointRadius: 6, fill: false },
    { label: "forecast (mean)", data: series.mean, borderColor: "#0b57d0", backgroundColor: "#0b57d0", borderDash: [6, 4], pointStyle: "rectRot", pointRadius: 4 },
    { label: "actual arrivals", data: series.actual, borderColor: "#a40e26", backgroundColor: "#a40e26", pointRadius: 2 },
  ], {
    y: { beginAtZero: true, title: { display: true, text: "arrivals per second" } },
  });

  // Queue wait p50/p95 (seconds, left axis) and queue depth (jobs, right axis) per minute.
  timeChart("load-chart", "load-data", (series) => [
    { label: "wait p95 (s)", data: series.waitP95, borderColor: "#a40e26", backgroundColor: "#a40e26", pointRadius: 3, yAxisID: "wait" },
    { label: "wait p50 (s)", data: series.waitP50, borderColor: "#0b57d0", backgroundColor: "#0b57d0", pointRadius: 3, yAxisID: "wait" },
    { label: "queue depth", data: series.queueDepth, borderColor: "#5f6368", backgroundColor: "#5f6368", borderDash: [4, 3], pointRadius: 2, stepped: true, yAxisID: "queue" },
  ], {
    wait: { position: "left", beginAtZero: true, title: { display: true, text: "queue wait (s)" } },
    queue: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "queued jobs" } },
  }, { stepSize: 60000 });
})();
