// Tandem's one small script: workspace switcher, confirmations, CSRF header for htmx.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRF-Token"] = token.content; }
  });
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-switch-workspace]");
    if (select) { window.location.href = "/w/" + encodeURIComponent(select.value) + "/"; }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
