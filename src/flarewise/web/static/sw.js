// flarewise service worker: the app opens without a connection and the check-in can be filled
// in; saving offline is handled by app.js (the outbox, with idempotency keys). Only our own
// static files and the last Today page are kept; nothing is sent anywhere else.
var CACHE = "flarewise-v1";  // renamed when served, after the cached files' content (pages/offline.py)
var STATIC = ["/static/app.css", "/static/app.js", "/static/favicon.svg", "/static/icon-192.png"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(STATIC); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
    return;
  }
  if (req.mode === "navigate" && url.pathname === "/today") {
    // network first; the last Today page when offline
    event.respondWith(fetch(req).then(function (res) {
      if (res.ok && !res.redirected) { var copy = res.clone(); caches.open(CACHE).then(function (c) { c.put("/today", copy); }); }
      return res;
    }).catch(function () { return caches.match("/today"); }));
  }
});
