// The inbox: keyboard shortcuts and live arrivals (server-sent events).
(function () {
  "use strict";
  var root = document.querySelector("[data-inbox]");
  if (!root) { return; }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".qitem")); }
  function current() { return document.querySelector(".qitem.selected"); }
  function go(offset) {
    var list = rows();
    var index = list.indexOf(current());
    var next = list[Math.max(0, Math.min(list.length - 1, index + offset))];
    if (next && next !== current()) { next.querySelector("a.qlink").click(); }
  }
  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.metaKey || event.ctrlKey || event.altKey || typing(event.target)) { return; }
    var key = event.key;
    if (key === "j") { go(1); }
    else if (key === "k") { go(-1); }
    else if (key === "r") { var box = document.querySelector("[data-reply-box]"); if (box) { box.focus(); } }
    else if (key === "e") { var close = document.querySelector('form[data-key="e"]'); if (close) { close.requestSubmit(); } }
    else if (key === "a") { var assign = document.querySelector("[data-assign]"); if (assign) { assign.focus(); } }
    else if (key === "x") { var sel = current(); if (sel) { var box2 = sel.querySelector("input[type=checkbox]"); box2.checked = !box2.checked; } }
    else { return; }
    event.preventDefault();
  });

  // A reply form submits once: a double click cannot send twice (the server also checks the key).
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-once]");
    if (!form) { return; }
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });

  // Saved-reply suggestions fill the reply box.
  document.addEventListener("click", function (event) {
    var use = event.target.closest("[data-fill]");
    var box = document.querySelector("[data-reply-box]");
    if (use && box) {
      box.value = use.getAttribute("data-fill");
      var field = document.querySelector("[data-saved-reply-field]");
      if (field) { field.value = use.getAttribute("data-saved-reply") || ""; }
      box.focus();
      event.preventDefault();
    }
  });

  if (!window.EventSource) { return; }
  var fresh = 0;
  var banner = document.getElementById("live");
  var count = document.getElementById("live-count");
  var source = new EventSource(root.getAttribute("data-events"));
  source.addEventListener("arrived", function (event) {
    var item = JSON.parse(event.data);
    if (document.querySelector('.qitem[data-id="' + item.id + '"]')) { return; }
    fresh += 1;
    count.textContent = String(fresh);
    banner.hidden = false;
    var list = document.getElementById("queue-items");
    var li = document.createElement("li");
    li.className = "qitem arrived intent-" + item.intent;
    li.setAttribute("data-id", item.id);
    var link = document.createElement("a");
    link.className = "qlink";
    link.href = "?item=" + encodeURIComponent(item.id);
    link.textContent = "New · " + item.intent + " · @" + item.author + ": " + item.text;
    li.appendChild(link);
    list.insertBefore(li, list.firstChild);
  });
})();
