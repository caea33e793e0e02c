// Live results: ask for the results panel every few seconds; swap it in when it changed.
(function () {
  "use strict";
  var panel = document.getElementById("live-panel");
  if (!panel || !window.fetch) { return; }
  var source = panel.getAttribute("data-source");
  var seconds = parseInt(panel.getAttribute("data-interval"), 10) || 3;
  var etag = null;
  function refresh() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(source, { headers: headers, credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        if (response.status !== 200) { return null; }
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) {
        if (html) {
          panel.innerHTML = html;
          panel.setAttribute("data-updated", new Date().toISOString());
        }
      })
      .catch(function () { /* offline for a moment: try again next time */ })
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }
  window.setTimeout(refresh, seconds * 1000);
})();
