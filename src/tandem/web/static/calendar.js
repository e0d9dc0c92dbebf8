// Calendar: drag a planned post to another day (month) or hour (week). The server converts the
// local wall time in the workspace zone; the page then reloads to show the result. Every item
// also has "-1 day" / "+1 day" buttons, so nothing here is needed to move posts by keyboard.
(function () {
  "use strict";
  var root = document.querySelector("[data-calendar]");
  if (!root) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var live = root.querySelector("[data-cal-status]");
  var dragged = null;

  function say(text, bad) {
    live.textContent = text;
    live.className = "cal-live" + (bad ? " bad" : "");
  }

  function pad(n) { return ("0" + n).slice(-2); }

  function targetOf(node) {
    return node && node.closest ? node.closest("[data-date]") : null;
  }

  function clearTargets() {
    root.querySelectorAll(".cal-drop").forEach(function (n) { n.classList.remove("cal-drop"); });
  }

  function bodyFor(item, target) {
    var body = { variant_id: item.dataset.variantId, date: target.dataset.date };
    if (target.dataset.hour !== undefined) {  // week view: that hour, same minutes
      body.time = pad(target.dataset.hour) + ":" + pad(item.dataset.minute || 0);
    }
    return body;
  }

  function move(item, target) {
    var from = targetOf(item.parentNode);
    if (from && from.dataset.date === target.dataset.date && from.dataset.hour === target.dataset.hour) {
      return;
    }
    say("Moving…");
    fetch(root.dataset.rescheduleUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(bodyFor(item, target))
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) { say(result.data.detail || "Could not move the post.", true); return; }
      say("Moved.");
      window.location.hash = "item-" + item.dataset.variantId;
      window.location.reload();
    }).catch(function () { say("Could not reach Tandem; the post was not moved.", true); });
  }

  root.addEventListener("dragstart", function (e) {
    var item = e.target.closest ? e.target.closest("[data-variant-id]") : null;
    if (!item) { return; }
    dragged = item;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", item.dataset.variantId);
    item.classList.add("dragging");
  });

  root.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
    clearTargets();
  });

  root.addEventListener("dragover", function (e) {
    var target = targetOf(e.target);
    if (!dragged || !target) { return; }
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    if (!target.classList.contains("cal-drop")) { clearTargets(); target.classList.add("cal-drop"); }
  });

  root.addEventListener("drop", function (e) {
    var target = targetOf(e.target);
    if (!dragged || !target) { return; }
    e.preventDefault();
    clearTargets();
    move(dragged, target);
  });

  // After a move, put the keyboard focus back on the moved post.
  var moved = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  var control = moved ? moved.querySelector("button, a") : null;
  if (control) { control.focus(); }
})();
