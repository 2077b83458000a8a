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
        { label: "interval (upper)", data: series.upper, borderColor: "rgba(11,87,208,0.35)", backgroundColor: "rgba(11,87,208,0.15)", pointRadius: 0, fill: "+1" },
        { label: "interval (lower)", data: series.lower, borderColor: "rgba(11,87,208,0.35)", pointRadius: 0, fill: false },
        { label: "forecast (mean)", data: series.mean, borderColor: "#0b57d0", borderDash: [6, 4], pointRadius: 0 },
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
