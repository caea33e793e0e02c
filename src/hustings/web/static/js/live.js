// Live results: the server pushes the results panel (Server-Sent Events) when a sheet is
// accepted; without EventSource, or if the stream fails for good, ask for the panel every few
// seconds instead (If-None-Match: the server answers 304 while nothing changed).
(function () {
  "use strict";
  var panel = document.getElementById("live-panel");
  if (!panel || !window.fetch) { return; }
  var source = panel.getAttribute("data-source");
  var events = panel.getAttribute("data-events");
  var seconds = parseInt(panel.getAttribute("data-interval"), 10) || 3;
  var etag = null;
  var polling = false;

  function show(html) {
    panel.innerHTML = html;
    panel.setAttribute("data-updated", new Date().toISOString());
  }

  function refresh() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(source, { headers: headers, credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        if (response.status !== 200) { return null; }
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) { if (html) { show(html); } })
      .catch(function () { /* offline for a moment: try again next time */ })
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }

  function poll() {
    if (polling) { return; }
    polling = true;
    panel.setAttribute("data-mode", "polling");
    window.setTimeout(refresh, seconds * 1000);
  }

  if (!window.EventSource || !events) { poll(); return; }
  var stream = new EventSource(events);
  panel.setAttribute("data-mode", "push");
  stream.addEventListener("panel", function (event) { show(event.data); });
  stream.addEventListener("error", function () {
    // EventSource reconnects by itself; only a closed stream means push is not available.
    if (stream.readyState === EventSource.CLOSED) { poll(); }
  });
})();
