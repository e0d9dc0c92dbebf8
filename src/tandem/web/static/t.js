/* Tandem's collector snippet (docs/collection.md). Install:
     <script defer src="https://TANDEM/t.js" data-site="ts_..."></script>
   Calls: tandem("event", name, props), tandem("conversion", {value, currency, order_id}),
   tandem("identify", contactKey), tandem("consent", true|false), tandem("pageview").
   Nothing is stored on the device until tandem("consent", true); the id is then random. */
(function (w, d, n) {
  "use strict";
  var script = d.currentScript;
  var site = script && script.getAttribute("data-site");
  if (!site) return;
  var endpoint = script.getAttribute("data-api") || new URL(script.src).origin + "/c";
  var KEY = "tandem_vid";
  var last = d.referrer;

  function stored() {
    try { return w.localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function send(type, extra) {
    var body = { site: site, type: type, url: location.href, referrer: last || null };
    if (n.webdriver) body.webdriver = true;
    var visitor = stored();
    if (visitor) body.visitor = visitor;
    for (var k in extra) if (extra[k] != null) body[k] = extra[k];
    var data = JSON.stringify(body);
    // A string beacon is text/plain: a simple request, no CORS preflight, survives unload.
    if (!(n.sendBeacon && n.sendBeacon(endpoint, data))) {
      fetch(endpoint, { method: "POST", body: data, keepalive: true, credentials: "omit",
        headers: { "Content-Type": "text/plain" } });
    }
  }

  function consent(given) {
    try {
      if (!given) return w.localStorage.removeItem(KEY);
      if (stored()) return;
      var bytes = new Uint8Array(16);
      w.crypto.getRandomValues(bytes);
      var id = "";
      for (var i = 0; i < bytes.length; i++) id += (bytes[i] + 256).toString(16).slice(1);
      w.localStorage.setItem(KEY, id);
    } catch (e) { /* storage blocked: stay cookieless */ }
  }

  function command(name, a, b) {
    if (name === "pageview") send("pageview", {});
    else if (name === "event") send("event", { name: a, props: b });
    else if (name === "conversion") {
      a = a || {};
      send("conversion", { name: a.name || "purchase", value: a.value,
        currency: a.currency, order_id: a.order_id, props: a.props });
    } else if (name === "identify") send("identify", { contact: String(a) });
    else if (name === "consent") consent(a);
  }

  function pageview() {
    send("pageview", {});
    last = location.href; // later views in this page are navigation, not new landings
  }

  function start() {
    var queued = (w.tandem && w.tandem.q) || [];
    w.tandem = function () { command.apply(null, arguments); };
    for (var i = 0; i < queued.length; i++) if (queued[i][0] === "consent") command.apply(null, queued[i]);
    pageview();
    for (i = 0; i < queued.length; i++) if (queued[i][0] !== "consent") command.apply(null, queued[i]);
    var push = history.pushState;
    history.pushState = function () {
      push.apply(history, arguments);
      pageview();
    };
    w.addEventListener("popstate", pageview);
  }

  // A prerendered page may never be seen: wait until it is (Speculation Rules).
  if (d.prerendering) d.addEventListener("prerenderingchange", start, { once: true });
  else start();
})(window, document, navigator);
