// The console's only script on every page; each page works without it.
// It registers the service worker (offline pages and the queue of commands, /sw.js).
"use strict";
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* offline capture off */ });
}
