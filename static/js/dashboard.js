// Draws the campaign dashboard's charts from the JSON the server put in the page, and
// again after each htmx refresh of the dashboard body.
(function () {
  "use strict";
  var charts = [];
  function draw() {
    var source = document.getElementById("dashboard-chart-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var el = function (id) { return document.getElementById(id); };
    charts.push(new Chart(el("chart-daily"), {
      data: { labels: data.days, datasets: [
        { type: "bar", label: "Clicks", data: data.clicks, yAxisID: "y" },
        { type: "bar", label: "Conversions", data: data.conversions, yAxisID: "y" },
        { type: "line", label: "Revenue", data: data.revenue, yAxisID: "money" }] },
      options: { animation: false, scales: { y: { beginAtZero: true }, money: { beginAtZero: true, position: "right" } } }
    }));
    charts.push(new Chart(el("chart-cost"), {
      type: "line",
      data: { labels: data.days, datasets: [
        { label: "Cost", data: data.cost }, { label: "Revenue", data: data.revenue }] },
      options: { animation: false }
    }));
    charts.push(new Chart(el("chart-funnel"), {
      type: "bar",
      data: { labels: ["Impressions", "Clicks", "Conversions"], datasets: [{ label: "Funnel", data: data.funnel }] },
      options: { animation: false, indexAxis: "y" }
    }));
    document.body.dataset.chartsDrawn = String(charts.length);
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
