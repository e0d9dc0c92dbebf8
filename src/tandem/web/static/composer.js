// Live previews and counters for the composer and variant editors. Every number comes from the
// server's own rules (JSON endpoints), so the page and the server never disagree.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function problemList(problems) {
    var list = el("ul", "problems");
    problems.forEach(function (p) {
      var item = el("li", "problem problem-" + p.severity);
      item.dataset.code = p.code;
      item.appendChild(el("span", "sev", p.severity));
      item.appendChild(document.createTextNode(" " + p.message));
      list.appendChild(item);
    });
    return list;
  }

  function renderPreview(container, data) {
    container.textContent = "";
    if (!data.variants || !data.variants.length) {
      container.appendChild(el("p", "muted", "Pick accounts to see each platform's version."));
      return;
    }
    data.variants.forEach(function (v) {
      var card = el("article", "panel variant" + (v.blocking ? " has-errors" : ""));
      card.dataset.platform = v.platform;
      var head = el("header", "variant-head");
      head.appendChild(el("h2", "", "@" + v.handle + " · " + v.platform));
      var over = v.lengths.some(function (n) { return n > v.limit; });
      var counter = el("span", "counter" + (over ? " over" : ""), v.lengths.join(" + ") + " / " + v.limit);
      counter.title = "Counted the way " + v.platform + " counts: " + v.unit;
      counter.dataset.counter = v.platform;
      head.appendChild(counter);
      card.appendChild(head);
      v.parts.forEach(function (part) { card.appendChild(el("div", "preview preview-" + v.platform, part)); });
      if (v.first_comment) { card.appendChild(el("p", "muted small", "First comment: " + v.first_comment)); }
      v.notes.forEach(function (n) { card.appendChild(el("p", "muted small", n)); });
      if (v.problems.length) { card.appendChild(problemList(v.problems)); }
      container.appendChild(card);
    });
  }

  var composer = document.getElementById("composer");
  if (composer) {
    var previews = document.getElementById("previews");
    var textCount = document.getElementById("text-count");
    var refresh = debounce(function () {
      var form = new FormData(composer);
      post(composer.dataset.previewUrl, {
        text: form.get("text") || "", link: form.get("link") || "", sponsored: form.get("sponsored") === "on",
        campaign_key: form.get("campaign_key") || "",
        account_ids: form.getAll("account_ids"), media_ids: form.getAll("media_ids")
      }).then(function (result) {
        if (!result.ok) {
          previews.textContent = "";
          previews.appendChild(el("p", "alert", result.data.detail || "Could not preview."));
          return;
        }
        textCount.textContent = result.data.characters + " characters in the brief";
        renderPreview(previews, result.data);
      });
    }, 200);
    composer.addEventListener("input", refresh);
    composer.addEventListener("change", refresh);
    refresh();
  }

  var suggestions = document.getElementById("suggestions");
  if (composer && suggestions) {
    var textArea = composer.querySelector("#text");
    var showSuggestions = debounce(function () {
      fetch(suggestions.dataset.url + "?text=" + encodeURIComponent(textArea.value), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.json(); }).then(function (d) {
        var read = d.readability;
        suggestions.querySelector("[data-readability]").textContent = read.score === null ? read.label :
          "Readability " + read.score + " (" + read.label + "; Flesch, for English), " + read.words + " words";
        suggestions.querySelector("[data-tone]").textContent = "Tone: " + d.tone.tone + ". " + d.tone.reason;
        var box = suggestions.querySelector("[data-hashtags]");
        box.textContent = "";
        if (d.hashtags.length) {
          box.appendChild(el("p", "small", "Hashtags that did well here (engagement rate, posts):"));
          d.hashtags.forEach(function (h) {
            var b = el("button", "chip", h.hashtag + " " + (h.engagement_rate * 100).toFixed(1) + "% · " + h.posts);
            b.type = "button";
            b.addEventListener("click", function () {
              textArea.value = textArea.value.replace(/\s*$/, " ") + h.hashtag;
              textArea.dispatchEvent(new Event("input", { bubbles: true }));
            });
            box.appendChild(b);
          });
        }
      });
    }, 600);
    textArea.addEventListener("input", showSuggestions);
    showSuggestions();
  }

  var ai = document.getElementById("ai");
  if (composer && ai) {
    var result = ai.querySelector("[data-ai-result]");
    var use = ai.querySelector("[data-ai-use]");
    ai.querySelector("[data-ai-rewrite]").addEventListener("click", function () {
      var picked = composer.querySelector("input[name=account_ids]:checked");
      post(ai.dataset.url, {
        text: composer.querySelector("#text").value, tone: composer.querySelector("[name=tone]").value,
        platform: picked ? picked.dataset.platform : "linkedin", instruction: ai.querySelector("#ai-instruction").value
      }).then(function (r) {
        result.hidden = false;
        result.textContent = r.ok ? r.data.text : (r.data.detail || "The AI endpoint failed.");
        use.hidden = !r.ok;
      });
    });
    use.addEventListener("click", function () {
      var area = composer.querySelector("#text");
      area.value = result.textContent;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  document.querySelectorAll("form.variant-form").forEach(function (form) {
    form.querySelectorAll("textarea[data-live-count]").forEach(function (area) {
      var out = area.nextElementSibling;
      var update = debounce(function () {
        post(form.dataset.checkUrl, {
          platform: form.dataset.platform, post_type: form.dataset.postType, text: area.value,
          sponsored: form.dataset.sponsored === "true"
        }).then(function (result) {
          if (!result.ok) { out.textContent = result.data.detail || ""; return; }
          var d = result.data;
          out.textContent = d.length + " / " + d.limit + " (" + d.unit + ")" +
            (d.problems.length ? " · " + d.problems.map(function (p) { return p.message; }).join(" · ") : "");
          out.className = "small live-count" + (d.length > d.limit ? " over" : "");
        });
      }, 200);
      area.addEventListener("input", update);
      update();
    });
  });
})();
