// Draws the monitor's charts from the figures embedded with json_script (no inline script: CSP).
// Every chart has a table with the same figures next to it, so the page works without this.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  // Colours with at least 3:1 contrast against white (WCAG 1.4.11), Amsterdam palette.
  const colours = ["#004699", "#ec0000", "#00a03c", "#a00078", "#ff9100", "#009dec", "#767676"];
  Chart.defaults.font.family = '"Amsterdam Sans", Arial, sans-serif';
  Chart.defaults.animation = false;
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const line = spec.type === "line";
    const datasets = spec.datasets.map((set, index) => ({
      label: set.label,
      data: set.data,
      backgroundColor: colours[index % colours.length],
      borderColor: colours[index % colours.length],
      borderWidth: 2,
      spanGaps: false,
      pointStyle: ["circle", "rect", "triangle", "rectRot", "star", "cross"][index % 6],
      pointRadius: line ? 4 : 0,
    }));
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: 3,
        indexAxis: !line && spec.labels.length > 6 ? "y" : "x",
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    canvas.dataset.rendered = "true";
  });
});
