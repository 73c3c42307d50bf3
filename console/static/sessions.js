// Session entry that works offline. A session entered in the form becomes one command (a field session
// for the delivery service's batch endpoint) with ids made here, once: the session id and the
// Idempotency-Key. It waits in a queue on the phone (IndexedDB) and is sent through the gateway
// (/api/delivery/...) now if there is a connection, or when it is back (the `online` event, the next
// page load, the "Send now" button). An item leaves the queue only when the server took it (2xx);
// a refusal (4xx) stays with its message, naming the field; a server error or no connection stays to be
// sent again; an expired sign-in (401) keeps everything and asks to sign in again. Sending an item again
// records nothing twice: same ids, same key. Without JavaScript the form posts to the console instead.
"use strict";
(function () {
  var box = document.getElementById("queue");
  var form = document.getElementById("session-form");
  if (!box || !window.indexedDB || !window.fetch || !window.Promise) { return; }
  var DB_NAME = "wecare-console", STORE = "commands";
  var labels = {};
  try { labels = JSON.parse(box.getAttribute("data-labels") || "{}"); } catch (e) { labels = {}; }
  var lang = document.documentElement.lang || "en";
  var countEl = document.getElementById("queue-count");
  var stateEl = document.getElementById("queue-state");
  var listEl = document.getElementById("queue-items");
  var sendBtn = document.getElementById("send-now");
  var syncing = false;
  var user = box.getAttribute("data-user") || "";  // a command is sent with the token of who entered it only

  function msg(name) { return box.getAttribute("data-" + name) || ""; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // -- the queue in IndexedDB ---------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "key"}); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function tx(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode);
        var out = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function all() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.created < b.created ? -1 : 1; });
    });
  }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function remove(key) { return tx("readwrite", function (s) { s["delete"](key); }); }

  // -- showing it ----------------------------------------------------------------------------
  function setState(text) { stateEl.textContent = text || ""; }

  function render() {
    return all().then(function (items) {
      box.hidden = false;
      countEl.textContent = items.length ? msg("waiting").replace("%(n)s", String(items.length)) : msg("none");
      sendBtn.hidden = !items.length;
      listEl.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("data-key", item.key);
        var what = document.createElement("span");
        what.textContent = item.label;
        li.appendChild(what);
        if (item.user && item.user !== user) {
          var o = document.createElement("span");
          o.className = "muted";
          o.textContent = " " + msg("other-user").replace("%(user)s", item.user);
          li.appendChild(o);
        } else if (item.problem) {
          li.className = "refused";
          var p = document.createElement("span");
          p.className = "field-error";
          p.textContent = " " + msg("refused") + " " + item.problem;
          li.appendChild(p);
          var rm = document.createElement("button");
          rm.type = "button";
          rm.textContent = msg("remove");
          rm.addEventListener("click", function () { remove(item.key).then(render); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(rm);
        }
        listEl.appendChild(li);
      });
      return items;
    });
  }

  // the form's field a problem's `field` names (as console/pages/delivery.py form_field)
  function formField(field) {
    var parts = String(field || "").split(".").filter(function (p) { return p; });
    if (parts[0] === "body") { parts = parts.slice(1); }
    if (parts.length >= 2 && parts[0] === "sessions" && /^\d+$/.test(parts[1])) { parts = parts.slice(2); }
    var head = parts[0] || "";
    if (head === "local_start") { return "when"; }
    if (head === "expected_participants") { return "expected"; }
    if (["attendance", "delivered_at", "counts", "participants"].indexOf(head) !== -1) { return "attendance"; }
    return labels[head] ? head : "";
  }

  function problemText(body, status) {
    var out = [];
    if (body && body.detail) { out.push(String(body.detail)); }
    var errors = (body && (body.errors || body.fields)) || [];
    errors.forEach(function (e) {
      if (!e || !e.field) { return; }
      var f = formField(e.field);
      var text = (f ? labels[f] : e.field) + ": " + (e.message || "");
      if (out.indexOf(text) === -1) { out.push(text); }
    });
    return out.join(" · ") || ("HTTP " + status);
  }

  // -- sending -------------------------------------------------------------------------------
  function send(item) {
    return fetch(item.url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "Idempotency-Key": item.key, "Accept-Language": lang},
      body: JSON.stringify(item.body)
    });
  }

  function visible(url, ids) {
    // reads lag writes by up to a second: wait until the plan shows what was sent, then show the page again
    var deadline = Date.now() + 6000;
    function poll() {
      return fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {sessions: []}; })
        .then(function (plan) {
          var have = (plan.sessions || []).map(function (s) { return s.session_id; });
          var all_ = ids.every(function (i) { return have.indexOf(i) !== -1; });
          if (all_ || Date.now() > deadline) { return all_; }
          return new Promise(function (r) { setTimeout(r, 300); }).then(poll);
        }).catch(function () { return false; });
    }
    return poll();
  }

  function sync(everything) {
    if (syncing) { return Promise.resolve(); }
    syncing = true;
    setState(msg("sending"));
    var sentHere = [];
    var stop = "";
    return all().then(function (items) {
      var chain = Promise.resolve();
      items.forEach(function (item) {
        chain = chain.then(function () {
          if (stop || (item.problem && !everything) || (item.user && item.user !== user)) { return; }
          return send(item).then(function (r) {
            if (r.ok) {
              if (item.plan === (form && form.getAttribute("data-plan"))) {
                sentHere = sentHere.concat(item.body.sessions.map(function (s) { return s.session_id; }));
              }
              return remove(item.key);
            }
            if (r.status === 401) { stop = "signin"; return; }
            if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
              return r.json().catch(function () { return null; }).then(function (body) {
                item.problem = problemText(body, r.status);
                return put(item);
              });
            }
            stop = "failed";
          }, function () { stop = "offline"; });
        });
      });
      return chain;
    }).then(function () {
      syncing = false;
      return render();
    }).then(function (left) {
      if (stop === "signin") {
        stateEl.textContent = msg("signin") + " ";
        var a = document.createElement("a");
        a.href = "/signin?next=" + encodeURIComponent(location.pathname);
        a.textContent = msg("signin-link");
        stateEl.appendChild(a);
        return;
      }
      setState(stop ? msg(stop) : (left.length ? "" : (sentHere.length ? msg("sent") : "")));
      if (sentHere.length && form) {
        var planUrl = form.getAttribute("data-batch").replace(/\/batch$/, "");
        return visible(planUrl, sentHere).then(function () { location.reload(); });
      }
    }, function () { syncing = false; setState(msg("failed")); });
  }

  // -- the form --------------------------------------------------------------------------------
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".js-error"), function (e) { e.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (e) {
      e.removeAttribute("aria-invalid");
    });
  }
  function fieldError(id, text) {
    var input = document.getElementById(id);
    var span = document.createElement("span");
    span.className = "field-error js-error";
    span.id = id + "-js-error";
    span.textContent = text;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", span.id);
    (input.closest("fieldset") === input.parentNode ? input : input.parentNode).appendChild(span);
  }

  function total() {
    var n = 0;
    var roles = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[data-role]"), function (i) {
      var v = parseInt(i.value, 10);
      if (v > 0) { n += v; roles[i.getAttribute("data-role")] = (roles[i.getAttribute("data-role")] || 0) + v; }
    });
    document.getElementById("total").textContent = String(n);
    Array.prototype.forEach.call(form.querySelectorAll(".role-total"), function (s) {
      var r = roles[s.getAttribute("data-role")];
      s.textContent = r ? "(" + r + ")" : "";
    });
    return n;
  }

  function build() {
    var v = function (name) { return (form.elements[name].value || "").trim(); };
    var problems = [];
    var counts = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[data-role]"), function (i) {
      var raw = i.value.trim();
      if (!raw) { return; }
      if (!/^\d+$/.test(raw)) { problems.push(["n-" + i.getAttribute("data-role") + "-" + i.getAttribute("data-sex") +
                                               "-" + i.getAttribute("data-band"), labels.attendance]); return; }
      var n = parseInt(raw, 10);
      if (n > 0) {
        counts.push({role: i.getAttribute("data-role"), sex: i.getAttribute("data-sex"),
                     age_band: i.getAttribute("data-band"), count: n});
      }
    });
    if (!v("activity")) { problems.push(["activity", labels.activity]); }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v("date"))) { problems.push(["date", labels.when]); }
    if (!/^\d{2}:\d{2}/.test(v("time"))) { problems.push(["time", labels.when]); }
    var trainers = v("trainers").split(/[,\n]/).map(function (t) { return t.trim(); }).filter(Boolean);
    if (!trainers.length) { problems.push(["trainers", labels.trainers]); }
    if (!/^\d+$/.test(v("capacity")) || parseInt(v("capacity"), 10) < 1) { problems.push(["capacity", labels.capacity]); }
    if (v("expected") && !/^\d+$/.test(v("expected"))) { problems.push(["expected", labels.expected]); }
    if (problems.length) { return {problems: problems}; }
    var start = v("date") + "T" + v("time").slice(0, 5);
    var n = counts.reduce(function (s, c) { return s + c.count; }, 0);
    var capacity = parseInt(v("capacity"), 10);
    var session = {session_id: uuid(), activity: v("activity"), local_start: start, venue: v("venue") || null,
                   trainers: trainers, capacity: capacity,
                   expected_participants: v("expected") ? parseInt(v("expected"), 10) : Math.min(n, capacity)};
    if (counts.length) { session.attendance = {delivered_at: start, counts: counts}; }
    var act = form.elements.activity;
    var label = act.options[act.selectedIndex].text + " · " + start.replace("T", " ") + " · " + n;
    return {session: session, label: label};
  }

  if (form) {
    form.addEventListener("input", function (e) { if (e.target.hasAttribute("data-role")) { total(); } });
    total();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      var built = build();
      if (built.problems) {
        built.problems.forEach(function (p) { fieldError(p[0], p[1]); });
        document.getElementById(built.problems[0][0]).focus();
        return;
      }
      var item = {key: uuid(), url: form.getAttribute("data-batch"), country: form.getAttribute("data-country"),
                  plan: form.getAttribute("data-plan"), user: user, body: {sessions: [built.session]}, label: built.label,
                  created: new Date().toISOString(), problem: null};
      put(item).then(function () {
        // ready for the next session: the same activity, trainers and venue, new counts
        Array.prototype.forEach.call(form.querySelectorAll("input[data-role]"), function (i) { i.value = ""; });
        total();
        return render();
      }).then(function () {
        if (navigator.onLine) { return sync(false); }
        setState(msg("offline"));
      });
    });
  }

  sendBtn.addEventListener("click", function () { sync(true); });
  window.addEventListener("online", function () { sync(false); });
  window.addEventListener("offline", function () { setState(msg("offline")); });
  render().then(function (items) {
    if (!items.length) { return; }
    if (navigator.onLine) { return sync(false); }
    setState(msg("offline"));
  });
  // this page, kept for when there is no connection (the service worker keeps the next ones itself)
  if (window.caches && navigator.serviceWorker && !navigator.serviceWorker.controller && navigator.onLine) {
    navigator.serviceWorker.ready.then(function () {
      return caches.open("wecare-pages-v1").then(function (c) {
        return fetch(location.href, {credentials: "same-origin"}).then(function (r) {
          if (r.ok && !r.redirected) { return c.put(location.href, r); }
        });
      });
    }).catch(function () { /* not kept: fine */ });
  }
})();
