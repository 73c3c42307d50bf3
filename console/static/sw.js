// The console's service worker (served at /sw.js, scope "/"): the console keeps working without a
// connection. Pages the user visited: network first, the last copy when offline. The app shell and
// static files: from the cache, refreshed in the background. Nothing else is kept: never the API's
// answers (they go through the gateway with the user's cookie), never a sign-in or an error page.
// The queue of commands is the page's (sessions.js, IndexedDB); this worker only serves pages.
"use strict";
var VERSION = "v1";
var SHELL = "wecare-shell-" + VERSION;
var PAGES = "wecare-pages-" + VERSION;
var SHELL_FILES = ["/static/console.css", "/static/console.js", "/static/sessions.js", "/static/delivery.css", "/manifest.webmanifest",
                   "/static/icon.svg", "/static/icon-192.png"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(SHELL_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== SHELL && k !== PAGES; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepable(response) {
  // a page as the user saw it: not a redirect to the sign-in page, not an error
  return response && response.ok && response.type === "basic" && !response.redirected;
}

function pageFirstFromNetwork(request) {
  return fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (c) { return c.put(request.url, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (c) { return c.match(request.url); }).then(function (hit) {
      return hit || offlinePage();
    });
  });
}

function offlinePage() {
  var html = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'>" +
    "<link rel=stylesheet href='/static/console.css'><title>WeCare</title><main id=main><section class='card narrow'>" +
    "<h1>Offline</h1><p>This page was not opened on this phone before, so it is not kept here. " +
    "The pages you opened are: go back, or open one from the list again.</p></section></main>";
  return new Response(html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

function staticFromCache(request) {
  return caches.open(SHELL).then(function (c) {
    return c.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (keepable(response)) { c.put(request, response.clone()); }
        return response;
      });
      if (hit) { fresh.catch(function () { /* offline: the kept copy it is */ }); return hit; }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === "/signout") {
    // signing out forgets the pages kept for this user
    event.respondWith(caches.delete(PAGES).then(function () { return fetch(request); }));
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.indexOf("/api/") === 0 || url.pathname === "/sw.js" || url.pathname === "/signin" ||
      url.pathname === "/lang" || url.pathname.indexOf("/formList") === 0) { return; }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/fonts/") === 0 ||
      url.pathname === "/manifest.webmanifest") {
    event.respondWith(staticFromCache(request));
    return;
  }
  if (request.mode === "navigate" || (request.headers.get("accept") || "").indexOf("text/html") !== -1) {
    event.respondWith(pageFirstFromNetwork(request));
  }
});
