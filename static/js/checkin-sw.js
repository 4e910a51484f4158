// The door app's service worker: the check-in page opens without a connection.
// It keeps the check-in page itself (the plain page: counts and the forms, never a person's page or a
// search) and the scripts, styles and icons it needs. Everything else, and every JSON answer (counts,
// check-ins), goes to the network untouched and is never stored here.
"use strict";

var CACHE = "dialogue-door-v1";
var SHELL = [
  "/static/css/app.css",
  "/static/css/door.css",
  "/static/js/checkin.js",
  "/static/js/door-scanner.js",
  "/static/js/door-queue.js",
  "/static/vendor/jsqr/jsQR.js",
  "/static/icons/door-192.png",
  "/static/icons/door-512.png"
];
var CHECKIN_PAGE = /^\/events\/[^/]+\/check-in$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function checkInPage(request, url) {
  // Network first: the page from the server when it answers, the last one kept when it does not.
  // A page that is not the check-in page (the sign-in page after a sign-out, an error) removes it.
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        cache.put(url.pathname, response.clone());
      } else {
        cache.delete(url.pathname);
      }
      return response;
    }, function () {
      return cache.match(url.pathname).then(function (kept) { return kept || Response.error(); });
    });
  });
}

function staticFile(request) {
  // Network first, like the page: after a new release every page gets the new styles and scripts at
  // once; the kept copy serves only while there is no connection.
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok) { cache.put(request, response.clone()); }
      return response;
    }, function () {
      return cache.match(request, { ignoreSearch: true }).then(function (kept) { return kept || Response.error(); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && CHECKIN_PAGE.test(url.pathname) && !url.search) {
    event.respondWith(checkInPage(request, url));
  } else if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(staticFile(request));
  }
});
