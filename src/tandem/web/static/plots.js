// Draws every [data-plot] on the page with plotly, loading plotly.min.js only when one exists.
// The figure is JSON in the <script type="application/json"> inside the element (web/plots.py).
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-plot]").forEach(function (box) {
      var source = box.querySelector("script[type='application/json']");
      var target = box.querySelector(".plot-area");
      if (!source || !target || target.dataset.drawn) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout, { responsive: true, displaylogo: false });
      target.dataset.drawn = "1";
    });
  }
  function load() {
    if (!document.querySelector("[data-plot]")) return;
    if (window.Plotly) { draw(); return; }
    var script = document.createElement("script");
    script.src = "/static/vendor/plotly/plotly.min.js";
    script.onload = draw;
    document.head.appendChild(script);
  }
  document.addEventListener("DOMContentLoaded", load);
  document.addEventListener("htmx:afterSettle", load);
})();
