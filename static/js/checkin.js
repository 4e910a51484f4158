// Check-in page: keep the count by role live while several doors check people in.
// The page works without this script; it only refreshes the numbers every few seconds, and at once
// after a camera scan (door-scanner.js). It also registers the service worker that lets door staff
// open the page without a connection and install it as an app.
(function () {
  "use strict";
  var panel = document.getElementById("door-counts");
  if (!panel || !window.fetch) { return; }
  var url = panel.getAttribute("data-url");
  var updated = panel.querySelector("[data-updated]");

  function set(selector, value) {
    var node = panel.querySelector(selector);
    if (node && node.textContent !== String(value)) { node.textContent = String(value); }
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        set('[data-count="total"]', data.checked_in);
        Object.keys(data.roles).forEach(function (role) {
          set('[data-count="' + role + '"]', data.roles[role].checked_in);
          set('[data-confirmed="' + role + '"]', data.roles[role].confirmed);
        });
        if (updated) { updated.textContent = updated.getAttribute("data-label") + " " + new Date().toLocaleTimeString(); }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  window.setInterval(refresh, 5000);
  var camera = document.getElementById("door-camera");
  if (camera) { camera.addEventListener("door:changed", refresh); }
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(panel.getAttribute("data-service-worker"),
                                     { scope: panel.getAttribute("data-scope") })
      .catch(function () { /* without it the page still works online */ });
  }
})();
