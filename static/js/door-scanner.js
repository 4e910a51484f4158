// Check-in page: scan tickets with the device's camera. The browser's own BarcodeDetector reads the QR
// code where it has one; elsewhere jsQR (static/vendor/jsqr) reads frames drawn from the video.
// Each scan checks the person in through door-queue.js and is said in words, with a sound and a
// vibration of its own: checked in, already checked in, refused, or kept until the connection is back.
(function () {
  "use strict";
  var root = document.getElementById("door-camera");
  var door = window.DialogueDoor;
  if (!root || !door) { return; }

  function part(name) { return root.querySelector('[data-camera="' + name + '"]'); }
  var startButton = part("start"), stopButton = part("stop"), video = part("video"), note = part("note");
  var feedback = part("feedback"), log = part("log");
  var TOKEN = /[0-9a-f]{32}(?![0-9a-f])/i;
  var SAME_CODE_MS = 4000;   // a code seen again within this time is the same ticket still in view
  var FRAME_MS = 200;
  var LOG_LENGTH = 10;
  var SIGNALS = {
    checked_in: { tones: [[880, 0.12]], vibrate: [80] },
    already: { tones: [[440, 0.15], [440, 0.15]], vibrate: [200, 100, 200] },
    refused: { tones: [[220, 0.45]], vibrate: [500] },
    queued: { tones: [[660, 0.08], [660, 0.08]], vibrate: [40, 60, 40] }
  };
  var stream = null, timer = null, audio = null, canvas = null, seen = {};

  var possible = Boolean(window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);

  root.hidden = false;
  if (!possible) {
    startButton.hidden = true;
    note.textContent = door.text("insecure");
  }
  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", function () { stop(); note.textContent = door.text("stopped"); });
  document.addEventListener("visibilitychange", function () { if (document.hidden) { stop(); } });
  window.addEventListener("pagehide", stop);
  root.addEventListener("door:result", function (event) { record(event.detail.result, true); });

  function start() {
    unlockAudio();
    seen = {};
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        startButton.hidden = true;
        stopButton.hidden = false;
        note.textContent = door.text("scanning");
        return video.play();
      })
      .then(decoder)
      .then(function (decode) { if (stream) { watch(decode); } })
      .catch(function (error) {
        stop();
        var missing = error && (error.name === "NotFoundError" || error.name === "OverconstrainedError");
        note.textContent = door.text(missing ? "noCamera" : "denied");
      });
  }

  function stop() {
    if (timer) { window.clearInterval(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.srcObject = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = !possible;
  }

  // A function that reads the current video frame: a promise of the QR code's text, or null.
  function decoder() {
    if (!("BarcodeDetector" in window)) { return withJsQR(); }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") === -1) { return withJsQR(); }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }, withJsQR);
  }

  function withJsQR() {
    var loaded = window.jsQR ? Promise.resolve() : new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root.getAttribute("data-decoder");
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loaded.then(function () {
      canvas = canvas || document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) { return Promise.resolve(null); }
        var scale = Math.min(1, 640 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
        return Promise.resolve(code ? code.data : null);
      };
    });
  }

  function watch(decode) {
    var busy = false;
    timer = window.setInterval(function () {
      if (busy || !stream) { return; }
      busy = true;
      decode().then(function (value) { busy = false; if (value) { found(value); } },
                    function () { busy = false; });
    }, FRAME_MS);
  }

  function found(value) {
    var now = Date.now(), last = seen[value];
    seen[value] = now;
    if (last && now - last < SAME_CODE_MS) { return; }
    if (!TOKEN.test(value)) { show({ outcome: "refused", message: door.text("notTicket") }); return; }
    door.scan(value).then(show);
  }

  function headline(result) {
    if (result.outcome === "checked_in") { return door.text("checkedIn"); }
    if (result.outcome === "already") { return door.text("already", { time: result.checkedInAt || "" }); }
    if (result.outcome === "queued") { return door.text("queued"); }
    return door.text("refused");
  }

  function line(parent, tag, value, className) {
    if (!value) { return; }
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) { node.className = className; }
    parent.appendChild(node);
  }

  function show(result) {
    feedback.hidden = false;
    feedback.className = "scan-feedback scan-" + result.outcome;
    feedback.textContent = "";
    line(feedback, "p", headline(result), "scan-outcome");
    line(feedback, "p", [result.name, result.organisation, result.role].filter(Boolean).join(" · "));
    line(feedback, "p", result.message);
    signal(result.outcome);
    record(result, false);
  }

  function record(result, sent) {
    var words = [headline(result), result.message || result.name].filter(Boolean).join(" – ");
    line(log, "li", sent ? door.text("sent", { message: words }) : words);
    log.insertBefore(log.lastChild, log.firstChild);
    while (log.children.length > LOG_LENGTH) { log.removeChild(log.lastChild); }
  }

  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { audio = new Context(); }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }

  function signal(outcome) {
    var pattern = SIGNALS[outcome];
    if (!pattern) { return; }
    if (navigator.vibrate) { navigator.vibrate(pattern.vibrate); }
    if (!audio) { return; }
    var at = audio.currentTime;
    pattern.tones.forEach(function (tone) {
      var oscillator = audio.createOscillator(), gain = audio.createGain();
      oscillator.frequency.value = tone[0];
      gain.gain.value = 0.2;
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + tone[1]);
      at += tone[1] + 0.08;
    });
  }
})();
