// scholia serve: reload the page when the site is rebuilt, and show build errors over
// it. Served only by `scholia serve`; never part of a built site.
(function () {
  "use strict";
  var shown = null;

  function overlay(errors, internal) {
    if (shown) { shown.remove(); shown = null; }
    if (!errors) return;
    shown = document.createElement("div");
    shown.className = "scholia-overlay";
    shown.setAttribute("role", "alertdialog");
    shown.setAttribute("aria-label", "The site has errors");
    var title = document.createElement("p");
    title.className = "scholia-overlay-title";
    title.textContent = internal
      ? "scholia failed while building (a bug in scholia, not in your site): this is the last good build. Please report the message below."
      : "The site has errors: this is the last good build. Fix them and save.";
    var pre = document.createElement("pre");
    pre.textContent = errors;
    shown.appendChild(title);
    shown.appendChild(pre);
    document.body.appendChild(shown);
  }

  function check() {
    return fetch("/__scholia/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { overlay(s.errors, s.internal); return s; });
  }

  var loaded = null;
  check().then(function (s) { loaded = s.version; });
  var source = new EventSource("/__scholia/events");
  source.addEventListener("change", function () {
    check().then(function (s) {
      if (!s.errors && s.version !== loaded) location.reload();
    });
  });
})();
