// Check-in page: send a scanned ticket code to the server, or keep it on this device while the
// connection is down and send the kept scans, oldest first, with the time each was made once it is back.
// The server answers a second send of the same scan with "already checked in", so a scan sent twice
// (two tabs, a retry after a lost answer) is counted once.
(function () {
  "use strict";
  var root = document.getElementById("door-camera");
  if (!root || !window.fetch || !window.localStorage) { return; }
  var url = root.getAttribute("data-scan-url");
  var form = document.querySelector('form[action="' + url + '"]');
  var queueNote = root.querySelector('[data-camera="queue"]');
  var KEY = "dialogue-door-queue:" + root.getAttribute("data-event") + ":" + root.getAttribute("data-staff");
  var RETRY_MS = 15000;
  var sending = false;

  function text(name, values) {
    var attribute = "data-text-" + name.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
    var value = root.getAttribute(attribute) || "";
    Object.keys(values || {}).forEach(function (key) { value = value.split("{" + key + "}").join(values[key]); });
    return value;
  }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (error) { return []; }
  }

  function save(items) {
    window.localStorage.setItem(KEY, JSON.stringify(items));
    showQueue(items);
  }

  function showQueue(items) {
    queueNote.hidden = items.length === 0;
    queueNote.textContent = items.length ? text("queue", { n: items.length }) : "";
  }

  function announce(name, detail) {
    root.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  // The answer as the page shows it. Only the door's decision about the ticket (an answer with an
  // outcome: checked in, already, refused) is final; anything else (the sign-in page after the session
  // ended, a stale form token, a rate limit, a server error) is an Error, and the scan stays kept.
  function post(code, scannedAt) {
    var body = new URLSearchParams();
    body.append("csrf_token", form.querySelector('[name="csrf_token"]').value);
    body.append("code", code);
    if (scannedAt) { body.append("scanned_at", String(scannedAt)); }
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "Accept": "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json || response.status === 401 || response.status === 403) { throw new Error("sign-in"); }
        return response.json();
      })
      .then(function (data) {
        if (!data.outcome) { throw new Error("retry"); }
        return { outcome: data.outcome || "refused", message: data.message || data.error || "",
                 name: data.name, organisation: data.organisation, role: data.role,
                 checkedInAt: data.checked_in_at };
      });
  }

  function keep(code, at) {
    var items = load();
    items.push({ code: code, at: at });
    save(items);
    return { outcome: "queued", message: "" };
  }

  function scan(code) {
    var at = Date.now();
    if (navigator.onLine === false) { return Promise.resolve(keep(code, at)); }
    return post(code, null).then(function (result) {
      announce("door:changed");
      return result;
    }, function (error) {
      if (error.message === "sign-in") { return { outcome: "refused", message: text("signIn") }; }
      return keep(code, at);
    });
  }

  function flush() {
    var items = load();
    showQueue(items);
    if (sending || !items.length || navigator.onLine === false) { return; }
    sending = true;
    var first = items[0];
    post(first.code, first.at).then(function (result) {
      save(load().filter(function (item) { return item.code !== first.code || item.at !== first.at; }));
      sending = false;
      announce("door:result", { result: result, sent: true });
      if (load().length) { flush(); } else { announce("door:changed"); }
    }, function (error) {
      sending = false;
      if (error.message === "sign-in") { queueNote.textContent = text("queue", { n: items.length }) + " " + text("signIn"); }
    });
  }

  window.DialogueDoor = { scan: scan, text: text, flush: flush };
  window.addEventListener("online", flush);
  window.setInterval(flush, RETRY_MS);
  flush();
})();
